"""Trace analysis: from a run's dialogues and the bank it used to a list of findings.

An analyst is one small protocol, `analyse(dialogues, skills, run) -> list[Finding]`. The offline
analyst reads the traces with fixed rules (missing.py, unsafe.py, profile_failures.py); the LLM
analyst (llm_analyst.py) asks a model and keeps only findings whose evidence is in the traces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from esc_cli.bank.model import Skill
from esc_cli.evolve.findings import Finding, strongest_first
from esc_cli.evolve.missing import missing_skill_findings
from esc_cli.evolve.profile_failures import profile_findings
from esc_cli.evolve.risk_match import HarmfulFn
from esc_cli.evolve.settings import AnalysisSettings
from esc_cli.evolve.traces import turn_views
from esc_cli.evolve.unsafe import risk_findings, safety_findings, state_harm_findings
from esc_cli.sim.records import Dialogue
from esc_cli.sim.router import CRISIS_STATE


class Analyst(Protocol):
    """Finds problems in the traces of a run made with `skills`."""

    name: str

    def analyse(self, dialogues: Sequence[Dialogue], skills: Sequence[Skill], run: str) -> list[Finding]: ...


@dataclass
class OfflineAnalyst:
    """Rule-based analysis of the traces; deterministic. `harmful` is the labeller's phrasing check."""

    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    harmful: HarmfulFn | None = None
    name: str = "offline"

    def analyse(self, dialogues: Sequence[Dialogue], skills: Sequence[Skill], run: str) -> list[Finding]:
        views = turn_views(dialogues)
        total = len(dialogues)
        # A flagged turn's drop is the safety finding's; it would blame whichever skill spoke.
        calm = [v for v in views if not v.turn.safety and CRISIS_STATE not in v.states]
        risky = risk_findings(calm, skills, run, total, self.settings, self.harmful)
        # A pair already explained by a risk is not reported again as a bare "hurts in state".
        explained = {(f.skill, s) for f in risky for s in f.states}
        found = [
            *missing_skill_findings(views, skills, run, total, self.settings),
            *safety_findings(views, skills, run, total),
            *risky,
            *state_harm_findings(calm, run, total, self.settings, explained),
            *profile_findings(calm, run, total, self.settings),
        ]
        return strongest_first(found)


def offline_analyst(settings: AnalysisSettings | None = None) -> OfflineAnalyst:
    """The offline analyst with the project's labeller for harmful phrasing."""
    from esc_cli.sim.engines import default_labeller

    labeller = default_labeller()
    return OfflineAnalyst(settings=settings or AnalysisSettings(), harmful=labeller.harmful)
