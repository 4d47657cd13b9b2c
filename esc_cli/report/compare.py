"""What the compare page shows: base and head runs paired by profile and seed.

A pair is the same profile under the same seed in both runs, so its change in final emotion is the
effect of the bank change alone. Pairing is the verify gate's (`esc_cli.sim.pairing`), so the page
and the gate agree. Dialogues present in only one run are counted, never paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from esc_cli.report import charts, view
from esc_cli.report.svg import signed
from esc_cli.sim.pairing import Pair, pair_dialogues
from esc_cli.sim.records import Dialogue, GroupScore, SkillCredit
from esc_cli.sim.runstore import Run


@dataclass(frozen=True)
class ProfileChange:
    """The mean paired change of one profile over its seeds."""

    profile: str
    personality: str
    pairs: int
    base_mean: float
    head_mean: float

    @property
    def change(self) -> float:
        return self.head_mean - self.base_mean


@dataclass(frozen=True)
class Headline:
    """One summary figure in both runs."""

    metric: str
    label: str
    base: float | int
    head: float | int

    @property
    def delta(self) -> float | int:
        return self.head - self.base


@dataclass(frozen=True)
class Pairing:
    """The pairs (in key order, as the verify gate sees them) and the keys left without a partner."""

    pairs: list[Pair]
    only_base: list[str]
    only_head: list[str]

    @property
    def mean_change(self) -> float:
        return sum(p.change for p in self.pairs) / len(self.pairs) if self.pairs else 0.0


def pair_runs(base: Sequence[Dialogue], head: Sequence[Dialogue]) -> Pairing:
    """Pair dialogues by `profile#seed` with the verify gate's own pairing; list the rest by key."""
    base_keys, head_keys = {d.key for d in base}, {d.key for d in head}
    return Pairing(
        pair_dialogues(list(base), list(head)),
        [d.key for d in base if d.key not in head_keys],
        [d.key for d in head if d.key not in base_keys],
    )


def new_safety(pair: Pair) -> bool:
    """The head dialogue raised a safety flag where the base dialogue raised none."""
    return pair.head.safety_violations > 0 and pair.base.safety_violations == 0


def profile_changes(pairs: Sequence[Pair]) -> list[ProfileChange]:
    """Per profile, worst change first."""
    grouped: dict[str, list[Pair]] = {}
    for pair in pairs:
        grouped.setdefault(pair.base.profile, []).append(pair)
    found = [
        ProfileChange(
            profile,
            group[0].base.personality,
            len(group),
            sum(p.base.final_emotion for p in group) / len(group),
            sum(p.head.final_emotion for p in group) / len(group),
        )
        for profile, group in grouped.items()
    ]
    return sorted(found, key=lambda c: (c.change, c.profile))


def headlines(base: Run, head: Run) -> list[Headline]:
    return [
        Headline(tile.metric, tile.label, tile.value, getattr(head.summary, tile.metric))
        for tile in view.tiles(base.summary)
    ]


def group_rows(
    base: dict[str, GroupScore], head: dict[str, GroupScore]
) -> list[tuple[str, GroupScore | None, GroupScore | None]]:
    return [(key, base.get(key), head.get(key)) for key in sorted(base.keys() | head.keys())]


def skill_rows(
    base: dict[str, SkillCredit], head: dict[str, SkillCredit]
) -> list[tuple[str, SkillCredit | None, SkillCredit | None]]:
    order = [key for key, _ in view.skill_rows({**base, **head})]
    return [(key, base.get(key), head.get(key)) for key in order]


def profile_chart(changes: Sequence[ProfileChange]) -> Markup:
    bars = [
        charts.change_bar(
            c.profile, c.change, f"{signed(c.change)} over {c.pairs} pair{'s' if c.pairs != 1 else ''}"
        )
        for c in changes
    ]
    return Markup(
        charts.diverging_chart(
            "profile-change",
            bars,
            title="Paired change in final emotion per profile, head minus base",
            desc=f"{len(bars)} profiles; bars right of zero improved under head, left got worse.",
            label="mean change in final emotion",
            minimum=5,
        )
    )


def side_by_side(base: Run, head: Run, labels: tuple[str, str]) -> list[tuple[view.Chart, view.Chart]]:
    """Per personality, the base chart and the head chart on the same axes."""
    limit = max(view.turn_limit(base), view.turn_limit(head))
    left = {
        c.ident.removeprefix("base-"): c
        for c in view.trajectory_charts(base.dialogues, max_turns=limit, prefix="base")
    }
    right = {
        c.ident.removeprefix("head-"): c
        for c in view.trajectory_charts(head.dialogues, max_turns=limit, prefix="head")
    }
    rows = []
    for key in sorted(left.keys() | right.keys()):
        empty = view.Chart(f"none-{key}", "no dialogues", Markup(""))
        rows.append((_label(left.get(key, empty), labels[0]), _label(right.get(key, empty), labels[1])))
    return rows


def _label(chart: view.Chart, label: str) -> view.Chart:
    return view.Chart(chart.ident, f"{label}: {chart.caption}", chart.svg)


def compare_context(base: Run, head: Run, labels: tuple[str, str]) -> dict[str, object]:
    """Everything `compare.html.j2` needs."""
    pairing = pair_runs(base.dialogues, head.dialogues)
    changed = [
        p for p in pairing.pairs if p.change != 0 or p.base.safety_violations != p.head.safety_violations
    ]
    anchors = {p.key: f"pair-{i}" for i, p in enumerate(pairing.pairs)}
    flagged = [p for p in pairing.pairs if new_safety(p)]
    changes = profile_changes(pairing.pairs)
    return {
        "base": base,
        "head": head,
        "labels": labels,
        "headlines": headlines(base, head),
        "pairing": pairing,
        "improved": sum(1 for p in pairing.pairs if p.change > 0),
        "worsened": sum(1 for p in pairing.pairs if p.change < 0),
        "anchors": anchors,
        "new_safety": flagged,
        "new_safety_keys": {p.key for p in flagged},
        "profile_changes": changes,
        "profile_chart": profile_chart(changes) if changes else None,
        "pairs": sorted(pairing.pairs, key=lambda p: (p.change, p.key)),
        "personality_rows": group_rows(base.summary.by_personality, head.summary.by_personality),
        "intention_rows": group_rows(base.summary.by_intention, head.summary.by_intention),
        "skill_rows": skill_rows(base.summary.skills, head.summary.skills),
        "never_fired": (view.never_fired(base), view.never_fired(head)),
        "side_by_side": side_by_side(base, head, labels),
        "outcome_legend": view.outcome_legend(),
        "changed": sorted(changed, key=lambda p: (not new_safety(p), p.change, p.key)),
        "changed_keys": {p.key for p in changed},
    }
