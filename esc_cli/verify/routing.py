"""The routing screen: a change that sends a skill to seekers two helping stages before its own.

Helping runs exploration → comforting → action (the taxonomy gives each seeker state and each skill a
stage; the router prefers the stage that fits). An action-stage skill routed to an exploration-stage
state (opening, venting, emotion-unnamed, withdrawal, crisis-risk) acts before the seeker has been heard: advice,
a reframe or a goodbye to someone who has just started to talk. No skill of the seed bank does this.

Simulation cannot always see the harm. The offline seeker takes a warm closing line well wherever it
comes (the judge learned from ESConv that closings come with seekers who feel better, and a greeting
and a goodbye are the same action to the labeller), so routing the closing skill to the first turn
raised the simulated score. The screen reads the routing itself, as the text screen reads the words:
it runs in the verify gate (criterion `routing`, on what the change adds between base and head) and in
`esc skill lint --strict` (on what was added since the last commit). A skill that already routed that
way before the change is not a finding, and crisis skills are exempt: crisis routing overrides stage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from esc_cli import taxonomy
from esc_cli.bank.files import parse_skill
from esc_cli.bank.lines import locate
from esc_cli.bank.model import Skill
from esc_cli.errors import EscError
from esc_cli.verify.screen import TextFinding, committed_text

PART = "routing"
WHERE = "applies_when.seeker_states"
_STAGE = {stage: index for index, stage in enumerate(taxonomy.STAGE_IDS)}
SKIPPED = 2
"""How many stages a skill's stage may not lie ahead of a state it applies to (2: it skips comforting)."""
FIX = "route it to later states, or give it an earlier stage and examples for these seekers"


@dataclass(frozen=True)
class RoutedChange:
    """One skill before and after the change (`base` is None for a new skill) and the head's file."""

    file: str
    base: Skill | None
    head: Skill
    head_text: str


def stage_gaps(skill: Skill) -> list[str]:
    """The seeker states an active, non-crisis skill applies to that lie two stages before its own."""
    if skill.meta.crisis or skill.meta.status != "active":
        return []
    own = _STAGE[skill.meta.stage]
    return [
        state
        for state in skill.meta.applies_when.seeker_states
        if state in taxonomy.STATE_IDS and own - _STAGE[taxonomy.stage_of_state(state)] >= SKIPPED
    ]


def _reason(skill: Skill, state: str) -> str:
    return (
        f"routes the {skill.meta.stage}-stage skill to '{state}', an "
        f"{taxonomy.stage_of_state(state)}-stage state: it would act before the seeker has been heard "
        "(helping runs exploration, comforting, action)"
    )


def screen_routing(changes: Sequence[RoutedChange]) -> list[TextFinding]:
    """One finding per seeker state that the change newly routes two stages early, in file order."""
    findings: list[TextFinding] = []
    for change in sorted(changes, key=lambda c: c.file):
        before = set(stage_gaps(change.base)) if change.base is not None else set()
        new = [state for state in stage_gaps(change.head) if state not in before]
        if not new:
            continue
        line = locate(change.head_text, WHERE) or 1
        shown = change.head_text.splitlines()[line - 1].strip()
        findings += [TextFinding(change.file, line, shown, _reason(change.head, s), PART) for s in new]
    return findings


def routing_detail(findings: Sequence[TextFinding], changed: int) -> str:
    """The criterion's detail: how many changed skills were read, and the first finding."""
    if not findings:
        return f"{changed} changed skill(s) screened, none routed two helping stages early"
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{len(findings)} routing finding(s), first: {findings[0].describe()}{more}; {FIX}"


def _parsed(text: str | None, path: Path) -> Skill | None:
    if text is None:
        return None
    try:
        return parse_skill(text, path)
    except EscError:
        return None


def routing_worktree(files: Sequence[Path], shown: Callable[[Path], str]) -> list[TextFinding]:
    """The screen of `esc skill lint --strict`: states routed two stages early since the last commit
    (every such state in a file the last commit does not hold). Unparsable files are lint's business."""
    changes: list[RoutedChange] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        head = _parsed(text, path)
        if head is not None:
            changes.append(RoutedChange(shown(path), _parsed(committed_text(path), path), head, text))
    return screen_routing(changes)
