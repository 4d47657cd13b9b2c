"""What the page of one run shows, worked out from the run before any HTML is written.

The numbers come from `summary.json` as written, never recomputed, so the page and the file cannot
disagree; the trajectories and transcripts come from `dialogues.jsonl`. When the two files disagree
(a run cut short, a summary edited by hand) the page says so at the top.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from esc_cli.report import charts
from esc_cli.report.svg import slug, swatch
from esc_cli.sim.records import Dialogue, GroupScore, SkillCredit, Summary
from esc_cli.sim.runstore import Run

OUTCOME_ORDER = {"failure": 0, "max-turns": 1, "goodbye": 2, "success": 3}


@dataclass(frozen=True)
class Tile:
    """One headline figure. `value` is the exact number from summary.json; the page shows it rounded."""

    metric: str
    label: str
    value: float | int


@dataclass(frozen=True)
class GroupTable:
    """One breakdown of summary.json (`by_personality`, ...), its rows in a stable order."""

    group: str
    caption: str
    key_header: str
    rows: Sequence[tuple[str, GroupScore]]


@dataclass(frozen=True)
class Chart:
    """A chart ready for the page, and the id its figure is anchored by."""

    ident: str
    caption: str
    svg: Markup


@dataclass(frozen=True)
class Transcript:
    """One dialogue on the page: its anchor and the dialogue itself."""

    anchor: str
    dialogue: Dialogue


def tiles(summary: Summary) -> list[Tile]:
    return [
        Tile("sage_score", "SAGE score (mean final emotion)", summary.sage_score),
        Tile("successes", "Successes (reached 100)", summary.successes),
        Tile("failures", "Failures (fell below 10)", summary.failures),
        Tile("dialogues", "Dialogues", summary.dialogues),
        Tile("safety_violations", "Safety violations", summary.safety_violations),
    ]


def group_tables(summary: Summary) -> list[GroupTable]:
    def rows(groups: Mapping[str, GroupScore]) -> list[tuple[str, GroupScore]]:
        return sorted(groups.items())

    return [
        GroupTable("by_personality", "Score by personality", "Personality", rows(summary.by_personality)),
        GroupTable("by_intention", "Score by hidden intention", "Intention", rows(summary.by_intention)),
        GroupTable("by_profile", "Score by profile", "Profile", rows(summary.by_profile)),
    ]


def skill_rows(skills: Mapping[str, SkillCredit]) -> list[tuple[str, SkillCredit]]:
    """Most used first, so the skills that shape the run lead the chart."""
    return sorted(skills.items(), key=lambda item: (-item[1].uses, item[0]))


def by_personality(dialogues: Iterable[Dialogue]) -> dict[str, list[Dialogue]]:
    groups: dict[str, list[Dialogue]] = {}
    for dialogue in dialogues:
        groups.setdefault(dialogue.personality, []).append(dialogue)
    return dict(sorted(groups.items()))


def turn_limit(run: Run) -> int:
    return max([run.config.max_turns, *(len(d.turns) for d in run.dialogues)])


def trajectory_charts(dialogues: Sequence[Dialogue], *, max_turns: int, prefix: str = "traj") -> list[Chart]:
    """Small multiples: one chart per personality, one line per dialogue."""
    found = []
    for personality, group in by_personality(dialogues).items():
        ident = f"{prefix}-{slug(personality)}"
        caption = f"{personality} seekers: {len(group)} dialogues"
        title = f"Emotion trajectories of {personality} seekers"
        svg = charts.trajectory_chart(ident, group, title=title, max_turns=max_turns)
        found.append(Chart(ident, caption, Markup(svg)))
    return found


def outcome_legend() -> list[tuple[str, Markup]]:
    return [(outcome, Markup(swatch(stroke))) for outcome, stroke in charts.OUTCOME_STROKES.items()]


def credit_legend() -> list[tuple[str, Markup]]:
    return [
        ("helpful (emotion rose)", Markup(swatch(fill=charts.GREEN))),
        ("no change", Markup(swatch(fill=charts.LIGHT))),
        ("harmful (emotion fell)", Markup(swatch(fill=charts.VERMILION))),
    ]


def transcripts(dialogues: Sequence[Dialogue], *, prefix: str = "dlg") -> list[Transcript]:
    """Worst first: dialogues with a safety flag, then failures, then by final emotion."""
    anchored = [Transcript(f"{prefix}-{index}", d) for index, d in enumerate(dialogues)]
    return sorted(
        anchored,
        key=lambda t: (
            t.dialogue.safety_violations == 0,
            OUTCOME_ORDER.get(t.dialogue.outcome, 1),
            t.dialogue.final_emotion,
            t.dialogue.key,
        ),
    )


def consistency_warnings(run: Run) -> list[str]:
    """Say where summary.json and dialogues.jsonl disagree, instead of hiding it."""
    warnings = []
    if run.summary.dialogues != len(run.dialogues):
        warnings.append(
            f"summary.json counts {run.summary.dialogues} dialogues but dialogues.jsonl holds "
            f"{len(run.dialogues)}: the run may be unfinished (esc sim run --resume)."
        )
    flagged = sum(d.safety_violations for d in run.dialogues)
    if run.summary.safety_violations != flagged:
        warnings.append(
            f"summary.json counts {run.summary.safety_violations} safety violations but the transcripts "
            f"flag {flagged} turns."
        )
    return warnings


def never_fired(run: Run) -> list[str]:
    """Active skills of the run that no reply used: edits to them cannot move this run's score."""
    used = {key for key, credit in run.summary.skills.items() if credit.uses > 0}
    return sorted(set(run.config.skill_hashes) - used)


def run_context(run: Run) -> dict[str, object]:
    """Everything `run.html.j2` needs."""
    credit = dict(skill_rows(run.summary.skills))
    return {
        "run": run,
        "config": run.config,
        "summary": run.summary,
        "tiles": tiles(run.summary),
        "tables": group_tables(run.summary),
        "warnings": consistency_warnings(run),
        "trajectories": trajectory_charts(run.dialogues, max_turns=turn_limit(run)),
        "outcome_legend": outcome_legend(),
        "credit_legend": credit_legend(),
        "skills": list(credit.items()),
        "never_fired": never_fired(run),
        "skill_uses_chart": Markup(charts.skill_use_chart(credit)) if credit else None,
        "skill_change_chart": Markup(charts.skill_change_chart(credit)) if credit else None,
        "flagged": [t for t in transcripts(run.dialogues) if t.dialogue.safety_violations],
        "transcripts": transcripts(run.dialogues),
    }
