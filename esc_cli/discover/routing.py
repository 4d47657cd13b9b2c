"""Where each discovered skill sits among the others: its turn window and its tie-break priority.

The router (`esc_cli.sim.router`) picks, among the skills whose states and turn window match, the one
with the best stage fit plus priority. Discovery sets both from the IUs:

- A skill is the *usual choice* at a turn when, among the IUs whose seeker state is one of the
  skill's states, its action family is the one supporters used most at that turn (turns from
  `turn_cap` on count as one). Its window spans the turns where it is the usual choice, and it ranks
  above every skill that is never the usual choice (`USUAL_BASE` plus its support rank).
- A skill that is never the usual choice keeps the middle 80% of the turns where it helped, and ranks
  by support: the agent reaches it when the usual skill was just used, or does not match.
- The crisis skill always ranks first.

Every priority is distinct, so two skills never tie.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.effects import family_of
from esc_cli.discover.frontmatter import Routing
from esc_cli.discover.merge import SkillPlan
from esc_cli.discover.prototypes import primary_action, primary_state
from esc_cli.discover.turns import supporter_turns
from esc_cli.iu.records import IU

CRISIS_PRIORITY = 100
USUAL_BASE = 50


def support_score(plan: SkillPlan) -> float:
    """How strongly the data backs a plan: its successful key IUs."""
    return plan.success_rate * len(plan.ius)


def usual_turns(plan: SkillPlan, choices: dict[int, dict[str, Counter[str]]], cap: int) -> list[int]:
    """The turns (up to `cap`) where the plan's family is what supporters chose most in its states."""
    turns: list[int] = []
    for turn in range(cap + 1):
        counts: Counter[str] = Counter()
        for state in plan.applies_states:
            counts.update(choices[turn].get(state, Counter()))
        if counts and min(counts, key=lambda f: (-counts[f], f)) == plan.family:
            turns.append(turn)
    return turns


def choice_counts(ius: Sequence[IU], turns: dict[str, int], cap: int) -> dict[int, dict[str, Counter[str]]]:
    """turn -> primary state -> how often each action family was used there (all IUs, key or not)."""
    found: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for iu in ius:
        action = primary_action(iu)
        if action and iu.state.states:
            found[min(turns[iu.id], cap)][primary_state(iu)][family_of(action)] += 1
    return found


def middle_turns(plan: SkillPlan, turns: dict[str, int]) -> tuple[int, int | None]:
    """The middle 80% of the supporter turns of a plan's IUs."""
    ordered = sorted(turns[iu.id] for iu in plan.ius)
    if not ordered:
        return 0, None
    return ordered[len(ordered) // 10], ordered[(9 * len(ordered)) // 10]


def routings(plans: Sequence[SkillPlan], ius: Sequence[IU], config: DiscoveryConfig) -> dict[str, Routing]:
    """The routing of every plan, by skill id."""
    cap = config.turn_cap
    turns = supporter_turns(ius)
    choices = choice_counts(ius, turns, cap)
    ranked = sorted((p for p in plans if not p.crisis), key=lambda p: (support_score(p), p.id))
    found: dict[str, Routing] = {}
    for rank, plan in enumerate(ranked, start=1):
        usual = usual_turns(plan, choices, cap)
        if usual:
            last = max(usual)
            found[plan.id] = Routing(USUAL_BASE + rank, min(usual), None if last >= cap else last)
        else:
            low, high = middle_turns(plan, turns)
            found[plan.id] = Routing(rank, low, high)
    for plan in plans:
        if plan.crisis:
            found[plan.id] = Routing(priority=CRISIS_PRIORITY)
    return found
