"""Warming the offline engines before a run: the texts it is sure to meet, read in a few big batches.

The offline engines embed every text they meet through the shared encoder, which memoises each one
(`esc_cli.text`). Met one at a time, as dialogues unfold, each text costs a call of its own; read
together up front, in batches sorted by length, the same texts cost about half as much. Which texts a
run meets is known before it starts: every line of every profile (what the seeker says, which the
crisis detector reads for the agent's router and the seeker's obligations) and every example line of
every skill (what the offline agent says, which it ranks by fit and the judge reads sentence by
sentence). A text the run never meets costs a little; nothing about a dialogue changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from esc_cli.bank.examples import skill_examples
from esc_cli.bank.model import Skill
from esc_cli.sim.options import OFFLINE, SimOptions
from esc_cli.sim.profile import Profile


def profile_texts(profiles: Sequence[Profile]) -> list[str]:
    """Everything a profile's seeker can say, in profile order, each text once."""
    texts: list[str] = []
    for profile in profiles:
        lines = profile.lines
        texts += [profile.first_message, *lines.A, *lines.B, *lines.C, *lines.F]
        if profile.crisis is not None:
            texts += [profile.crisis.cue, profile.crisis.after_safety_check]
    return list(dict.fromkeys(texts))


def skill_texts(skills: Sequence[Skill]) -> list[str]:
    """Every line of every skill's examples (seeker and supporter), each text once."""
    return list(
        dict.fromkeys(line.text for skill in skills for ex in skill_examples(skill) for line in ex.lines)
    )


def warm_up(skills: Sequence[Skill], profiles: Sequence[Profile], options: SimOptions) -> None:
    """Read the run's known texts in big batches when an offline engine will read them."""
    agent, seeker = (options.engine_of(role) == OFFLINE for role in ("agent", "seeker"))
    if not (agent or seeker):
        return
    from esc_cli.judge.reading import sentences
    from esc_cli.safety.detector import crisis_detector
    from esc_cli.text import shared_encoder

    said = profile_texts(profiles)
    crisis_detector().read_many(said)
    examples = skill_texts(skills) if agent else []
    shared_encoder().embed(chain(said, examples, *(sentences(t) for t in examples)))
