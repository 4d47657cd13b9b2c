"""Benchmark of the JSON-mode fallback (`--json-mode auto`) against servers that refuse `json_schema`.

1. Extra calls per server per run. A small run (agent and seeker on one fake server) against each
   kind of server the README's recipes meet; the fallback's probe costs the calls printed here:

       accepts json_schema           vLLM, Ollama, llama.cpp's own server, OpenAI
       400 on json_schema            servers that know only json_object
       500 naming response_format    llama-cpp-python
       refuses json_schema and json_object   only instructions in the prompt work

2. Wall time. 100 dialogues (10 turns, 29 sequential calls each) at 200 ms a call against a server
   that refuses json_schema with llama-cpp-python's 500, at concurrency 32, compared with the
   critical path (calls per dialogue x latency x ceil(dialogues / concurrency)), as bench/sim_llm.py
   measures it for a server that accepts json_schema. Target: median wall <= 1.3 x critical path.
   Runs alternate with a server that accepts json_schema, whose ratio is printed too: on a busy
   machine both slow down alike, and refusing / accepting is what the fallback itself costs.

    python bench/llm_fallback.py [--dialogues 100] [--concurrency 32] [--latency 0.2] [--runs 3]
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from pathlib import Path

from benchkit import all_roles_text, fake_server_parser, start_server
from sim_llm import TARGET_RATIO, TURNS, profiles_and_seeds

from esc_cli.bank.load import load_skills
from esc_cli.config import Settings
from esc_cli.llm.factory import make_clients
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.runner import simulate

SERVERS = {
    "accepts json_schema (vLLM, Ollama, llama.cpp server)": [],
    "400 on json_schema": ["--refuse-json-schema", "400"],
    "500 naming response_format (llama-cpp-python)": ["--refuse-json-schema", "500"],
    "refuses json_schema and json_object": ["--refuse-json-schema", "422", "--refuse-json-object"],
}


async def one_run(
    bank: Path, url: str, dialogues: int, concurrency: int
) -> tuple[float, int, dict[str, int], list[str]]:
    """Wall seconds, turns, extra calls per server and the JSON-mode notes of one run (no cache)."""
    notes: list[str] = []
    settings = Settings.model_validate(
        {"engine": "openai", "openai_base_url": f"{url}/v1", "concurrency": concurrency, "timeout": 60}
    )
    clients = make_clients(
        settings, ["agent", "seeker"], no_cache=True, concurrency=concurrency, notify=notes.append
    )
    skills = load_skills(bank / "skills")
    profiles, seeds = profiles_and_seeds(load_profile_set(bank / "profiles"), dialogues)
    options = SimOptions(
        agent_client=clients["agent"], seeker_client=clients["seeker"], prompts_dir=bank / "prompts"
    )
    started = time.perf_counter()
    done = await simulate(skills, profiles, seeds, options)
    wall = time.perf_counter() - started
    extra = clients["agent"].backend.modes.extra_calls()  # type: ignore[attr-defined]
    for client in clients.values():
        await client.aclose()
    return wall, sum(len(d.turns) for d in done), extra, notes


def extra_calls(bank: Path) -> None:
    print("extra calls the fallback adds, per server per run (10 dialogues of 10 turns, agent and seeker):")
    for kind, flags in SERVERS.items():
        process, url = start_server(0.01, all_roles_text(), flags)
        try:
            _wall, _turns, extra, notes = asyncio.run(one_run(bank, url, 10, 8))
        finally:
            process.terminate()
            process.wait(timeout=10)
        count = sum(extra.values())
        mode = notes[0].split(": ", 1)[1] if notes else "?"
        print(f"  {kind:<52} {count} extra call{'s' if count != 1 else ''} per run; mode {mode}")


def wall_time(bank: Path, dialogues: int, concurrency: int, latency: float, runs: int) -> None:
    calls = TURNS * 3 - 1
    waves = math.ceil(dialogues / concurrency)
    critical = calls * latency * waves
    print(
        f"{dialogues} dialogues x {calls} sequential calls, {latency * 1000:.0f} ms a call, concurrency "
        f"{concurrency}: critical path {calls} x {latency:g} x {waves} = {critical:.2f} s"
    )
    # Runs alternate between a server that refuses json_schema and one that accepts it, so a busy
    # machine slows both alike and their ratio shows what the fallback itself costs.
    servers = {
        "refuses json_schema (500)": start_server(latency, all_roles_text(), ["--refuse-json-schema", "500"]),
        "accepts json_schema": start_server(latency, all_roles_text()),
    }
    walls: dict[str, list[float]] = {name: [] for name in servers}
    try:
        for number in range(1, runs + 1):
            for name, (_process, url) in servers.items():
                wall, turns, extra, _notes = asyncio.run(one_run(bank, url, dialogues, concurrency))
                walls[name].append(wall)
                print(
                    f"run {number}, server {name}: {turns} turns in {wall:.2f} s, "
                    f"ratio {wall / critical:.3f}, fallback extra calls {sum(extra.values())}"
                )
    finally:
        for process, _url in servers.values():
            process.terminate()
            process.wait(timeout=10)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    refusing, accepting = medians["refuses json_schema (500)"], medians["accepts json_schema"]
    verdict = "PASS" if refusing / critical <= TARGET_RATIO else "FAIL"
    print(
        f"median wall, server refusing json_schema: {refusing:.2f} s, ratio to critical path "
        f"{refusing / critical:.3f} (target <= {TARGET_RATIO}): {verdict}"
    )
    print(
        f"median wall, server accepting json_schema: {accepting:.2f} s, ratio {accepting / critical:.3f}; "
        f"refusing / accepting: {refusing / accepting:.3f}"
    )


def main() -> None:
    parser = fake_server_parser(__doc__, bank=True)
    args = parser.parse_args()
    extra_calls(args.bank)
    wall_time(args.bank, args.dialogues, args.concurrency, args.latency, args.runs)


if __name__ == "__main__":
    main()
