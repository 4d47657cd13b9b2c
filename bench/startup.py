"""Start-up and end-to-end cost of everyday commands (issue 20, item 3), as a user runs them.

    python bench/startup.py [--runs 5] [--against REF]

Each command runs as a fresh child process, as the `esc` script starts it; the figure is the
child's CPU time (user + system, from `resource.getrusage(RUSAGE_CHILDREN)`), which a shared machine
disturbs much less than the wall time. The wall time is printed too, with the load average at the
time. Medians of `--runs` runs:

1. `esc --help` (target: at most 0.25 s of CPU);
2. `esc skill lint` on the seed bank;
3. a default offline `esc sim run` (verify profiles x 3 seeds) into a temporary folder;
4. `esc skill verify` of a one-skill change, default settings (target: at most 3 s wall on an idle
   machine), in a temporary git repository holding the seed bank (as bench/verify_offline.py).

With `--against REF` the same commands also run on that git ref of this repository (extracted with
`git archive` into a temporary folder, imported from there), one after the other in each round, and
the ratio is printed: the speed-up of the working tree over REF.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from verify_offline import make_repo

REPO = Path(__file__).resolve().parent.parent
HELP_TARGET_CPU = 0.25
VERIFY_TARGET_WALL = 3.0
# What the installed `esc` script runs (sys.argv[1:] are the arguments); `-P` keeps the working
# folder off sys.path, so the code imported is the one PYTHONPATH names.
ENTRY = "from esc_cli.cli.main import entry; entry()"


@dataclass
class Figures:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)


def run_child(code: Path, args: list[str], cwd: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of `esc *args` imported from `code`."""
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-P", "-c", ENTRY, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"esc {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def commands(bank: Path, scratch: Path) -> list[tuple[str, list[str], Path]]:
    return [
        ("esc --help", ["--help"], REPO),
        ("esc skill lint", ["skill", "lint"], REPO),
        ("esc sim run (offline)", ["sim", "run", "--out", str(scratch / "run")], REPO),
        ("esc skill verify (1 skill)", ["skill", "verify", "--out", str(scratch / "verify")], bank),
    ]


def median_line(name: str, f: Figures) -> str:
    return (
        f"{name:28} CPU {statistics.median(f.cpu):6.2f} s   wall {statistics.median(f.wall):6.2f} s   "
        f"(load {min(f.load):.1f}-{max(f.load):.1f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", metavar="REF", help="Also time this git ref and print the ratio.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="esc-bench-startup-") as folder:
        root = Path(folder)
        trees = {"this tree": REPO}
        if args.against:
            base = root / "base"
            base.mkdir()
            archive = subprocess.run(
                ["git", "archive", args.against], cwd=REPO, capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            trees = {args.against: base, "this tree": REPO}
        bank = make_repo(root)
        print(f"{args.runs} runs each, {os.cpu_count()} CPUs; CPU is the child's user + system time")
        results: dict[tuple[str, str], Figures] = {}
        runs: dict[str, Path] = {}
        for _ in range(args.runs):
            for label, code in trees.items():
                scratch = Path(tempfile.mkdtemp(dir=root))
                runs[label] = scratch / "run"
                for name, argv, cwd in commands(bank, scratch):
                    load = os.getloadavg()[0]
                    cpu, wall = run_child(code, argv, cwd)
                    figures = results.setdefault((label, name), Figures())
                    figures.cpu.append(cpu)
                    figures.wall.append(wall)
                    figures.load.append(load)
        if args.against:
            same = all(
                (run / name).read_bytes() == (runs["this tree"] / name).read_bytes()
                for run in [runs[args.against]]
                for name in ("dialogues.jsonl", "summary.json")
            )
            print(f"sim run dialogues.jsonl and summary.json identical on both trees: {same}")
        for label in trees:
            print(f"== {label} ==")
            for name, _, _ in commands(bank, root):
                print("  " + median_line(name, results[(label, name)]))
        mine = {name: results[("this tree", name)] for name, _, _ in commands(bank, root)}
        help_cpu = statistics.median(mine["esc --help"].cpu)
        verdict = "PASS" if help_cpu <= HELP_TARGET_CPU else "FAIL"
        print(f"esc --help: {help_cpu:.2f} s CPU (target <= {HELP_TARGET_CPU} s): {verdict}")
        verify_wall = statistics.median(mine["esc skill verify (1 skill)"].wall)
        print(
            f"offline verify of a one-skill change: {verify_wall:.2f} s wall "
            f"(target <= {VERIFY_TARGET_WALL:g} s on an idle machine), "
            f"{statistics.median(mine['esc skill verify (1 skill)'].cpu):.2f} s CPU"
        )
        if args.against:
            print(f"== speed-up over {args.against} (median CPU, base / this tree) ==")
            for name, _, _ in commands(bank, root):
                base_cpu = statistics.median(results[(args.against, name)].cpu)
                new_cpu = statistics.median(mine[name].cpu)
                print(
                    f"  {name:28} {base_cpu / new_cpu:5.2f}x  ({(1 - new_cpu / base_cpu) * 100:4.0f}% less CPU)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
