"""Figures of skill discovery (issue 6): prototype and skill counts from ESConv train, and the strategy
accuracy of the seed bank, the discovered bank and the majority class on ESConv valid and test.

    ESC_DATA=../shared/data python bench/strategy_eval.py

What it does is what these commands do, in process:

    esc iu extract $ESC_DATA/esconv/hf_splits/train.jsonl $ESC_DATA/esconv/FailedESConv.json -o ius.jsonl
    esc skill discover ius.jsonl --out discovered --write
    esc eval strategy --data $ESC_DATA/esconv/hf_splits/test.jsonl --skills skills --skills discovered

Discovery's thresholds were tuned on valid only; test is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from esc_cli.bank.load import load_skills
from esc_cli.data.load import read_dialogues
from esc_cli.discover.pipeline import discover
from esc_cli.discover.strategy_eval import Scores, majority_strategy, score_bank, score_constant
from esc_cli.discover.validate import require_clean
from esc_cli.iu.extract import extract_ius
from esc_cli.iu.labeller import default_labeller

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ESC_DATA", "../shared/data")))
    parser.add_argument("--bank", type=Path, default=REPO / "skills", help="The seed bank's skills folder.")
    args = parser.parse_args()
    esconv = args.data / "esconv"
    labeller = default_labeller()

    started = time.perf_counter()
    dialogues = [
        *read_dialogues(esconv / "hf_splits" / "train.jsonl"),
        *read_dialogues(esconv / "FailedESConv.json"),
    ]
    ius = list(extract_ius(dialogues, labeller))
    seed = load_skills(args.bank)
    found = discover(ius, current=seed)
    require_clean(found.skills)
    elapsed = time.perf_counter() - started
    print(f"ESConv train + FailedESConv: {len(ius)} IUs, {found.key_ius} key")
    print(
        f"prototypes: {len(found.prototypes)}; skills discovered: {len(found.plans)}; bank: {len(found.skills)}"
    )
    print(f"crisis skill: {found.crisis_source}; extraction and discovery took {elapsed:.1f} s")

    for split in ("valid", "test"):
        data = read_dialogues(esconv / "hf_splits" / f"{split}.jsonl")
        majority = majority_strategy(data)
        rows: list[Scores] = [
            score_bank("seed bank", seed, data, labeller),
            score_bank("discovered bank", found.skills, data, labeller),
            score_constant(f"majority class ({majority})", majority, data),
        ]
        print(f"\nstrategy accuracy on ESConv {split} ({rows[0].total} supporter utterances)")
        for scores in rows:
            print(f"  {scores.name:<30} {100 * scores.accuracy:5.1f}%")


if __name__ == "__main__":
    main()
