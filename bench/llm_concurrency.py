"""Benchmark of the LLM path (DESIGN.md section 8): many dialogues against a slow fake server.

100 dialogues x 10 turns x 3 calls a turn (the SAGE seeker's analysis and reply, then the agent's
reply). Calls within a dialogue are sequential; dialogues run concurrently. Every call goes through
`make_clients` -> ModelClient -> the openai backend -> the real openai SDK -> HTTP -> the fake
server (in its own process, so it does not share our GIL) adding 200 ms to every call.

    critical path = turns x calls per turn x latency x ceil(dialogues / concurrency)

is the wall time of running the dialogues in waves of `concurrency` with no overhead at all; the
target is wall <= 1.3 x critical path. With a semaphore per call rather than per dialogue a slot
never idles, so the floor is the throughput bound, calls x latency / concurrency, which is printed
too. Each measured run starts with an empty cache; a rerun on that cache must send 0 requests. The
CPU per call of the client and of the fake server are printed: both share the machine's cores.

    python bench/llm_concurrency.py            # 3 runs, prints each and the median
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from benchkit import fake_server_parser, start_server

from esc_cli.config import Settings
from esc_cli.llm.base import Message, Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.factory import make_clients

CALLS_PER_TURN = 3
SEEKER_ANALYSE = "You are a help-seeker in a support conversation. Analyse the supporter's last reply."
SEEKER_REPLY = "You are a help-seeker in a support conversation. Reply in character."
AGENT = "You are an emotional-support agent. Reply with warmth and one question."


def server_stats(url: str) -> dict[str, int]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    with opener.open(f"{url}/stats", timeout=5) as response:
        stats: dict[str, int] = json.loads(response.read())
    return stats


async def dialogue(clients: dict[str, ModelClient], number: int, turns: int) -> None:
    history: list[Message] = []
    for turn in range(turns):
        said = history[-1].content if history else "(the conversation starts)"
        await clients["seeker"].complete(
            Request(
                system=SEEKER_ANALYSE, messages=(Message(role="user", content=f"d{number} t{turn}: {said}"),)
            )
        )
        seeker = await clients["seeker"].complete(
            Request(system=SEEKER_REPLY, messages=(Message(role="user", content=f"d{number} t{turn} reply"),))
        )
        history.append(Message(role="user", content=seeker.text))
        agent = await clients["agent"].complete(Request(system=AGENT, messages=tuple(history)))
        history.append(Message(role="assistant", content=agent.text))


async def run_dialogues(settings: Settings, cache: Path, dialogues: int, turns: int) -> float:
    clients = make_clients(settings, ["agent", "seeker"], cache_path=cache)
    started = time.perf_counter()
    await asyncio.gather(*(dialogue(clients, d, turns) for d in range(dialogues)))
    wall = time.perf_counter() - started
    for client in clients.values():
        await client.aclose()
    return wall


def main() -> None:
    parser = fake_server_parser(__doc__)
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()

    calls = args.dialogues * args.turns * CALLS_PER_TURN
    waves = math.ceil(args.dialogues / args.concurrency)
    critical = args.turns * CALLS_PER_TURN * args.latency * waves
    floor = calls * args.latency / args.concurrency
    print(
        f"{args.dialogues} dialogues x {args.turns} turns x {CALLS_PER_TURN} calls = {calls} calls, "
        f"{args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}"
    )
    print(
        f"critical path = turns x calls/turn x latency x ceil(dialogues/concurrency) = "
        f"{args.turns} x {CALLS_PER_TURN} x {args.latency:g} x {waves} = {critical:.2f} s"
    )
    print(f"throughput bound = calls x latency / concurrency = {floor:.2f} s")

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (the machine is shared)")
    process, url = start_server(args.latency)
    walls: list[float] = []
    try:
        settings = Settings.model_validate(
            {
                "engine": "openai",
                "openai_base_url": f"{url}/v1",
                "concurrency": args.concurrency,
                "timeout": 30,
            }
        )
        for number in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory(prefix="esc-bench-") as tmp:
                cache = Path(tmp) / "cache.sqlite"
                stats = server_stats(url)
                before = stats["requests"]
                cpu = time.process_time()
                wall = asyncio.run(run_dialogues(settings, cache, args.dialogues, args.turns))
                cpu = time.process_time() - cpu
                after = server_stats(url)
                sent = after["requests"] - before
                server_cpu = (after["cpu_ms"] - stats["cpu_ms"]) / calls
                rerun = asyncio.run(run_dialogues(settings, cache, args.dialogues, args.turns))
                resent = server_stats(url)["requests"] - before - sent
            walls.append(wall)
            print(
                f"run {number}: wall {wall:.2f} s, ratio {wall / critical:.3f}, requests {sent}, "
                f"client CPU {cpu * 1000 / calls:.2f} ms a call, server CPU {server_cpu:.2f} ms a call; "
                f"cached rerun: {resent} requests in {rerun:.2f} s"
            )
            if resent != 0:
                raise SystemExit("FAIL: the cached rerun sent requests")
        peak = server_stats(url)["max_in_flight"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    median = statistics.median(walls)
    verdict = "PASS" if median / critical <= 1.3 else "FAIL"
    print(f"max in flight at the server: {peak} (limit {args.concurrency})")
    print(
        f"median wall {median:.2f} s, ratio to critical path {median / critical:.3f} (target <= 1.3): {verdict}"
    )


if __name__ == "__main__":
    main()
