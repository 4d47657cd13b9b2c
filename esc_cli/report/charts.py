"""The report's charts: emotion trajectories, per-skill credit and paired changes, drawn with `svg`.

Colours come from the Okabe-Ito palette, which stays apart for the common kinds of colour blindness,
and every outcome also has its own dash pattern, so the charts read in greyscale print too.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from esc_cli.report.svg import Axis, Bar, Line, Rule, Segment, Stroke, bar_chart, line_chart, signed
from esc_cli.sim.records import Dialogue, SkillCredit

SUCCESS_AT = 100
FAILURE_BELOW = 10

BLUE = "#0072b2"
VERMILION = "#d55e00"
GREEN = "#009e73"
GREY = "#6b6b6b"
PURPLE = "#8e4b9a"
LIGHT = "#c9c9c9"

OUTCOME_STROKES: Mapping[str, Stroke] = {
    "success": Stroke(BLUE),
    "failure": Stroke(VERMILION, "6 3"),
    "goodbye": Stroke(GREY, "2 3"),
    "max-turns": Stroke(PURPLE, "8 3 2 3"),
}
OTHER_STROKE = Stroke(GREY, "1 2")
RULE_STROKE = Stroke("#1a1a1a", "4 3", 1.0)
RULES = (Rule(SUCCESS_AT, "success", RULE_STROKE), Rule(FAILURE_BELOW, "failure", RULE_STROKE))
EMOTION_AXIS = Axis("emotion (0-100)", 0, 100, (0, 25, 50, 75, 100))


def outcome_stroke(outcome: str) -> Stroke:
    return OUTCOME_STROKES.get(outcome, OTHER_STROKE)


def trajectory(dialogue: Dialogue) -> list[tuple[float, float]]:
    """The emotion before the first reply, then after each reply."""
    return [(0, dialogue.emotion_start), *((turn.index + 1, turn.emotion) for turn in dialogue.turns)]


def turn_axis(max_turns: int) -> Axis:
    step = max(1, math.ceil(max_turns / 10))
    return Axis("agent turn", 0, max(max_turns, 1), tuple(range(0, max_turns + 1, step)))


def trajectory_chart(ident: str, dialogues: Sequence[Dialogue], *, title: str, max_turns: int) -> str:
    """One polyline per dialogue over turns, with the success and failure lines dashed."""
    lines = [
        Line(
            trajectory(d),
            outcome_stroke(d.outcome),
            f"{d.key}: {d.emotion_start} to {d.final_emotion} ({d.outcome})",
        )
        for d in dialogues
    ]
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(Counter(d.outcome for d in dialogues).items()))
    desc = f"{len(dialogues)} dialogues ({outcomes or 'none'}); emotion from 0 to 100 after each agent turn."
    return line_chart(
        ident, lines, title=title, desc=desc, x=turn_axis(max_turns), y=EMOTION_AXIS, rules=RULES
    )


def nice_step(span: float, target: int = 5, *, whole: bool = False) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most about `target` intervals."""
    raw = max(span, 1e-9) / target
    power = 10.0 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    return max(step, 1.0) if whole else step


def _ticks(low: float, high: float, step: float) -> tuple[float, ...]:
    count = round((high - low) / step)
    return tuple(low + i * step for i in range(count + 1))


def _count_axis(label: str, top: float) -> Axis:
    step = nice_step(top, whole=True)
    high = max(step, math.ceil(top / step) * step)
    return Axis(label, 0, high, _ticks(0, high, step))


def _symmetric_axis(label: str, extent: float, minimum: float) -> Axis:
    extent = max(extent, minimum)
    step = nice_step(extent, 2)
    high = math.ceil(extent / step) * step
    return Axis(label, -high, high, _ticks(-high, high, step))


def skill_use_chart(skills: Mapping[str, SkillCredit]) -> str:
    """Uses of each skill as a stacked bar: helpful, neither, harmful."""
    top = max((c.uses for c in skills.values()), default=0)
    bars = [
        Bar(
            skill,
            (
                Segment(c.helpful, GREEN, f"{c.helpful} helpful"),
                Segment(c.uses - c.helpful - c.harmful, LIGHT, f"{c.uses - c.helpful - c.harmful} no change"),
                Segment(c.harmful, VERMILION, f"{c.harmful} harmful"),
            ),
            f"{c.uses} uses: {c.helpful} helpful, {c.harmful} harmful",
        )
        for skill, c in skills.items()
    ]
    return bar_chart(
        "skill-uses",
        bars,
        title="Uses of each skill: helpful, no change, harmful",
        desc=f"{len(bars)} skills; each bar is split into uses followed by a rise, no change, and a fall in emotion.",
        axis=_count_axis("uses", top),
    )


def skill_change_chart(skills: Mapping[str, SkillCredit]) -> str:
    """Mean emotion change after each skill's use, drawn either side of zero."""
    bars = [
        Bar(
            skill,
            (Segment(c.mean_change, GREEN if c.mean_change >= 0 else VERMILION, signed(c.mean_change, 2)),),
            signed(c.mean_change, 2),
        )
        for skill, c in skills.items()
    ]
    return diverging_chart(
        "skill-change",
        bars,
        title="Mean emotion change after each skill's use",
        desc=f"{len(bars)} skills; bars right of zero raised the seeker's emotion on average, left lowered it.",
        label="mean change after use",
        minimum=2,
    )


def diverging_chart(
    ident: str, bars: Sequence[Bar], *, title: str, desc: str, label: str, minimum: float
) -> str:
    """A bar chart centred on zero and symmetric, so rises and falls compare at a glance."""
    extent = max((abs(s.value) for b in bars for s in b.segments), default=0)
    axis = _symmetric_axis(label, extent, minimum)
    return bar_chart(ident, bars, title=title, desc=desc, axis=axis)


def change_bar(label: str, change: float, note: str) -> Bar:
    """A bar of one signed change: blue when it rose, vermilion when it fell; the note carries the sign."""
    return Bar(label, (Segment(change, BLUE if change >= 0 else VERMILION, signed(change)),), note)
