"""The outcome table: the mean emotion change after each support action in each seeker state.

Learned from IUs by `esc sim calibrate ius.jsonl` and shipped as `esc_cli/assets/outcome_table.json`
(built from the ESConv train split; see `DEFAULT_TABLE_COMMAND`). Sparse cells are shrunk towards the
action's mean over all states, and that towards the global mean, with `prior_strength` pseudo-counts:

    action value = (sum of deltas of the action + k * global mean) / (count + k)
    cell value   = (sum of deltas in the cell   + k * action value) / (count + k)

The offline seeker starts each change from `expected(states, actions)`: what ESConv seekers in those
states felt, on average, after those actions. Its global mean is the drift of an ordinary ESConv turn.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esc_cli import taxonomy
from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text, read_text
from esc_cli.iu.records import IU

TABLE_FORMAT = 1
DEFAULT_PRIOR_STRENGTH = 20.0
DEFAULT_TABLE_COMMAND = (
    "esc iu extract $ESC_DATA/esconv/hf_splits/train.jsonl -o ius-train.jsonl && "
    "esc sim calibrate ius-train.jsonl -o esc_cli/assets/outcome_table.json"
)


class Cell(BaseModel):
    """One (state, action) cell or one action's prior: raw mean, count, and the shrunk value."""

    model_config = ConfigDict(extra="forbid")

    mean: float
    count: int
    value: float


class OutcomeTable(BaseModel):
    """The mean change of each action in each state, with counts and a shrinkage prior."""

    model_config = ConfigDict(extra="forbid")

    format: int = TABLE_FORMAT
    source: str = Field(description="What it was learned from, e.g. the IU file name and count.")
    ius: int = Field(description="How many IUs went in.")
    prior_strength: float
    global_mean: float
    actions: dict[str, Cell] = Field(description="Per action over all states: the prior of its cells.")
    cells: dict[str, dict[str, Cell]] = Field(description="state -> action -> cell.")

    def value(self, state: str, action: str) -> float:
        """The shrunk mean change of `action` in `state` (falling back to the action, then global)."""
        cell = self.cells.get(state, {}).get(action)
        if cell is not None:
            return cell.value
        prior = self.actions.get(action)
        return prior.value if prior is not None else self.global_mean

    def expected(self, states: Sequence[str], actions: Sequence[str]) -> float:
        """The change this reply is expected to bring, on the SAGE scale.

        The mean over actions of the mean over states of the cell value; the global mean for no actions.
        """
        if not actions:
            return self.global_mean
        known_states = [s for s in states if s in taxonomy.STATE_IDS] or [""]
        per_action = [
            sum(self.value(state, action) for state in known_states) / len(known_states) for action in actions
        ]
        return sum(per_action) / len(per_action)

    def digest(self) -> str:
        """A short hash of the table's content, recorded in run.json."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _shrunk(total: float, count: int, prior: float, strength: float) -> float:
    return (total + strength * prior) / (count + strength)


def calibrate(
    ius: Iterable[IU], *, source: str = "", prior_strength: float = DEFAULT_PRIOR_STRENGTH
) -> OutcomeTable:
    """Learn a table from IUs: every (state, action) pair of an IU gets the IU's delta."""
    sums: dict[tuple[str, str], float] = defaultdict(float)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    action_sums: dict[str, float] = defaultdict(float)
    action_counts: dict[str, int] = defaultdict(int)
    total, n = 0.0, 0
    for iu in ius:
        delta = iu.outcome.delta
        total += delta
        n += 1
        for action in iu.action.actions:
            action_sums[action] += delta
            action_counts[action] += 1
            for state in iu.state.states:
                sums[(state, action)] += delta
                counts[(state, action)] += 1
    if n == 0:
        raise InputError(
            source or None, "no IUs to learn from", fix="pass the ius.jsonl that `esc iu extract` wrote"
        )
    global_mean = total / n
    actions = {
        a: Cell(
            mean=round(action_sums[a] / c, 4),
            count=c,
            value=round(_shrunk(action_sums[a], c, global_mean, prior_strength), 4),
        )
        for a, c in sorted(action_counts.items())
    }
    cells: dict[str, dict[str, Cell]] = defaultdict(dict)
    for (state, action), c in sorted(counts.items()):
        prior = actions[action].value
        cells[state][action] = Cell(
            mean=round(sums[(state, action)] / c, 4),
            count=c,
            value=round(_shrunk(sums[(state, action)], c, prior, prior_strength), 4),
        )
    return OutcomeTable(
        source=source,
        ius=n,
        prior_strength=prior_strength,
        global_mean=round(global_mean, 4),
        actions=actions,
        cells=dict(cells),
    )


def table_text(table: OutcomeTable) -> str:
    """The table as stable, reviewable JSON text."""
    return json.dumps(table.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"


def write_table(path: Path, table: OutcomeTable) -> None:
    atomic_write_text(path, table_text(table))


def parse_table(text: str, where: str) -> OutcomeTable:
    try:
        return OutcomeTable.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise InputError(
            where,
            f"not an outcome table: {first['msg']}",
            where=place,
            fix="rebuild it with `esc sim calibrate ius.jsonl -o FILE`",
        ) from exc


def load_table(path: Path) -> OutcomeTable:
    """Read an outcome table written by `esc sim calibrate`."""
    return parse_table(read_text(path, max_bytes=None, what="outcome table"), str(path))


_DEFAULT: OutcomeTable | None = None


def default_table() -> OutcomeTable:
    """The table shipped in the package (ESConv train split), read once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("esc_cli").joinpath("assets", "outcome_table.json").read_text(encoding="utf-8")
        _DEFAULT = parse_table(text, "esc_cli/assets/outcome_table.json")
    return _DEFAULT
