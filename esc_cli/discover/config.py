"""The knobs of discovery, with the defaults tuned on the ESConv valid split."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DiscoveryConfig:
    """Thresholds that decide which prototypes count as evidence for a claim."""

    min_support: int = 8
    """Key IUs a (family, state) group needs before it can become a condition."""
    helps_z: float = -1.0
    """A family helps in a state when its lift over the state's usual move is above this many
    standard errors (at least as good as the usual move, within the noise)."""
    hurts_z: float = -2.0
    """A family hurts in a state when its lift is at or below this many standard errors."""
    min_crisis_ius: int = 20
    """Key crisis-risk IUs needed to discover the crisis skill instead of carrying it."""
    max_examples: int = 3
    """Attributed excerpts per skill."""
    max_risks: int = 3
    """Data-driven risks per skill."""
    max_excerpt_chars: int = 240
    """Longer utterances are cut at a word boundary."""
    turn_cap: int = 12
    """Supporter turns from this one on count as one when turn windows are set."""
