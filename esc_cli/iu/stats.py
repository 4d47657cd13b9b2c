"""The distribution tables of a set of IUs, as plain data (the CLI draws them).

Tables: support actions x direction; ESConv strategies x direction; seeker states; successful versus
failed dialogues; key IUs by evidence; the seeker's behaviour after each action. An IU with several
actions or states counts once in each of their rows, so rows can add up to more than the IU count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from esc_cli.iu.outcome import EVIDENCE_ORDER, direction_sign
from esc_cli.iu.records import IU
from esc_cli.taxonomy import ACTION_IDS, BEHAVIOUR_IDS, DIRECTION_IDS, ESCONV_STRATEGIES, STATE_IDS

Cell = str | int | float
NEGATIVE_DIRECTIONS = frozenset(d for d in DIRECTION_IDS if direction_sign(d) < 0)


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def _direction_table(
    title: str,
    label: str,
    ius: Iterable[IU],
    keys_of: Callable[[IU], Iterable[str]],
    order: Sequence[str],
    note: str = "",
) -> Table:
    groups: dict[str, list[IU]] = defaultdict(list)
    for iu in ius:
        for key in dict.fromkeys(keys_of(iu)):
            groups[key].append(iu)
    table = Table(title, [label, "IUs", *(f"{d} %" for d in DIRECTION_IDS), "mean delta"], note=note)
    for key in [*order, *sorted(set(groups) - set(order))]:
        members = groups.get(key, [])
        if not members:
            continue
        counts = Counter(iu.outcome.direction for iu in members)
        shares = [_share(counts[d], len(members)) for d in DIRECTION_IDS]
        table.rows.append([key, len(members), *shares, _mean([iu.outcome.delta for iu in members])])
    return table


def actions_by_direction(ius: Sequence[IU]) -> Table:
    return _direction_table(
        "Support actions x direction",
        "action",
        ius,
        lambda iu: iu.action.actions,
        ACTION_IDS,
        "every action of an IU counts",
    )


def strategies_by_direction(ius: Sequence[IU]) -> Table:
    return _direction_table(
        "ESConv strategies x direction",
        "strategy",
        ius,
        lambda iu: [iu.action.strategy or f"{iu.action.strategy_predicted} (predicted)"],
        ESCONV_STRATEGIES,
    )


def states_table(ius: Sequence[IU]) -> Table:
    table = _direction_table(
        "Seeker states before the intervention",
        "state",
        ius,
        lambda iu: iu.state.states,
        STATE_IDS,
        "every state of an IU counts",
    )
    first = Counter(iu.state.states[0] for iu in ius if iu.state.states)
    table.columns.insert(2, "most salient")
    for row in table.rows:
        row.insert(2, first[str(row[0])])
    return table


def outcome_table(ius: Sequence[IU]) -> Table:
    return _direction_table(
        "Successful versus failed dialogues",
        "dialogues",
        ius,
        lambda iu: [f"{iu.source} {iu.dialogue_outcome}"],
        (),
    )


def key_table(ius: Sequence[IU]) -> Table:
    """Key IUs (direction not neutral) by the evidence that decided them."""
    table = Table("Key IUs by evidence", ["evidence", "IUs", "key", "key %", "improved", "worsened"])
    by_evidence: dict[str, list[IU]] = defaultdict(list)
    for iu in ius:
        by_evidence[iu.outcome.evidence].append(iu)
    for evidence in [*EVIDENCE_ORDER, "all"]:
        members = list(ius) if evidence == "all" else by_evidence.get(evidence, [])
        if not members:
            continue
        key = [iu for iu in members if iu.key]
        improved = sum(1 for iu in key if iu.outcome.delta > 0)
        table.rows.append(
            [evidence, len(members), len(key), _share(len(key), len(members)), improved, len(key) - improved]
        )
    return table


def behaviour_table(ius: Sequence[IU]) -> Table:
    """For each action: the share of its IUs whose seeker reply shows each behaviour."""
    shown = [b for b in BEHAVIOUR_IDS if any(b in iu.outcome.behaviours for iu in ius)]
    table = Table(
        "Seeker behaviour after each action (% of the action's IUs with a reply)", ["action", "IUs", *shown]
    )
    groups: dict[str, list[IU]] = defaultdict(list)
    for iu in ius:
        if iu.outcome.seeker_reply:
            for action in iu.action.actions:
                groups[action].append(iu)
    for action in ACTION_IDS:
        members = groups.get(action, [])
        if members:
            counts = Counter(b for iu in members for b in iu.outcome.behaviours)
            table.rows.append([action, len(members), *(_share(counts[b], len(members)) for b in shown)])
    return table


def all_tables(ius: Sequence[IU]) -> list[Table]:
    """Every table, in the order `esc iu stats` prints them."""
    return [
        actions_by_direction(ius),
        strategies_by_direction(ius),
        states_table(ius),
        outcome_table(ius),
        key_table(ius),
        behaviour_table(ius),
    ]


def negative_share(ius: Iterable[IU]) -> float:
    """The fraction of IUs whose direction is worsened or worsened-strong."""
    members = list(ius)
    negative = sum(1 for iu in members if iu.outcome.direction in NEGATIVE_DIRECTIONS)
    return negative / len(members) if members else 0.0
