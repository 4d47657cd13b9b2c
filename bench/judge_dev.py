"""The judge's DEV pair suite (bench/suites/judge_pairs_dev.jsonl): the material for tuning the harm head.

The frozen suite (bench/suites/judge_pairs.jsonl) is the test set: this script never reads it. It prints
the dev suite's preference accuracy per kind (as `esc eval judge --pairs` does), the harm kinds the judge
reads in each reply of the harm pairs (--harm), and the share of valid ESConv supporter sentences the
harm head reads as harmful (--false-harm, needs ESC_DATA). With --fit-harm OUT it first refits only the
harm head (`train.fit_harm`, the seeds and settings in train.py) into a copy of the shipped heads and
measures that copy: a quick loop for the seeds, before the full rebuild.

    ESC_DATA=... python bench/judge_dev.py [--heads FILE] [--fit-harm OUT] [--memo M.npz] [--harm] [--false-harm]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from esc_cli.judge.evaluate import pair_figures  # noqa: E402
from esc_cli.judge.heads import Heads, default_heads, load_heads  # noqa: E402
from esc_cli.judge.material import read_pairs  # noqa: E402
from esc_cli.judge.reading import ReplyJudge, sentences  # noqa: E402
from esc_cli.judge.replay import Item, eval_profile, judged_changes  # noqa: E402
from esc_cli.sim.engines import default_labeller  # noqa: E402
from esc_cli.sim.outcome import default_table  # noqa: E402
from esc_cli.sim.seeker_offline import OfflineSeeker  # noqa: E402
from esc_cli.text import shared_encoder  # noqa: E402

DEV = REPO / "bench" / "suites" / "judge_pairs_dev.jsonl"
HARM_PAIRS = {"dismissive", "blaming", "toxic-positivity", "sarcasm", "lecturing", "cold-clinical"}


def refit_harm(data: Path, out: Path, memo: Path | None) -> Heads:
    from esc_cli.judge.train import TRAIN_FILES, VALID_FILES, _turns, dumps, fit_harm

    encoder = shared_encoder()
    if memo is not None and memo.is_file():
        encoder.load_memo(memo)
    train = _turns([data / f for f in TRAIN_FILES])
    valid = _turns([data / f for f in VALID_FILES])
    harm = fit_harm(encoder, [t.reply for t in train], [t.reply for t in valid])
    if memo is not None:
        encoder.save_memo(memo)
    heads = json.loads(default_heads().model_dump_json())
    heads["harm"] = harm.head
    heads["combine"]["harm_above"] = harm.above
    out.write_text(dumps(heads), encoding="utf-8")
    print(f"refit harm: threshold {harm.above:.3f}, valid false-harm {harm.false_rate:.4f}")
    return load_heads(out)


def false_harm(judge: ReplyJudge, data: Path) -> float:
    from esc_cli.judge.train import VALID_FILES, _turns

    found = sorted({s for t in _turns([data / f for f in VALID_FILES]) for s in sentences(t.reply)})
    flagged = sum(1 for s in found if judge.harm_of(s))
    return flagged / len(found)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--heads", type=Path, help="a heads file to measure (default: the shipped one)")
    parser.add_argument("--fit-harm", type=Path, metavar="OUT", help="refit the harm head into OUT first")
    parser.add_argument("--memo", type=Path, help="an encoder memo (.npz) for --fit-harm")
    parser.add_argument("--harm", action="store_true", help="list the harm read in each harm pair")
    parser.add_argument(
        "--false-harm", action="store_true", help="share of valid supporter sentences flagged"
    )
    parser.add_argument("--failures", action="store_true", help="list the pairs judged the wrong way round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = Path(os.environ.get("ESC_DATA", ""))
    if args.fit_harm is not None:
        heads = refit_harm(data, args.fit_harm, args.memo)
    else:
        heads = load_heads(args.heads) if args.heads is not None else default_heads()
    judge = ReplyJudge(heads=heads)
    labeller = default_labeller()
    seeker = OfflineSeeker(labeller, default_table(), judge=judge)
    pairs = read_pairs(DEV)
    items: dict[Item, float] = {}
    for p in pairs:
        for reply in (p.better, p.worse):
            items[Item(p.context, reply, p.turn)] = 0.0
    order = list(items)
    judged = dict(zip(order, asyncio.run(judged_changes(seeker, order, profile=eval_profile())), strict=True))
    figures = pair_figures(pairs, lambda batch: [judged[i] for i in batch], {})
    kinds: dict[str, float] = {k: f.judge for k, f in figures.kinds.items()}
    harmful = [p for p in pairs if p.kind in HARM_PAIRS]
    result: dict[str, Any] = {
        "overall": figures.overall.judge if figures.overall is not None else float("nan"),
        "kinds": kinds,
        # the share of harm pairs whose worse reply the harm head reads as harmful, and of all pairs'
        # better replies it reads as harmful
        "worse_read_harmful": sum(1 for p in harmful if judge.harm_of(p.worse)) / len(harmful),
        "better_read_harmful": sum(1 for p in pairs if judge.harm_of(p.better)) / len(pairs),
    }
    if args.false_harm:
        result["false_harm"] = false_harm(judge, data)
    result["harm_above"] = heads.combine.harm_above
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(
            f"dev pairs: {len(pairs)}  overall {result['overall']:.3f}  harm_above {heads.combine.harm_above:.3f}"
        )
        for kind, value in kinds.items():
            print(f"  {kind:24s} {value:.3f}")
        print(
            f"harm read in worse replies of harm pairs: {result['worse_read_harmful']:.3f}; "
            f"in better replies: {result['better_read_harmful']:.3f}"
        )
        if args.false_harm:
            print(f"valid supporter sentences read as harmful: {result['false_harm']:.4f}")
    if args.failures:
        for p in pairs:
            b, w = judged[Item(p.context, p.better, p.turn)], judged[Item(p.context, p.worse, p.turn)]
            if p.kind != "paraphrase" and b <= w:
                read_b = [h.kind for h in judge.harm_of(p.better)]
                read_w = [h.kind for h in judge.harm_of(p.worse)]
                print(f"FAIL [{p.kind}] better {b:+.2f} {read_b} / worse {w:+.2f} {read_w}: {p.worse}")
    if args.harm:
        for p in pairs:
            worse = judge.harm_of(p.worse)
            better = judge.harm_of(p.better)
            if (p.kind in HARM_PAIRS and not worse) or better:
                mark = "MISS" if p.kind in HARM_PAIRS and not worse else "FALSE"
                print(
                    f"{mark} [{p.kind}] worse={[h.kind for h in worse]} better={[(h.kind, h.sentence) for h in better]}"
                )
                print(f"    worse: {p.worse}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
