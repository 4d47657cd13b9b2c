"""Stable seeds: one per (profile, seed index), the same on every machine and Python run.

Python's `hash()` of a string changes between processes (hash randomisation), so seeds come from
sha256 instead. Everything random in a dialogue draws from a `Random` made here.
"""

from __future__ import annotations

import hashlib
from random import Random


def stable_seed(*parts: object) -> int:
    """A 63-bit integer derived from the parts' text, stable across processes and platforms."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


def dialogue_seed(profile_id: str, seed_index: int) -> int:
    """The seed of one dialogue: the profile and the seed index, nothing else (not the bank)."""
    return stable_seed("dialogue", profile_id, seed_index)


def dialogue_rng(profile_id: str, seed_index: int, stream: str) -> Random:
    """A generator for one purpose (`stream`) within one dialogue, so purposes do not share draws.

    Separate streams keep the seeker's rounding draws aligned between two banks that choose different
    replies, which makes paired comparisons less noisy.
    """
    return Random(stable_seed(stream, dialogue_seed(profile_id, seed_index)))
