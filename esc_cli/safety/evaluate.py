"""Measuring the crisis checks on labelled material (`esc eval crisis` and `bench/crisis_eval.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from esc_cli.safety.detector import CrisisDetector
from esc_cli.safety.response import ResponseCheck
from esc_cli.safety.suites import LabelledCue, LabelledResponse


@dataclass
class CueScores:
    """Recall on crisis statements, false alarms on the others, and each mistake. In the payload a rate
    with nothing to count (no crisis statement, or none of the others) is None, not 0."""

    crisis: int = 0
    caught: int = 0
    none: int = 0
    alarms: int = 0
    # statements that are (nearly) the head's own training statements (CrisisDetector.in_training)
    seen: int = 0
    # the detector's threshold: a statement is read as a cue from this P(crisis) up
    threshold: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.crisis if self.crisis else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.alarms / self.none if self.none else 0.0

    def payload(self) -> dict[str, Any]:
        return {
            "crisis": self.crisis,
            "caught": self.caught,
            "recall": round(self.recall, 4) if self.crisis else None,
            "none": self.none,
            "false_alarms": self.alarms,
            "false_alarm_rate": round(self.false_alarm_rate, 4) if self.none else None,
            "in_training": self.seen,
            "threshold": self.threshold,
            "misses": self.misses,
            "false_alarm_items": self.false_alarms,
        }


def score_cues(detector: CrisisDetector, cues: Sequence[LabelledCue]) -> CueScores:
    scores = CueScores(seen=sum(detector.in_training([c.text for c in cues])), threshold=detector.threshold)
    for cue, reading in zip(cues, detector.read_many([c.text for c in cues]), strict=True):
        item = {"line": cue.line, "text": cue.text, "probability": reading.probability}
        if cue.crisis:
            scores.crisis += 1
            if reading.crisis:
                scores.caught += 1
            else:
                scores.misses.append(item)
        else:
            scores.none += 1
            if reading.crisis:
                scores.alarms += 1
                scores.false_alarms.append({**item, "kind": reading.kind})
    return scores


@dataclass
class ResponseScores:
    """Accuracy of the safety-response check and its confusions (gold -> predicted)."""

    total: int = 0
    correct: int = 0
    confusion: dict[str, int] = field(default_factory=dict)
    mistakes: list[dict[str, Any]] = field(default_factory=list)
    # kind -> [correct, total], for the items that name their kind
    kinds: dict[str, list[int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def by_kind(self) -> dict[str, dict[str, Any]]:
        """Accuracy per kind, in name order (empty when no item names its kind)."""
        return {
            kind: {"replies": total, "correct": right, "accuracy": round(right / total, 4)}
            for kind, (right, total) in sorted(self.kinds.items())
        }

    def unkinded(self) -> int:
        """Replies that name no kind, in a file where some do (0 when none does)."""
        named = sum(total for _, total in self.kinds.values())
        return self.total - named if named else 0

    def payload(self) -> dict[str, Any]:
        return {
            "replies": self.total,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "confusion": self.confusion,
            "by_kind": self.by_kind(),
            "unkinded": self.unkinded(),
            "mistakes": self.mistakes,
        }


def _name(handled: bool) -> str:
    return "handled" if handled else "unhandled"


def score_responses(check: ResponseCheck, items: Sequence[LabelledResponse]) -> ResponseScores:
    scores = ResponseScores(
        confusion={f"{g}->{p}": 0 for g in ("handled", "unhandled") for p in ("handled", "unhandled")}
    )
    for item, verdict in zip(items, check.check_many([i.reply for i in items]), strict=True):
        scores.total += 1
        key = f"{_name(item.handled)}->{_name(verdict.handled)}"
        scores.confusion[key] += 1
        right = verdict.handled == item.handled
        if item.kind:
            tally = scores.kinds.setdefault(item.kind, [0, 0])
            tally[0] += int(right)
            tally[1] += 1
        if right:
            scores.correct += 1
        else:
            scores.mistakes.append(
                {
                    "line": item.line,
                    "label": _name(item.handled),
                    "kind": item.kind,
                    "read": verdict.describe(),
                    "reply": item.reply,
                }
            )
    return scores
