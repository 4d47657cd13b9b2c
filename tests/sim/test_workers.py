"""Dialogues spread over worker processes: the same dialogues, order and usage as one process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_llm_path import kind_of, scripted

from esc_cli.bank.load import load_skills
from esc_cli.config import Settings
from esc_cli.errors import BackendError
from esc_cli.llm.factory import make_clients
from esc_cli.llm.fake_server import FakeServer, Fault
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.records import Dialogue
from esc_cli.sim.runner import simulate
from esc_cli.sim.workers import PER_PROCESS, worker_count


def test_worker_count_follows_the_concurrency_and_the_cpus() -> None:
    assert worker_count(8, cpus=2) == 1
    assert worker_count(PER_PROCESS + 1, cpus=2) == 2
    assert worker_count(100, cpus=2) == 1  # the lean transport feeds 100 calls in flight from one process
    assert worker_count(512, cpus=2) == 2 and worker_count(512, cpus=64) == 6


def run_sim(
    bank: Path, url: str, workers: int, cache: Path | None
) -> tuple[list[Dialogue], list[tuple[str, int]]]:
    settings = Settings.model_validate({"engine": "openai", "openai_base_url": url, "max_attempts": 1})
    clients = make_clients(
        settings, ["agent", "seeker"], concurrency=8, no_cache=cache is None, cache_path=cache
    )
    profiles = load_profile_set(bank / "profiles" / "verify")[:3]
    options = SimOptions(
        max_turns=3,
        agent_client=clients["agent"],
        seeker_client=clients["seeker"],
        prompts_dir=bank / "prompts",
        workers=workers,
    )
    emitted: list[str] = []

    async def go() -> list[Dialogue]:
        try:
            return await simulate(
                load_skills(bank / "skills"),
                profiles,
                2,
                options,
                on_dialogue=lambda d: emitted.append(d.key),
            )
        finally:
            for client in clients.values():
                await client.aclose()

    dialogues = asyncio.run(go())
    assert emitted == [d.key for d in dialogues]  # streamed in (profile, seed) order
    usage = [(row.role, row.calls) for row in clients["agent"].ledger.rows()]
    return dialogues, usage


def test_two_workers_give_the_dialogues_of_one_process(bank: Path, tmp_path: Path) -> None:
    with FakeServer(reply=scripted) as server:
        alone, usage_alone = run_sim(bank, server.openai_base_url, 1, None)
        spread, usage_spread = run_sim(bank, server.openai_base_url, 2, tmp_path / "cache.sqlite")
        sent = len(server.bodies)
        # The workers wrote the shared cache: a rerun in one process sends nothing.
        again, _ = run_sim(bank, server.openai_base_url, 1, tmp_path / "cache.sqlite")
        assert len(server.bodies) == sent
    assert (
        [d.model_dump() for d in spread] == [d.model_dump() for d in alone] == [d.model_dump() for d in again]
    )
    assert usage_spread == usage_alone and sum(calls for _, calls in usage_alone) == sent // 2
    assert {kind_of(b) for b in server.bodies} == {"agent", "analyze", "reply"}


def test_a_final_error_in_a_worker_fails_the_run_with_its_message(bank: Path) -> None:
    server = FakeServer(reply=scripted, faults=[Fault.status_code(401)] * 50)
    with server, pytest.raises(BaseException) as caught:
        run_sim(bank, server.openai_base_url, 2, None)
    # The worker's own error, as one process raises it (a TaskGroup's group of BackendErrors).
    leaves = caught.value.exceptions if isinstance(caught.value, BaseExceptionGroup) else (caught.value,)
    assert leaves and all(isinstance(e, BackendError) and "401 unauthorized" in str(e) for e in leaves)
