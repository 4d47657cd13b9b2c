"""The knobs of discovery, with the defaults tuned on the ESConv valid split."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DiscoveryConfig:
    """Thresholds that decide which prototypes count as evidence for a claim."""

    min_support: int = 8
    """Key IUs a (family, state) group needs before it can become a condition."""
    harm_points: float = 2.5
    """A lift this many points below the usual move is clearly worse (2.5 is one direction step);
    a family helps in a state where its lift is above minus this."""
    hurts_z: float = -2.0
    """A clearly worse lift must also be at or below this many standard errors to count as harm."""
    min_crisis_ius: int = 20
    """Key crisis-risk IUs needed to discover the crisis skill instead of carrying it."""
    max_examples: int = 3
    """Attributed excerpts per skill."""
    max_risks: int = 3
    """Data-driven risks per skill."""
    risk_ratio: float = 1.5
    """A behaviour or phrasing is a risk when it is this many times as frequent after failed IUs."""
    max_excerpt_chars: int = 240
    """Longer utterances are cut at a word boundary."""
    turn_cap: int = 10
    """Supporter turns from this one on count as one when turn windows are set."""
