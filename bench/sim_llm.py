"""Benchmark of the simulation's LLM path (DESIGN.md section 8): LLM agent + LLM seeker, fake server.

100 dialogues (the first profiles of the bank x the fewest seeds that make 100) run through `simulate()` as
`esc sim run --agent-backend openai --seeker-backend openai` does: routing, prompt rendering, the real
openai SDK over HTTP, schema checks, labelling, the SAGE loop. The fake server runs in its own process
(so it does not share our GIL), adds 200 ms to every call, and answers one JSON object that fits all
three schemas with change 0, so every dialogue runs its full 10 turns:

    calls per dialogue = 10 agent + 10 analyses + 9 replies (none after the last turn) = 29
    critical path      = calls per dialogue x latency x ceil(dialogues / concurrency)

Target: wall <= 1.3 x critical path at the stated concurrency (32 and 100). Past 100 calls in flight
the dialogues are spread over worker processes as `esc sim run` does (`--workers` to choose). The
client's CPU per call is printed too: on a shared machine it, not the wall time, is the stable figure.

    python bench/sim_llm.py [--dialogues 100] [--concurrency 32] [--latency 0.2] [--runs 3] [--workers N]
"""

from __future__ import annotations

import asyncio
import math
import os
import resource
import statistics
import time
from pathlib import Path

from benchkit import all_roles_text, fake_server_parser, start_server

from esc_cli.bank.load import load_skills
from esc_cli.config import Settings
from esc_cli.llm.factory import make_clients
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.runner import simulate
from esc_cli.sim.workers import worker_count

TARGET_RATIO = 1.3
TURNS = 10


def profiles_and_seeds(profiles: list[Profile], dialogues: int) -> tuple[list[Profile], int]:
    """The fewest seeds s, and the first dialogues/s profiles, that make exactly `dialogues` pairs."""
    for seeds in range(1, dialogues + 1):
        if dialogues % seeds == 0 and dialogues // seeds <= len(profiles):
            return profiles[: dialogues // seeds], seeds
    raise SystemExit(f"cannot make {dialogues} dialogues from {len(profiles)} profiles")


async def one_run(bank: Path, url: str, dialogues: int, concurrency: int, workers: int) -> tuple[float, int]:
    """Wall seconds and turns of one run with fresh clients and no cache."""
    settings = Settings.model_validate(
        {"engine": "openai", "openai_base_url": f"{url}/v1", "concurrency": concurrency, "timeout": 60}
    )
    clients = make_clients(settings, ["agent", "seeker"], no_cache=True, concurrency=concurrency)
    skills = load_skills(bank / "skills")
    profiles, seeds = profiles_and_seeds(load_profile_set(bank / "profiles"), dialogues)
    options = SimOptions(
        agent_client=clients["agent"],
        seeker_client=clients["seeker"],
        prompts_dir=bank / "prompts",
        workers=workers,
    )
    started = time.perf_counter()
    done = await simulate(skills, profiles, seeds, options)
    wall = time.perf_counter() - started
    turns = sum(len(d.turns) for d in done)
    for client in clients.values():
        await client.aclose()
    return wall, turns


def cpu_seconds() -> float:
    """CPU of this process and of its finished children (the workers; not the server, still running)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = fake_server_parser(__doc__, bank=True)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes; 0: what `esc sim run` picks for the concurrency",
    )
    args = parser.parse_args()
    workers = args.workers or worker_count(args.concurrency)

    calls = TURNS * 3 - 1
    waves = math.ceil(args.dialogues / args.concurrency)
    critical = calls * args.latency * waves
    print(
        f"{args.dialogues} dialogues x {calls} sequential calls, {args.latency * 1000:.0f} ms a call, "
        f"concurrency {args.concurrency}: critical path {calls} x {args.latency:g} x {waves} = {critical:.2f} s"
    )
    floor = args.dialogues * calls * args.latency / args.concurrency
    print(f"throughput bound (calls x latency / concurrency): {floor:.2f} s")
    print(
        f"{workers} process(es); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (the machine is shared)"
    )
    process, url = start_server(args.latency, all_roles_text())
    walls: list[float] = []
    try:
        for number in range(1, args.runs + 1):
            before = cpu_seconds()
            wall, turns = asyncio.run(one_run(args.bank, url, args.dialogues, args.concurrency, workers))
            cpu = cpu_seconds() - before
            walls.append(wall)
            spent = (
                f"client CPU {cpu:.2f} s ({cpu / (args.dialogues * calls) * 1000:.2f} ms a call)"
                if workers == 1
                else "client CPU not counted (the workers are children of the fork server)"
            )
            print(f"run {number}: {turns} turns in {wall:.2f} s, ratio {wall / critical:.3f}; {spent}")
    finally:
        process.terminate()
        process.wait(timeout=10)
    median = statistics.median(walls)
    verdict = "PASS" if median / critical <= TARGET_RATIO else "FAIL"
    print(
        f"median wall {median:.2f} s, ratio to critical path {median / critical:.3f} "
        f"(target <= {TARGET_RATIO}): {verdict}"
    )


if __name__ == "__main__":
    main()
