"""Excerpts of IUs: which successful IUs to quote, and how, in the skill example format (`### title`,
then Seeker/Supporter lines) with the corpus attribution.

A skill's examples are also the lines the offline agent says, to seekers the excerpt was never said
to. So among the strongest successful excerpts (POOL, one per dialogue), those whose supporter line
the judge reads as fitting the most *other* seekers of the skill (the seeker turns of the other
excerpts) come first: "That sounds exhausting. How long has it been like this?" travels; "Tell me
about the anniversary" does not. A discovered bank that quoted the strongest excerpts alone was read
as off-topic on 42% of its turns and scored like no skills at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.prototypes import improved
from esc_cli.iu.records import IU

LICENSED_SOURCES: dict[str, str] = {
    "esconv": "ESConv (Liu et al., 2021), CC BY-NC 4.0",
    "failed-esconv": "FailedESConv (Liu et al., 2021), CC BY-NC 4.0",
}


POOL = 24


def _too_long(iu: IU, config: DiscoveryConfig) -> bool:
    limit = config.max_excerpt_chars
    return len(iu.action.text) > limit or len(last_seeker_text(iu)) > limit


def example_ius(candidates: Sequence[IU], config: DiscoveryConfig) -> tuple[IU, ...]:
    """Successful IUs that read well as excerpts: one per dialogue, short texts, the lines that fit
    other seekers best first (`portability`), then the strongest."""
    usable = [iu for iu in candidates if improved(iu) and last_seeker_text(iu)]
    usable.sort(
        key=lambda iu: (_too_long(iu, config), iu.dialogue_outcome != "success", -iu.outcome.delta, iu.id)
    )
    pool: list[IU] = []
    dialogues: set[str] = set()
    for iu in usable:
        if iu.dialogue not in dialogues:
            pool.append(iu)
            dialogues.add(iu.dialogue)
        if len(pool) == POOL:
            break
    if len(pool) <= config.max_examples:
        return tuple(pool)
    fits = portability(pool)
    rank = {iu.id: i for i, iu in enumerate(pool)}
    pool.sort(key=lambda iu: (_too_long(iu, config), -fits[iu.id], rank[iu.id]))
    return tuple(pool[: config.max_examples])


def portability(ius: Sequence[IU]) -> dict[str, float]:
    """For each IU, the mean probability the judge gives its supporter line of fitting the seeker
    turns of the other IUs (from other dialogues)."""
    from esc_cli.judge.reading import shared_judge
    from esc_cli.judge.turns import Said

    seekers = [(iu.dialogue, (Said("seeker", last_seeker_text(iu)),)) for iu in ius]
    pairs = [(iu, context) for iu in ius for dialogue, context in seekers if dialogue != iu.dialogue]
    fits = shared_judge().fit([context for _, context in pairs], [iu.action.text for iu, _ in pairs])
    total: dict[str, list[float]] = {iu.id: [] for iu in ius}
    for (iu, _), fit in zip(pairs, fits, strict=True):
        total[iu.id].append(fit)
    return {key: sum(v) / len(v) if v else 0.0 for key, v in total.items()}


def last_seeker_text(iu: IU) -> str:
    """The seeker's last words before the intervention ('' when the IU has none)."""
    if iu.state.text.strip():
        return iu.state.text.strip()
    for turn in reversed(iu.context.turns):
        if turn.speaker == "seeker" and turn.text.strip():
            return turn.text.strip()
    return ""


def attribution(sources: Sequence[str]) -> str:
    """The credit line for a set of IU sources (`esconv`, `failed-esconv`, or a user dataset)."""
    names = sorted({s.split(":", 1)[0] for s in sources})
    return "; ".join(LICENSED_SOURCES.get(name, name) for name in names)


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def excerpt(iu: IU, limit: int) -> str:
    """One example block: a heading that keeps the IU id, then the seeker's words and the reply."""
    state = iu.state.states[0] if iu.state.states else "seeker"
    return (
        f"### {state}, {iu.id}\n"
        f"Seeker: {shorten(last_seeker_text(iu), limit)}\n"
        f"Supporter: {shorten(iu.action.text, limit)}\n"
    )


def examples_section(ius: Sequence[IU], limit: int) -> str:
    """The body of `## Examples`: the attribution line first, then one block per IU."""
    credit = attribution([iu.source for iu in ius])
    ids = ", ".join(iu.id for iu in ius)
    blocks = "\n".join(excerpt(iu, limit) for iu in ius)
    return f"Excerpts from {credit}: {ids}\n\n{blocks}"
