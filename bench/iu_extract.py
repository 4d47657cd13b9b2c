"""Figures of IU extraction (issue 4): offline extraction speed over ESConv and FailedESConv, and the
offline labeller's strategy accuracy on the ESConv test split.

    ESC_DATA=../shared/data python bench/iu_extract.py [--runs 3] [--workers N] [--against REF]

1. Speed: what `esc iu extract` does with the offline labeller (read the files, label, write the
   JSONL) over the HF train/valid/test splits plus FailedESConv, about 44k utterances. Prints the
   wall and CPU time (this process and its workers, from getrusage) and utterances per second of
   each run and their medians, with the load average: on a shared machine the CPU time is the
   steadier figure. Targets: under 5 s wall with 2 workers on an idle machine, at most 8 s CPU.
   With `--against REF` the same runs follow on the code of that git ref, for a side-by-side.
2. Quality: the strategy each supporter utterance of the valid and test splits gets from its text
   alone (the annotation hidden), against the annotation: micro accuracy (all utterances) and macro
   accuracy (mean per-strategy recall). The target is at least 60% micro on test. Both strategy
   models are scored: the linear one (the default) and, when the `encoder` extra is installed, the
   encoder one (`esc iu extract --strategy-model encoder`), with its speed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import esc_cli
from esc_cli.data.corpus import load_corpus
from esc_cli.errors import InputError
from esc_cli.fileio import atomic_writer
from esc_cli.iu.labeller import OfflineLabeller
from esc_cli.iu.parallel import default_workers, extract_chunks
from esc_cli.iu.train_strategy import read_examples
from esc_cli.taxonomy import ESCONV_STRATEGIES

REPO = Path(__file__).resolve().parent.parent


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_run(paths: list[Path], out: Path, workers: int) -> tuple[float, float, int, int]:
    """Wall time, CPU time, utterances and IUs of one cold extraction (a fresh labeller, as a new
    process has)."""
    cpu = cpu_seconds()
    started = time.perf_counter()
    dialogues = load_corpus(paths)
    labeller = OfflineLabeller()
    written = 0
    with atomic_writer(out) as handle:
        for chunk in extract_chunks(dialogues, labeller, workers=workers):
            handle.write("".join(line + "\n" for line in chunk.lines))
            written += len(chunk.lines)
    wall = time.perf_counter() - started
    return wall, cpu_seconds() - cpu, sum(len(d.utterances) for d in dialogues), written


def speed(esconv: Path, runs: int, workers: int) -> None:
    paths = [esconv / "hf_splits" / f"{s}.jsonl" for s in ("train", "valid", "test")]
    paths.append(esconv / "FailedESConv.json")
    print(f"== offline extraction: {len(paths)} files, {workers} worker(s), {os.cpu_count()} CPUs ==")
    times: list[float] = []
    cpus: list[float] = []
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, runs + 1):
            loads.append(os.getloadavg()[0])
            wall, cpu, utterances, ius = one_run(paths, Path(folder) / "ius.jsonl", workers)
            times.append(wall)
            cpus.append(cpu)
            print(
                f"run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU, {utterances} utterances, {ius} IUs, "
                f"{utterances / wall:,.0f} utterances/s (load average {loads[-1]:.1f})"
            )
        digest = hashlib.sha256((Path(folder) / "ius.jsonl").read_bytes()).hexdigest()[:16]
        print(f"sha256 of the IU file: {digest} (the same on another commit means the same output)")
    median = statistics.median(times)
    cpu = statistics.median(cpus)
    print(
        f"median of {runs}: {median:.2f} s wall (target < 5 s with 2 workers on an idle machine), "
        f"{cpu:.2f} s CPU (target <= 8 s), {utterances / median:,.0f} utterances/s; "
        f"load average {min(loads):.1f}-{max(loads):.1f}"
    )
    if workers > 1:
        # The work divides evenly over the workers; the parent's own share (reading, writing) is small.
        print(f"on an idle machine with {workers} workers: about {cpu / workers:.2f} s wall of CPU work")


def quality(esconv: Path) -> None:
    labeller = OfflineLabeller()
    print(f"== strategy from text alone: linear model, labeller {labeller.tag} ==")
    score(esconv, lambda texts: [labeller.strategy(text) for text in texts])
    try:
        from esc_cli.iu.encoder_model import EncoderStrategyModel

        started = time.perf_counter()
        model = EncoderStrategyModel.load()
    except InputError as exc:
        print(f"== encoder model not scored: {exc.problem} ({exc.fix}) ==")
        return
    print(
        f"== strategy from text alone: encoder model {model.version} (loaded in {time.perf_counter() - started:.1f} s) =="
    )
    score(esconv, model.predict_many)


def score(esconv: Path, predict: Callable[[list[str]], list[str]]) -> None:
    for split in ("valid", "test"):
        examples = read_examples([esconv / "hf_splits" / f"{split}.jsonl"])
        started = time.perf_counter()
        guesses = predict([text for text, _ in examples])
        wall = time.perf_counter() - started
        hits: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        for (_, gold), guess in zip(examples, guesses, strict=True):
            totals[gold] += 1
            hits[gold] += guess == gold
        micro = sum(hits.values()) / len(examples)
        macro = statistics.mean(hits[s] / totals[s] for s in ESCONV_STRATEGIES)
        print(
            f"{split}: micro {micro:.3f}, macro {macro:.3f} over {len(examples)} supporter utterances "
            f"({len(examples) / wall:,.0f} utterances/s)"
        )
        if split == "test":
            for strategy in ESCONV_STRATEGIES:
                print(
                    f"  {strategy:30} recall {hits[strategy] / totals[strategy]:.3f} (n={totals[strategy]})"
                )


def against(ref: str, runs: int, workers: int) -> None:
    """The speed part on the code of git ref `ref` (extracted to a temporary folder), in a child
    process that imports that code, alternating with nothing else: run it right after our own."""
    with tempfile.TemporaryDirectory(prefix="esc-bench-ref-") as folder:
        archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        print(f"== the same on {ref} ==", flush=True)
        command = [sys.executable, "-P", __file__, "--runs", str(runs), "--workers", str(workers)]
        env = {**os.environ, "PYTHONPATH": folder}
        subprocess.run([*command, "--speed-only"], env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--speed-only", action="store_true", help="Skip the quality part.")
    parser.add_argument("--against", metavar="REF", help="Also time the code of this git ref.")
    args = parser.parse_args()
    data = os.environ.get("ESC_DATA")
    if not data or not (Path(data) / "esconv").is_dir():
        print("ESC_DATA must point at the data folder (with esconv/ inside)", file=sys.stderr)
        return 2
    esconv = Path(data) / "esconv"
    print(f"code: {Path(esc_cli.__file__).parent}")
    speed(esconv, args.runs, args.workers)
    if args.against:
        against(args.against, args.runs, args.workers)
    if not args.speed_only:
        quality(esconv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
