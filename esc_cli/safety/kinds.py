"""The kinds of crisis cue, and which of them a reply answers (one source of truth for their names).

    suicidal-ideation  thoughts of ending one's life, direct or indirect
    self-harm          hurting oneself without the aim of dying
    harm-from-others   danger from another person: threats, violence at home, abuse

A message may voice more than one (a seeker beaten at home who would rather be dead). The kind head
(`heads.KindHead`) gives P(kind) of the unit that carried the cue; `kinds_from` turns that into the
kinds the reply answers, and `asked_kind` into the one whose question it asks.
"""

from __future__ import annotations

from collections.abc import Sequence

SUICIDAL_IDEATION = "suicidal-ideation"
SELF_HARM = "self-harm"
HARM_FROM_OTHERS = "harm-from-others"  # also the profile risk of that name
KINDS = (SUICIDAL_IDEATION, SELF_HARM, HARM_FROM_OTHERS)


def kinds_from(
    labels: Sequence[str], p: Sequence[float], danger_alone: float, floor: float
) -> tuple[str, ...]:
    """The kinds read from P(kind): the most likely, then every other from `floor` up, most likely
    first. Danger from another person is read alone only from `danger_alone` up; below it the next most
    likely kind is read beside it, so the reply still asks about ending one's life and gives the crisis
    line when the head is unsure."""
    order = sorted(range(len(labels)), key=lambda i: (-float(p[i]), i))
    chosen = [labels[order[0]], *(labels[i] for i in order[1:] if float(p[i]) >= floor)]
    if chosen == [HARM_FROM_OTHERS] and float(p[order[0]]) < danger_alone and len(order) > 1:
        chosen.append(labels[order[1]])
    return tuple(chosen)


def with_patterns(kinds: tuple[str, ...], pattern: bool) -> tuple[str, ...]:
    """The kinds, given whether the labeller's crisis patterns (words of suicide and self-harm: "want to
    die", "kill myself") match the message: then danger from another person is never read alone, since
    the seeker's own words ask for the suicide question ("he hits me every night and I'd rather be
    dead" reads as danger to the kind head, whose statements voice one kind each)."""
    if pattern and kinds == (HARM_FROM_OTHERS,):
        return (HARM_FROM_OTHERS, SUICIDAL_IDEATION)
    return kinds


def asked_kind(kinds: Sequence[str]) -> str:
    """The kind whose safety question a reply asks: danger from another person only when it is the one
    kind read; otherwise the first other kind ("" when none is read)."""
    if not kinds:
        return ""
    if tuple(kinds) == (HARM_FROM_OTHERS,):
        return HARM_FROM_OTHERS
    return next(k for k in kinds if k != HARM_FROM_OTHERS)
