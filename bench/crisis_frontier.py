"""How far the crisis-cue detector's ranking can go: its best operating points, not its shipped one.

`bench/crisis_eval.py` prints the detector at its shipped threshold. This script asks a different
question: could ANY threshold meet both targets of issue 15 (recall >= 0.97 and a false-alarm rate on
hard non-crisis statements <= 0.05, with ordinary ESConv turns <= 0.01)? If no threshold can, the
ranking itself (the encoder and the head) is what falls short, and moving the threshold cannot help.

1. Family-held-out cross-validation on the TRAINING material (`safety.train.out_of_fold`: the train
   suite, `cues.yaml` and ESConv train/valid turns; the same folds the trainer uses). This is where a
   threshold may honestly be chosen.
2. The held-out test suite (`bench/suites/crisis_cues_test.tsv`) and 2,000 ESConv TEST seeker turns,
   read by the shipped detector. Its best points are chosen in hindsight: they are a ceiling for this
   detector, never a tuned figure, and nothing is chosen from them.

For each: the AUC of crisis statements over hard ones, the best recall whose hard false-alarm rate is
at most 0.05 (keeping ordinary turns at most 0.01), the lowest hard false-alarm rate whose recall is
at least 0.97 (whatever it costs on ordinary turns), and how many thresholds meet all three targets.

    ESC_DATA=/path/to/shared/data python bench/crisis_frontier.py [--turns 2000]

Deterministic (the encoder rounds its vectors): one run is the median of any.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from esc_cli.data.corpus import load_corpus  # noqa: E402
from esc_cli.errors import EscError  # noqa: E402
from esc_cli.judge.validity import auc  # noqa: E402
from esc_cli.safety import train  # noqa: E402
from esc_cli.safety.detector import crisis_detector  # noqa: E402
from esc_cli.safety.suites import read_cues  # noqa: E402
from esc_cli.text import shared_encoder  # noqa: E402

RECALL_TARGET = 0.97
HARD_TARGET = 0.05
ORDINARY_TARGET = 0.01
Scores = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Point:
    threshold: float
    recall: float
    hard: float
    ordinary: float

    def render(self) -> str:
        return (
            f"recall {self.recall:.3f}, hard false alarms {self.hard:.3f}, "
            f"ordinary {self.ordinary:.4f} (p >= {self.threshold:.4f})"
        )


def point_at(threshold: float, crisis: Scores, hard: Scores, ordinary: Scores) -> Point:
    """The operating point that flags every score at or above `threshold`."""
    return Point(
        float(threshold),
        float((crisis >= threshold).mean()),
        float((hard >= threshold).mean()),
        float((ordinary >= threshold).mean()) if len(ordinary) else 0.0,
    )


def points(crisis: Scores, hard: Scores, ordinary: Scores) -> list[Point]:
    """Every operating point: one per distinct score."""
    return [point_at(t, crisis, hard, ordinary) for t in np.unique(np.concatenate([crisis, hard, ordinary]))]


def report(title: str, crisis: Scores, hard: Scores, ordinary: Scores, shipped: float | None) -> None:
    every = points(crisis, hard, ordinary)
    calm = [p for p in every if p.ordinary <= ORDINARY_TARGET]
    print(f"{title}: {len(crisis)} crisis, {len(hard)} hard, {len(ordinary)} ordinary")
    print(f"  AUC crisis over hard: {auc(crisis.tolist(), hard.tolist()):.3f}")
    if shipped is not None:
        print(f"  at the shipped threshold: {point_at(shipped, crisis, hard, ordinary).render()}")
    low = [p for p in calm if p.hard <= HARD_TARGET]
    best = max(low, key=lambda p: (p.recall, -p.hard)) if low else None
    print(f"  best recall with hard false alarms <= {HARD_TARGET}: " + (best.render() if best else "none"))
    high = [p for p in every if p.recall >= RECALL_TARGET]
    least = min(high, key=lambda p: (p.hard, p.ordinary)) if high else None
    print(
        f"  fewest hard false alarms with recall >= {RECALL_TARGET} (ordinary turns not held to {ORDINARY_TARGET}): "
        + (least.render() if least else "none")
    )
    both = [p for p in calm if p.recall >= RECALL_TARGET and p.hard <= HARD_TARGET]
    print(f"  thresholds meeting all three targets: {len(both)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--turns",
        type=int,
        default=2000,
        help="ESConv test seeker turns read as ordinary messages (default 2000)",
    )
    args = parser.parse_args()
    if args.turns < 1:
        parser.error("--turns must be at least 1")
    data = os.environ.get("ESC_DATA")
    if not data:
        sys.exit("set ESC_DATA to the data folder (see the README's Data section)")
    try:
        measure(Path(data), args.turns)
    except EscError as exc:
        sys.exit(f"error: {exc}")


def measure(data: Path, turns_wanted: int) -> None:
    detector = crisis_detector()

    seekers, _ = train.esconv_texts(data)
    folds = train.out_of_fold(train.CueData(shared_encoder(), train.cue_messages(REPO, seekers)))
    report(
        "training material, family-held-out cross-validation",
        folds["crisis"],
        folds["hard"],
        folds["esconv"],
        None,
    )

    cues = read_cues(REPO / "bench" / "suites" / "crisis_cues_test.tsv")
    readings = detector.read_many([c.text for c in cues])
    crisis = np.asarray([r.probability for c, r in zip(cues, readings, strict=True) if c.crisis])
    hard = np.asarray([r.probability for c, r in zip(cues, readings, strict=True) if not c.crisis])
    dialogues = load_corpus([data / "esconv" / "hf_splits" / "test.jsonl"], split="test")
    turns = [
        u.text for d in dialogues for u in d.utterances if u.speaker == "seeker" and len(u.text.split()) >= 3
    ]
    ordinary = np.asarray([r.probability for r in detector.read_many(turns[:turns_wanted])])
    report(
        "held-out test suite and ESConv test turns (best points in hindsight: a ceiling, not a figure)",
        crisis,
        hard,
        ordinary,
        detector.threshold,
    )


if __name__ == "__main__":
    main()
