"""Attributed excerpts of IUs in the skill example format (`### title`, then Seeker/Supporter lines)."""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.discover.merge import last_seeker_text
from esc_cli.iu.records import IU

LICENSED_SOURCES: dict[str, str] = {
    "esconv": "ESConv (Liu et al., 2021), CC BY-NC 4.0",
    "failed-esconv": "FailedESConv (Liu et al., 2021), CC BY-NC 4.0",
}


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
