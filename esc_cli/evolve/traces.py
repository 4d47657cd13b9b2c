"""Reading turns out of run records: the flat view every analyst works on, and evidence excerpts.

A `TurnView` is one agent turn with its dialogue's context (profile, personality, intention and the
actions of the earlier replies). Groups of turn views become findings through `summarise_group`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from esc_cli.evolve.findings import Category, Finding, TraceEvidence
from esc_cli.sim.records import Dialogue, Turn

EXCERPT_CHARS = 160
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class TurnView:
    """One agent turn and the dialogue around it."""

    dialogue: Dialogue
    turn: Turn
    previous_actions: tuple[tuple[str, ...], ...]

    @property
    def key(self) -> str:
        return self.dialogue.key

    @property
    def primary_skill(self) -> str:
        """The skill the reply realised first: the one credited or blamed for it."""
        return self.turn.skills[0] if self.turn.skills else ""

    @property
    def states(self) -> list[str]:
        return self.turn.seeker_states


def turn_views(dialogues: Iterable[Dialogue]) -> list[TurnView]:
    """Every agent turn of every dialogue, in dialogue then turn order."""
    views: list[TurnView] = []
    for dialogue in dialogues:
        earlier: list[tuple[str, ...]] = []
        for turn in dialogue.turns:
            views.append(TurnView(dialogue, turn, tuple(earlier)))
            earlier.append(tuple(turn.actions))
    return views


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def evidence_of(view: TurnView, run: str, flags: Sequence[str] = ()) -> TraceEvidence:
    turn = view.turn
    return TraceEvidence(
        run=run,
        dialogue=view.key,
        turn=turn.index,
        seeker=shorten(turn.seeker_before),
        agent=shorten(turn.agent),
        change=turn.change,
        emotion=turn.emotion,
        skills=tuple(turn.skills),
        states=tuple(turn.seeker_states),
        flags=tuple(flags) or tuple(turn.safety),
    )


def pick_evidence(views: Sequence[TurnView], run: str, limit: int = MAX_EVIDENCE) -> list[TraceEvidence]:
    """The clearest turns: the largest drops first, then in dialogue order; one per dialogue first."""
    ordered = sorted(views, key=lambda v: (v.turn.change, v.key, v.turn.index))
    seen: set[str] = set()
    chosen: list[TurnView] = []
    for view in ordered:
        if view.key not in seen:
            chosen.append(view)
            seen.add(view.key)
    chosen.extend(v for v in ordered if v not in chosen)
    return [evidence_of(v, run) for v in chosen[:limit]]


def strength_of(views: Sequence[TurnView], total_dialogues: int, *, floor: float = 0.0) -> float:
    """Half how many dialogues it touches, half how badly emotion falls on those turns (0..1)."""
    if not views:
        return 0.0
    touched = len({v.key for v in views}) / max(total_dialogues, 1)
    harm = min(max(-fmean(v.turn.change for v in views) / 10.0, 0.0), 1.0)
    return round(max(floor, min(1.0, 0.5 * touched + 0.5 * harm)), 3)


def common_states(views: Sequence[TurnView], limit: int = 3) -> list[str]:
    """The seeker states seen most often on these turns, most frequent first."""
    counts: dict[str, int] = {}
    for view in views:
        for state in view.states:
            counts[state] = counts.get(state, 0) + 1
    return [s for s, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


@dataclass(frozen=True)
class Subject:
    """What a group of turns is about, for `summarise_group`."""

    id: str
    category: Category
    kind: str
    summary: str
    skill: str = ""
    states: tuple[str, ...] = ()
    max_turn: int | None = None
    group: str = ""
    flag: str = ""
    floor: float = 0.0


def summarise_group(subject: Subject, views: Sequence[TurnView], run: str, total_dialogues: int) -> Finding:
    """A finding from a subject and the turns that show it."""
    return Finding(
        id=subject.id,
        category=subject.category,
        kind=subject.kind,
        summary=subject.summary,
        skill=subject.skill,
        states=list(subject.states) or common_states(views),
        max_turn=subject.max_turn,
        first_turn=min((v.turn.index for v in views), default=0),
        group=subject.group,
        flag=subject.flag,
        turns=len(views),
        dialogues=len({v.key for v in views}),
        mean_change=round(fmean(v.turn.change for v in views), 2) if views else 0.0,
        strength=strength_of(views, total_dialogues, floor=subject.floor),
        evidence=pick_evidence(views, run),
    )


def group_by(
    views: Iterable[TurnView], keys: Callable[[TurnView], Iterable[str]]
) -> dict[str, list[TurnView]]:
    """Views under each key they yield (a view may sit under several keys), keys sorted."""
    groups: dict[str, list[TurnView]] = {}
    for view in views:
        for key in keys(view):
            groups.setdefault(key, []).append(view)
    return dict(sorted(groups.items()))


def mean_change(views: Sequence[TurnView]) -> float:
    return fmean(v.turn.change for v in views) if views else 0.0


def early_window(views: Sequence[TurnView], later: Sequence[TurnView], limit: int) -> int | None:
    """The last turn of an early window that holds every view, when it is short and later turns differ.

    Returns the largest turn index among `views` when it is below `limit` and `later` (the same skill's
    other turns) has turns after it; otherwise None (the problem is not tied to early turns).
    """
    if not views:
        return None
    last = max(v.turn.index for v in views)
    if last >= limit:
        return None
    return last if any(v.turn.index > last for v in later) else None


def window_words(window: int | None) -> str:
    """' at turn 0', ' at turns 0-2', or '' when the problem is not tied to early turns."""
    if window is None:
        return ""
    return " at turn 0" if window == 0 else f" at turns 0-{window}"
