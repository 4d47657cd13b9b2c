"""Dialogues spread over worker processes, for concurrencies one Python process cannot feed.

One process spends about 1.0-1.4 ms of CPU on each simulated model call (the prompt, the SDK, the
HTTP transport, parsing, the cache), so at 200 ms a call it keeps about `PER_PROCESS` calls in
flight before CPU, not the server, sets the pace. A worker costs seconds of CPU to start (the
judge's text encoder loads in each), so workers pay only above that and on free cores. Above it, the
runner starts `worker_count(concurrency)` processes (never more than the machine has CPUs), deals the
dialogues out to them in turn, and gives each its share of the concurrency. Each worker rebuilds the
model clients from a picklable recipe (backend, model, server, cache file, retries, prices), runs
its dialogues on its own event loop, and sends every finished dialogue back; the parent emits them
in (profile, seed) order as a single process would, and adds the workers' usage to its ledger. The
call cache is the same SQLite file (WAL mode takes writers from several processes), so cached
replies are shared and a rerun makes no calls. Batch mode never uses workers: its calls wait for a
batch, not for CPU.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import multiprocessing
import os
import pickle
import queue as queue_module
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from esc_cli.bank.model import Skill
from esc_cli.errors import BackendError, EscError
from esc_cli.llm.accounting import Ledger, PriceTable, RoleUsage
from esc_cli.llm.cache import CallCache
from esc_cli.llm.client import Gate, ModelClient, aclose_all
from esc_cli.llm.factory import RoleChoice, make_backend
from esc_cli.llm.retry import RetryPolicy
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profile import Profile
from esc_cli.sim.records import Dialogue, dialogue_key

PER_PROCESS = 100
"""Model calls in flight that one process feeds at 200 ms a call before its CPU binds (measured
with bench/sim_llm.py: at 100 in flight one process beat two workers on a 2-core machine)."""


# Imported once in the fork server, so each worker forks from a warm interpreter instead of importing
# the SDKs and the labeller again (about a second of CPU each).
PRELOAD = [
    "esc_cli.sim.workers",
    "esc_cli.sim.runner",
    "esc_cli.sim.agent_llm",
    "esc_cli.sim.seeker_llm",
    "openai",
]


def _context() -> Any:
    """A fork server where the platform has one (a clean process, no inherited loop or sockets, but
    warm imports); spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def worker_count(concurrency: int, cpus: int | None = None) -> int:
    """Processes for `concurrency` calls in flight: one per PER_PROCESS, at most one per CPU."""
    return max(1, min(cpus or os.cpu_count() or 1, math.ceil(concurrency / PER_PROCESS)))


@dataclass(frozen=True)
class ClientRecipe:
    """What rebuilds a role's ModelClient in another process."""

    role: str
    backend: str
    model: str
    base_url: str | None
    timeout: float
    max_attempts: int
    cache_path: str | None
    prices: dict[str, dict[str, float]]

    @classmethod
    def of(cls, client: ModelClient) -> ClientRecipe:
        backend: Any = client.backend
        prices = {name: price.model_dump() for name, price in client.ledger.prices.prices.items()}
        return cls(
            role=client.role,
            backend=backend.name,
            model=backend.model,
            base_url=getattr(backend, "base_url", None),
            timeout=float(getattr(backend, "timeout", 60.0)),
            max_attempts=client.retry.max_attempts,
            cache_path=str(client.cache.path) if client.cache is not None else None,
            prices=prices,
        )

    def build(self, ledger: Ledger, gate: Gate) -> ModelClient:
        choice = RoleChoice(role=self.role, backend=self.backend, model=self.model, base_url=self.base_url)
        cache = CallCache(Path(self.cache_path)) if self.cache_path else None
        return ModelClient(
            make_backend(choice, timeout=self.timeout),
            role=self.role,
            cache=cache,
            retry=RetryPolicy(max_attempts=self.max_attempts),
            gate=gate,
            ledger=ledger,
            owns_cache=cache is not None,
        )


@dataclass
class WorkerPlan:
    """One worker's share of a run."""

    skills: list[Skill]
    profiles: list[Profile]
    seeds: list[int]
    skip: set[str]
    options: SimOptions
    agent: ClientRecipe | None
    seeker: ClientRecipe | None
    concurrency: int


def _worker(plan: WorkerPlan, queue: Queue[tuple[str, Any]]) -> None:
    """A worker process: run the plan, send each dialogue, then the usage, then 'done'."""
    try:
        asyncio.run(_work(plan, queue))
    except BaseException as exc:  # anything at all must reach the parent, or it waits forever
        try:
            payload: Any = pickle.dumps(exc)
            pickle.loads(payload)
        except Exception:
            payload = None
        queue.put(("error", (payload, f"{type(exc).__name__}: {exc}")))
    finally:
        queue.put(("done", None))


