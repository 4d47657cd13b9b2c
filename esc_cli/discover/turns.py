"""Supporter-turn indexes of IUs: the clock the router's turn windows run on.

The router counts the agent's replies (0 = its first), so discovered windows must count supporter
turns too. An IU file holds one IU per supporter turn, so an IU's rank among the IUs of its dialogue
is its supporter-turn index, whatever numbering the `turn` field of the records uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from esc_cli.iu.records import IU


def supporter_turns(ius: Sequence[IU]) -> dict[str, int]:
    """IU id -> 0-based supporter-turn index within its dialogue."""
    by_dialogue: dict[tuple[str, str, str], list[IU]] = defaultdict(list)
    for iu in ius:
        by_dialogue[(iu.source, iu.split, iu.dialogue)].append(iu)
    found: dict[str, int] = {}
    for members in by_dialogue.values():
        for index, iu in enumerate(sorted(members, key=lambda iu: iu.turn)):
            found[iu.id] = index
    return found
