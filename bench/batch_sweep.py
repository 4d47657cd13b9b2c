"""Batch mode figures: a 100-dialogue `esc sim run --batch` against the fake server's batch API.

The agent runs on the fake server's OpenAI Batch API (or `--provider anthropic`: Message Batches),
the seeker offline, so every turn of all dialogues is one batch. The fake server runs in its own
process and ends each batch `--batch-delay` seconds after it is created. Printed:

1. a fresh run: batches submitted against turns (one batch per turn), requests in them, wall time;
2. the same command again into a new folder: batch-API requests sent (0: all cached);
3. a run on a fresh cache killed with SIGKILL while a batch is processing, then `--resume`d:
   batches submitted over both (no more than turns: the batch in flight is polled, not resubmitted),
   and the dialogues equal to those of the uninterrupted run.

    python bench/batch_sweep.py [--profiles 25] [--seeds 4] [--provider openai] [--batch-delay 0.5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def stats(url: str) -> dict[str, int]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{url}/stats", timeout=5) as response:
        found: dict[str, int] = json.loads(response.read())
    return found


def start_server(delay: float) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "esc_cli.llm.fake_server", "--port", "0", "--batch-delay", str(delay)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=child_env())
    assert process.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
    if found is None:
        process.kill()
        raise SystemExit("the fake server did not start")
    return process, found.group(0)


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "ANTHROPIC_API_KEY": "esc-bench",
        "OPENAI_API_KEY": "esc-bench",
    }


def make_bank(folder: Path, profiles: int, poll: float) -> Path:
    for name in ("skills", "prompts"):
        shutil.copytree(REPO / name, folder / name)
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        text.replace("[tool.esc]\n", f"[tool.esc]\nbatch_poll = {poll}\n", 1)
    )
    chosen = folder / "profiles" / "sweep"
    chosen.mkdir(parents=True)
    every = sorted((REPO / "profiles" / "train").glob("*.yaml")) + sorted(
        (REPO / "profiles" / "verify").glob("*.yaml")
    )
    for path in every[:profiles]:
        shutil.copy(path, chosen / path.name)
    return folder


def command(bank: Path, out: Path, url: str, provider: str, seeds: int) -> list[str]:
    server = f"{url}/v1" if provider == "openai" else url
    return [
        sys.executable, "-c", "from esc_cli.cli.main import entry; entry()",
        "sim", "run", "--profiles", str(bank / "profiles" / "sweep"), "--seeds", str(seeds), "--out", str(out),
        "--agent-backend", provider, "--agent-base-url", server, "--batch",
    ]  # fmt: skip


def turns_of(out: Path) -> tuple[int, int, bytes]:
    """(dialogues, the longest dialogue's turns, the file's bytes) of a finished run."""
    data = (out / "dialogues.jsonl").read_bytes()
    dialogues = [json.loads(line) for line in data.decode().splitlines()]
    return len(dialogues), max(len(d["turns"]) for d in dialogues), data


def journal_lines(out: Path) -> int:
    path = out / "batches.jsonl"
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=25)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--provider", choices=("openai", "anthropic"), default="openai")
    parser.add_argument("--batch-delay", type=float, default=0.5)
    parser.add_argument("--poll", type=float, default=0.25, help="batch_poll of the bank, seconds")
    args = parser.parse_args()

    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (the machine is shared)")
    process, url = start_server(args.batch_delay)
    try:
        with tempfile.TemporaryDirectory(prefix="esc-batch-") as tmp:
            bank = make_bank(Path(tmp) / "bank", args.profiles, args.poll)
            before = stats(url)
            started = time.perf_counter()
            subprocess.run(command(bank, bank / "runs" / "one", url, args.provider, args.seeds), cwd=bank,
                           env=child_env(), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            wall = time.perf_counter() - started
            after = stats(url)
            dialogues, turns, reference = turns_of(bank / "runs" / "one")
            batches = after["batches"] - before["batches"]
            print(
                f"1. {dialogues} dialogues, {turns} turns: {batches} batches submitted "
                f"({'one per turn' if batches == turns else 'NOT one per turn'}), "
                f"{after['batched_requests'] - before['batched_requests']} requests in them, "
                f"{after['requests'] - before['requests']} single calls, {wall:.1f} s wall "
                f"(batch delay {args.batch_delay:g} s)"
            )

            subprocess.run(command(bank, bank / "runs" / "two", url, args.provider, args.seeds), cwd=bank,
                           env=child_env(), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            again = stats(url)
            sent = (
                again["batch_api_requests"]
                - after["batch_api_requests"]
                + again["requests"]
                - after["requests"]
            )
            same = turns_of(bank / "runs" / "two")[2] == reference
            print(f"2. rerun: {sent} requests to the server; dialogues identical: {same}")

            fresh = make_bank(Path(tmp) / "fresh", args.profiles, args.poll)
            out = fresh / "runs" / "killed"
            start = stats(url)
            child = subprocess.Popen(command(fresh, out, url, args.provider, args.seeds), cwd=fresh,
                                     env=child_env(), stdout=subprocess.DEVNULL)  # fmt: skip
            while journal_lines(out) < 3 and child.poll() is None:
                time.sleep(0.02)
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            killed_at = journal_lines(out)
            resumed = subprocess.run(
                [*command(fresh, out, url, args.provider, args.seeds), "--resume"],
                cwd=fresh, env=child_env(), check=True, capture_output=True, text=True,
            )  # fmt: skip
            end = stats(url)
            line = next((x for x in resumed.stdout.splitlines() if x.startswith("batch mode:")), "")
            total = end["batches"] - start["batches"]
            same = turns_of(out)[2] == reference
            print(
                f"3. kill -9 after {killed_at} batches were journaled, then --resume: {total} batches submitted "
                f"over both runs for {turns} turns ({'no batch resubmitted' if total == turns else 'RESUBMITTED'}); "
                f"resumed run says '{line}'; dialogues identical to run 1: {same}"
            )
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