async def _work(plan: WorkerPlan, queue: Queue[tuple[str, Any]]) -> None:
    from esc_cli.sim.runner import simulate

    recipes = [r for r in (plan.agent, plan.seeker) if r is not None]
    ledger = Ledger(PriceTable(recipes[0].prices if recipes else {}))
    gates: dict[tuple[str, str | None], Gate] = {}
    built: dict[str, ModelClient] = {}
    for recipe in recipes:
        gate = gates.setdefault((recipe.backend, recipe.base_url), Gate(plan.concurrency))
        built[recipe.role] = recipe.build(ledger, gate)
    options = dataclasses.replace(
        plan.options, agent_client=built.get("agent"), seeker_client=built.get("seeker"), workers=1
    )
    try:
        await simulate(
            plan.skills,
            plan.profiles,
            plan.seeds,
            options,
            on_dialogue=lambda d: queue.put(("dialogue", d.model_dump_json())),
            skip=plan.skip,
        )
    finally:
        await aclose_all(built.values())
        queue.put(("usage", [row.model_dump() for row in ledger.rows()]))


def _next(queue: Queue[tuple[str, Any]]) -> tuple[str, Any] | None:
    """The next message, or None after a second of silence (so a dead worker cannot hang the run)."""
    try:
        return queue.get(timeout=1.0)
    except queue_module.Empty:
        return None


async def simulate_in_workers(
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: Sequence[int],
    options: SimOptions,
    todo: Sequence[tuple[Profile, int]],
    skip: Collection[str],
    *,
    progress: Callable[[int, int, Dialogue], None] | None = None,
    on_dialogue: Callable[[Dialogue], None] | None = None,
) -> list[Dialogue]:
    """Run `todo` over `options.workers` processes; same results, same order, as one process."""
    workers = max(1, min(options.workers, len(todo)))
    clients = [c for c in (options.agent_client, options.seeker_client) if c is not None]
    concurrency = clients[0].gate.limit if clients else 1
    keys = [dialogue_key(p.id, s) for p, s in todo]
    every = {dialogue_key(p.id, s) for p in profiles for s in seeds}
    context = _context()
    queue: Queue[tuple[str, Any]] = context.Queue()
    bare = dataclasses.replace(options, agent_client=None, seeker_client=None, labeller=None, workers=1)
    processes = []
    for number in range(workers):
        share = set(keys[number::workers])
        plan = WorkerPlan(
            skills=skills,
            profiles=list(profiles),
            seeds=list(seeds),
            skip=(every - share) | set(skip),
            options=bare,
            agent=ClientRecipe.of(options.agent_client) if options.agent_client is not None else None,
            seeker=ClientRecipe.of(options.seeker_client) if options.seeker_client is not None else None,
            concurrency=max(1, math.ceil(concurrency / workers)),
        )
        process = context.Process(target=_worker, args=(plan, queue), daemon=True, name=f"esc-sim-{number}")
        process.start()
        processes.append(process)

    results: dict[str, Dialogue] = {}
    emitted = 0
    failure: tuple[Any, str] | None = None
    done = 0
    try:
        while done < workers:
            message = await asyncio.to_thread(_next, queue)
            if message is None:
                if any(process.is_alive() for process in processes):
                    continue
                break  # every worker is gone without saying done (killed): report what is missing
            kind, payload = message
            if kind == "dialogue":
                dialogue = Dialogue.model_validate_json(payload)
                results[dialogue.key] = dialogue
                if progress is not None:
                    progress(len(results), len(todo), dialogue)
                while emitted < len(keys) and keys[emitted] in results:
                    if on_dialogue is not None:
                        on_dialogue(results[keys[emitted]])
                    emitted += 1
            elif kind == "usage" and clients:
                clients[0].ledger.merge(RoleUsage.model_validate(row) for row in payload)
            elif kind == "error" and failure is None:
                failure = payload
                for process in processes:  # one failed for good: stop the others, as a TaskGroup would
                    if process.is_alive():
                        process.terminate()
                break
            elif kind == "done":
                done += 1
    finally:
        for process in processes:
            process.join(timeout=10)
    if failure is not None:
        pickled, text = failure
        if pickled is not None:
            raise pickle.loads(pickled)
        raise BackendError(f"a simulation worker failed: {text}")
    missing = [key for key in keys if key not in results]
    if missing:
        raise EscError(f"simulation workers ended without {len(missing)} dialogue(s), e.g. {missing[0]}")
    return [results[key] for key in keys]
