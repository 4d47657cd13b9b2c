"""Side by side on one fake server: a SAGE-style sequential loop, and `esc sim run` with model roles.

The sequential loop is written here from SAGE's published protocol, as a plain reference runner
would do it: the openai SDK's synchronous client, one call at a time. The seeker opens with its first
message; then each turn the supporter replies, the seeker analyses that reply (emotion change) and
the seeker answers. It makes 28 calls a dialogue, the count measured for SAGE's own runner: nine full
turns of three calls, then the tenth supporter reply.

`esc sim run` runs the real CLI in a child process (start-up included) with the agent and the seeker
on the same server, `--no-cache`, at `--concurrency` (default 32): 29 calls a dialogue (10 agent
replies, 10 analyses, 9 answers). Both sides talk to one fake server in its own process that adds
`--latency` (200 ms) to every call and answers one JSON object that fits all three schemas.

The figure is seconds per dialogue, sequential over esc; the sequential loop runs `--sage-dialogues`
(default 4) dialogues a measurement, since 100 of them would take ten minutes. Target: >= 20x at 32.

    python bench/sage_side_by_side.py [--dialogues 100] [--concurrency 32] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchkit import all_roles_text, start_server
from openai import OpenAI

REPO = Path(__file__).resolve().parent.parent
SAGE_CALLS = 28
ESC_CALLS = 29
TARGET = 20.0


def sage_dialogue(client: OpenAI, number: int) -> int:
    """One dialogue of the sequential loop; returns the calls it made."""
    history = [{"role": "user", "content": f"seeker {number}: I have not slept properly in weeks."}]
    calls = 0

    def call(system: str, messages: list[dict[str, str]]) -> str:
        nonlocal calls
        calls += 1
        reply = client.chat.completions.create(
            model="sage-model",
            messages=[{"role": "system", "content": system}, *messages],  # type: ignore[list-item]
            temperature=0.7,
        )
        return reply.choices[0].message.content or ""

    emotion = 40
    for turn in range(10):
        supporter = call("You are the supporter. Reply with warmth.", history)
        history.append({"role": "assistant", "content": supporter})
        if calls == SAGE_CALLS:
            break
        analysis = json.loads(call("You are the seeker. Analyse the reply; give the change.", history))
        emotion = max(0, min(100, emotion + int(analysis.get("change", 0))))
        answer = json.loads(call(f"You are the seeker, emotion {emotion}. Answer in character.", history))
        history.append({"role": "user", "content": str(answer.get("message", ""))})
        if turn == 9 or emotion >= 100 or emotion < 10:
            break
    return calls


def sage_side(url: str, dialogues: int) -> tuple[float, int]:
    client = OpenAI(api_key="sage-local", base_url=f"{url}/v1", max_retries=0, timeout=30)
    started = time.perf_counter()
    calls = sum(sage_dialogue(client, d) for d in range(dialogues))
    wall = time.perf_counter() - started
    client.close()
    return wall, calls


def bank_with(profiles: int, folder: Path) -> Path:
    """A copy of the repository's bank whose profile folder holds the first `profiles` train profiles."""
    for name in ("skills", "prompts"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "pyproject.toml", folder / "pyproject.toml")
    chosen = folder / "profiles" / "bench"
    chosen.mkdir(parents=True)
    every = sorted((REPO / "profiles" / "train").glob("*.yaml")) + sorted(
        (REPO / "profiles" / "verify").glob("*.yaml")
    )
    for path in every[:profiles]:
        shutil.copy(path, chosen / path.name)
    return chosen


def esc_side(
    url: str, bank: Path, profiles: Path, seeds: int, concurrency: int, out: Path
) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one `esc sim run` child."""
    command = [
        sys.executable, "-c", "from esc_cli.cli.main import entry; entry()",
        "sim", "run", "--profiles", str(profiles), "--seeds", str(seeds), "--out", str(out), "--no-cache",
        "--agent-backend", "openai", "--seeker-backend", "openai", "--concurrency", str(concurrency),
        "--agent-base-url", f"{url}/v1", "--seeker-base-url", f"{url}/v1",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": "esc-local"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=bank, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=int, default=100, help="dialogues of the esc run")
    parser.add_argument(
        "--sage-dialogues", type=int, default=4, help="dialogues of each sequential measurement"
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (the machine is shared)")
    process, url = start_server(args.latency, all_roles_text())
    sage: list[float] = []
    esc: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="esc-sage-") as tmp:
            seeds = 4
            profiles = bank_with(args.dialogues // seeds, Path(tmp))
            count = len(list(profiles.iterdir())) * seeds
            for number in range(1, args.runs + 1):
                wall, calls = sage_side(url, args.sage_dialogues)
                sage.append(wall / args.sage_dialogues)
                print(
                    f"run {number}: sequential {args.sage_dialogues} dialogues, {calls} calls in {wall:.2f} s "
                    f"({sage[-1]:.2f} s a dialogue, {wall / calls * 1000:.1f} ms a call)"
                )
                wall, cpu = esc_side(
                    url, Path(tmp), profiles, seeds, args.concurrency, Path(tmp) / f"run-{number}"
                )
                esc.append(wall / count)
                print(
                    f"run {number}: esc sim run {count} dialogues ({count * ESC_CALLS} calls) at concurrency "
                    f"{args.concurrency} in {wall:.2f} s ({esc[-1]:.3f} s a dialogue), "
                    f"{cpu:.2f} s CPU ({cpu / (count * ESC_CALLS) * 1000:.2f} ms a call)"
                )
    finally:
        process.terminate()
        process.wait(timeout=10)
    ratio = statistics.median(sage) / statistics.median(esc)
    bound = args.latency * ESC_CALLS / args.concurrency
    print(
        f"the best esc can do at concurrency {args.concurrency}: latency x calls / concurrency = {bound:.3f} s a "
        f"dialogue, {statistics.median(sage) / bound:.1f}x"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(
        f"median: sequential {statistics.median(sage):.2f} s a dialogue, esc {statistics.median(esc):.3f} s a "
        f"dialogue; esc is {ratio:.1f}x faster per dialogue (target >= {TARGET:g}x): "
        + ("PASS" if ratio >= TARGET else "FAIL")
    )


if __name__ == "__main__":
    main()
