"""Benchmark of the offline judge, version 3 (issue: a seeker judge that reads the words).

Prints the validity figures of `esc eval judge` on the test split, the test feedback and FailedESConv
(none of which the judge was trained or tuned on), the project's pair suite, and the wall time of an
`esc sim run` of the verify profiles x 3 seeds in a fresh process on a copy of the bank (median of
--runs), with an empty embedding store and with the store a first run left (`esc_cli/text/store.py`).

    ESC_DATA=../shared/data python bench/judge_eval.py [--runs 3] [--skip-sim] [--skip-eval]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# `esc` in a fresh process, whatever the PATH: esc_cli.cli.main has no __main__ block.
ESC = [sys.executable, "-c", "from esc_cli.cli.main import entry; entry()"]
TARGETS = {
    "per-turn feedback (Spearman rho)": 0.25,
    "real reply over another dialogue's reply at a similar turn": 0.90,
    "successful over failed dialogues (AUC)": 0.75,
    "pair suite (all kinds but paraphrase)": 0.95,
}
KIND_TARGET = 0.75
SIM_TARGET_SECONDS = 10.0


def eval_figures(data: Path) -> dict[str, object]:
    esconv = data / "esconv"
    command = [
        *ESC,
        "eval",
        "judge",
        "--feedback",
        str(esconv / "multiesc_feedback" / "test.jsonl"),
        "--succeeded",
        str(esconv / "hf_splits" / "test.jsonl"),
        "--failed",
        str(esconv / "FailedESConv.json"),
        "--pairs",
        str(REPO / "bench" / "suites" / "judge_pairs.jsonl"),
        "--format",
        "json",
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"esc eval judge failed: {done.stderr.strip()}")
    report: dict[str, object] = json.loads(done.stdout)
    return report


def sim_seconds(store: bool) -> float:
    """One `esc sim run` in a fresh process, on a copy of the bank: with an empty embedding store
    (`.esc/embeddings.npz`, the first run on a machine) or with the one a first run left."""
    with tempfile.TemporaryDirectory() as folder:
        bank = Path(folder) / "bank"
        for name in ("skills", "profiles", "prompts"):
            shutil.copytree(REPO / name, bank / name)
        shutil.copy(REPO / "pyproject.toml", bank / "pyproject.toml")
        if store:
            subprocess.run([*ESC, "sim", "run", "--out", "first"], cwd=bank, capture_output=True, check=True)
        started = time.perf_counter()
        subprocess.run([*ESC, "sim", "run", "--out", "timed"], cwd=bank, capture_output=True, check=True)
        return time.perf_counter() - started


def print_eval(data: Path) -> None:
    """The validity figures of `esc eval judge`, beside their targets and baselines."""
    report = eval_figures(data)
    figures = [*report["figures"], report["pairs"]["overall"]]  # type: ignore[index,misc]
    print(f"{'figure':58} {'items':>6} {'judge':>7} {'target':>7} {'length':>7} {'affect':>7}")
    for f in figures:
        target = TARGETS[f["name"]]
        mark = "ok" if f["judge"] >= target else "BELOW"
        print(
            f"{f['name']:58} {f['items']:>6} {f['judge']:>7.3f} {target:>7.2f} "
            f"{f['baselines']['length']:>7.3f} {f['baselines']['affect']:>7.3f}  {mark}"
        )
        if f.get("interval"):
            print(f"{'':58} 95% CI [{f['interval'][0]:.3f}, {f['interval'][1]:.3f}]")
    print("pair suite by kind (paraphrase: share within one step, not in the overall figure):")
    for kind, f in report["pairs"]["kinds"].items():  # type: ignore[index]
        mark = "ok" if f["judge"] >= KIND_TARGET else "BELOW"
        print(f"  {kind:24} {f['items']:>4} {f['judge']:>7.3f}  {mark}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-sim", action="store_true")
    parser.add_argument("--skip-eval", action="store_true", help="print only the sim timings")
    args = parser.parse_args()
    if not args.skip_eval:
        print_eval(Path(os.environ.get("ESC_DATA", REPO.parent / "shared" / "data")))
    if not args.skip_sim:
        for store, what in ((False, "empty embedding store"), (True, "the store a first run left")):
            times = [sim_seconds(store) for _ in range(args.runs)]
            runs = ", ".join(f"{t:.1f}" for t in times)
            print(
                f"esc sim run (verify x 3 seeds, fresh process, {what}): {runs} s;"
                f" median {statistics.median(times):.1f} s (target < {SIM_TARGET_SECONDS:.0f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
