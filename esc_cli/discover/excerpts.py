"""Excerpts of IUs: which successful IUs to quote, and how, in the skill example format (`### title`,
then Seeker/Supporter lines) with the corpus attribution."""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.prototypes import improved
from esc_cli.iu.records import IU

LICENSED_SOURCES: dict[str, str] = {
    "esconv": "ESConv (Liu et al., 2021), CC BY-NC 4.0",
    "failed-esconv": "FailedESConv (Liu et al., 2021), CC BY-NC 4.0",
}


def example_ius(candidates: Sequence[IU], config: DiscoveryConfig) -> tuple[IU, ...]:
    """Successful IUs that read well as excerpts: one per dialogue, short texts, strongest first."""
    usable = [iu for iu in candidates if improved(iu) and last_seeker_text(iu)]
    usable.sort(
        key=lambda iu: (
            len(iu.action.text) > config.max_excerpt_chars
            or len(last_seeker_text(iu)) > config.max_excerpt_chars,
            iu.dialogue_outcome != "success",
            -iu.outcome.delta,
            iu.id,
        )
    )
    chosen: list[IU] = []
    dialogues: set[str] = set()
    for iu in usable:
        if iu.dialogue not in dialogues:
            chosen.append(iu)
            dialogues.add(iu.dialogue)
        if len(chosen) == config.max_examples:
            break
    return tuple(chosen)


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
