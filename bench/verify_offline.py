"""Benchmark of `esc skill verify` (DESIGN section 8, issue 8).

1. Offline: the verify of a one-skill change on the seed bank (20 verify profiles x 3 seeds, base and
   head), timed end to end through `verify()` as the CLI runs it. Target: under 20 s. Median of runs.
2. LLM path: the same change verified twice with an LLM agent and an LLM seeker against the local fake
   OpenAI-compatible server, with the call cache on. Prints the calls of each verify; the cache must
   bring the second to 0.

    python bench/verify_offline.py [--runs 3] [--llm-seeds 1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchkit import all_roles_text, seed_repo

from esc_cli.config import load_bank
from esc_cli.llm.factory import make_clients
from esc_cli.llm.fake_server import FakeServer
from esc_cli.sim.options import SimOptions
from esc_cli.verify.gate import VerifyRequest, verify

TARGET_SECONDS = 20.0
CHANGED = "skills/validate-normalise.md"


def make_repo(root: Path) -> Path:
    """A git repository holding the seed bank, with an uncommitted one-skill change that bumps its version."""
    bank = seed_repo(root)
    path = bank / CHANGED
    text = path.read_text(encoding="utf-8").replace("version: 1\n", "version: 2\n", 1)
    path.write_text(
        text.replace("priority: 0\n", "", 1).replace("\nstrategies:", "\npriority: 5\nstrategies:", 1),
        encoding="utf-8",
    )
    return bank


def offline(bank: Path, runs: int) -> None:
    walls: list[float] = []
    for number in range(1, runs + 1):
        started = time.perf_counter()
        outcome = verify(load_bank(bank), VerifyRequest(out=bank / ".esc" / "verify"))
        walls.append(time.perf_counter() - started)
        print(
            f"offline run {number}: {walls[-1]:.2f} s, verdict {outcome.verdict} "
            f"(failed: {', '.join(c.name for c in outcome.criteria if not c.passed) or 'none'}), "
            f"{len(outcome.pairs)} pairs"
        )
    median = statistics.median(walls)
    verdict = "PASS" if median < TARGET_SECONDS else "FAIL"
    print(
        f"offline verify of a one-skill change: median {median:.2f} s (target < {TARGET_SECONDS:g} s): {verdict}"
    )


def llm(bank: Path, seeds: int) -> None:
    counts: list[int] = []
    with FakeServer(reply=lambda _body: all_roles_text()) as server:
        overrides = {
            role: {"backend": "openai", "base_url": server.openai_base_url, "model": "fake"}
            for role in ("agent", "seeker")
        }
        for number in (1, 2):
            clients = make_clients(load_bank(bank), ["agent", "seeker"], overrides=overrides)
            options = SimOptions(agent_client=clients["agent"], seeker_client=clients["seeker"])
            before = server.requests
            started = time.perf_counter()
            verify(
                load_bank(bank), VerifyRequest(out=bank / ".esc" / "verify-llm", seeds=seeds, options=options)
            )
            counts.append(server.requests - before)
            print(f"LLM verify {number}: {counts[-1]} model calls, {time.perf_counter() - started:.2f} s")
    verdict = "PASS" if counts[1] == 0 else "FAIL"
    print(f"second verify of the same change made {counts[1]} model calls (target 0): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--llm-seeds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="esc-bench-verify-") as folder:
        bank = make_repo(Path(folder))
        offline(bank, args.runs)
        llm(bank, args.llm_seeds)


if __name__ == "__main__":
    main()
