"""The effect of an action family in a seeker state, measured against the usual move in that state.

The effect of a family in a state is its mean change minus the mean change of every key IU in that
state (its *lift*): a state's own mood drifts whatever the supporter does (a relieved seeker's next
message is rarely as bright), so only the contrast with the other moves made there says what the
family adds. With at least `min_support` key IUs, a family *hurts* in a state when it is clearly worse
than the usual move: at least `harm_points` below it (one direction step) and at or below `hurts_z`
standard errors. It *helps* where its lift is above minus `harm_points`: the change it brings is
within one direction step of the usual move, or better. A large lift that is not significant is
neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import fmean, stdev

from esc_cli import taxonomy
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.prototypes import Prototype


def family_of(action: str) -> str:
    """The action family: the ESConv strategy an action refines."""
    return taxonomy.strategy_of_action(action)


@dataclass(frozen=True)
class StateEffect:
    """The pooled outcome of one action family in one seeker state, against the state's baseline."""

    family: str
    state: str
    prototypes: tuple[Prototype, ...]
    baseline: float
    """Mean change of every key IU in this state, whatever the action."""

    @property
    def deltas(self) -> tuple[float, ...]:
        return tuple(d for p in self.prototypes for d in p.deltas)

    @property
    def size(self) -> int:
        return sum(p.size for p in self.prototypes)

    @property
    def mean_delta(self) -> float:
        return fmean(self.deltas) if self.deltas else 0.0

    @property
    def lift(self) -> float:
        return self.mean_delta - self.baseline

    @property
    def z(self) -> float:
        """The lift in standard errors (the spread is floored at 1 point so tiny groups stay modest)."""
        deltas = self.deltas
        spread = max(stdev(deltas), 1.0) if len(deltas) > 1 else 1.0
        return self.lift / (spread / sqrt(len(deltas))) if deltas else 0.0


def state_baselines(prototypes: Sequence[Prototype]) -> dict[str, float]:
    """The mean change of all key IUs in each state."""
    by_state: dict[str, list[float]] = defaultdict(list)
    for proto in prototypes:
        by_state[proto.state].extend(proto.deltas)
    return {state: fmean(deltas) for state, deltas in by_state.items()}


def state_effects(prototypes: Sequence[Prototype]) -> list[StateEffect]:
    """Pool the prototypes by (family, state), in taxonomy order."""
    pooled: dict[tuple[str, str], list[Prototype]] = defaultdict(list)
    for proto in prototypes:
        pooled[(family_of(proto.action), proto.state)].append(proto)
    baselines = state_baselines(prototypes)
    order = {state: i for i, state in enumerate(taxonomy.STATE_IDS)}
    return [
        StateEffect(family, state, tuple(sorted(protos, key=lambda p: (-p.size, p.id))), baselines[state])
        for (family, state), protos in sorted(pooled.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


def helps(effect: StateEffect, config: DiscoveryConfig) -> bool:
    return effect.size >= config.min_support and effect.lift > -config.harm_points


def hurts(effect: StateEffect, config: DiscoveryConfig) -> bool:
    clearly = effect.z <= config.hurts_z and effect.lift <= -config.harm_points
    return effect.size >= config.min_support and clearly
