"""Running many dialogues: the in-memory API that the CLI, evolve and verify call.

    dialogues = simulate_sync(skills, profiles, seeds=3, options=SimOptions())
    summary = summarise(dialogues)

Dialogues run concurrently as asyncio tasks; on the LLM path the model client's gate bounds the calls
in flight, and offline the tasks simply run one after another (the work is CPU-bound). Results always
come back, and `on_dialogue` is always called, in (profile, seed) order, whatever order they finish
in, so a run's `dialogues.jsonl` is the same bytes every time.

A dialogue whose model calls fail for good (retries used up, a reply that stays invalid after the
repair, an unreachable server, a timeout) ends as a record with `outcome` "error" and its `error`;
the other dialogues finish. `simulate` then raises `IncompleteRun` naming the first failure, unless
the caller keeps the failed records itself (`keep_failures`, as the run folder does for `--resume`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from contextlib import nullcontext

from esc_cli import aio
from esc_cli.bank.model import Skill
from esc_cli.errors import EscError, IncompleteRun
from esc_cli.sim.dialogue import run_dialogue
from esc_cli.sim.options import OFFLINE, SimOptions, build_engines, check_languages
from esc_cli.sim.profile import Profile
from esc_cli.sim.protocol import ERROR
from esc_cli.sim.records import Dialogue, dialogue_key
from esc_cli.sim.summary import summarise
from esc_cli.sim.warmup import warm_up

Progress = Callable[[int, int, Dialogue], None]
"""Called as each dialogue finishes: (finished so far, total to run, the dialogue)."""
OnDialogue = Callable[[Dialogue], None]
"""Called with each dialogue in (profile, seed) order, as soon as all before it are done."""

__all__ = [
    "OnDialogue",
    "Progress",
    "dialogue_key",
    "failed_dialogue",
    "incomplete",
    "jobs",
    "simulate",
    "simulate_sync",
    "summarise",
]


def failed_dialogue(profile: Profile, seed_index: int, error: EscError) -> Dialogue:
    """The record of a dialogue that could not finish: no turns, the start emotion, and the error."""
    return Dialogue(
        profile=profile.id,
        seed=seed_index,
        personality=profile.personality,
        intention=profile.intention,
        risk=profile.risk,
        first_message="",
        emotion_start=profile.emotion_start,
        turns=[],
        final_emotion=profile.emotion_start,
        outcome=ERROR,
        error=str(error),
    )


def incomplete(dialogues: Sequence[Dialogue], *, then: str = "") -> IncompleteRun | None:
    """The error that reports the failed dialogues among `dialogues` (None when none failed): how
    many, the first one's key and cause (whose own fix is in its last parentheses), and `then`."""
    failed = [d for d in dialogues if d.failed]
    if not failed:
        return None
    first = failed[0]
    text = f"{len(failed)} of {len(dialogues)} dialogues failed; first, {first.key}: {first.error}"
    return IncompleteRun(f"{text}; {then}" if then else text, {d.key: d.error for d in failed})


def seed_indices(seeds: int | Sequence[int]) -> list[int]:
    """Seed indices: a count N means 0..N-1."""
    return list(range(seeds)) if isinstance(seeds, int) else list(seeds)


def jobs(
    profiles: Sequence[Profile], seeds: int | Sequence[int], skip: Collection[str] = ()
) -> list[tuple[Profile, int]]:
    """The (profile, seed index) pairs to run, in run order, leaving out keys in `skip`."""
    return [(p, s) for p in profiles for s in seed_indices(seeds) if dialogue_key(p.id, s) not in skip]


def _spread(options: SimOptions) -> bool:
    """Worker processes: asked for, and every model role on a backend they can rebuild."""
    engines = {options.engine_of("agent"), options.engine_of("seeker")} - {OFFLINE}
    return options.workers > 1 and bool(engines) and engines <= {"anthropic", "openai"}


async def simulate(
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: int | Sequence[int] = 3,
    options: SimOptions | None = None,
    *,
    progress: Progress | None = None,
    on_dialogue: OnDialogue | None = None,
    skip: Collection[str] = (),
    keep_failures: bool = False,
) -> list[Dialogue]:
    """Run every (profile, seed) dialogue not in `skip`; return them in (profile, seed) order.

    A dialogue that fails returns as a failed record when `keep_failures`; otherwise the others
    finish and IncompleteRun is raised.
    """
    opts = options or SimOptions()
    check_languages(profiles, opts)
    todo = jobs(profiles, seeds, skip)
    batching = None
    if opts.agent_client is not None or opts.seeker_client is not None:
        from esc_cli.llm.batch import round_of  # only model-backed runs can be batched

        batching = round_of([opts.agent_client, opts.seeker_client])
    if batching is None and len(todo) > 1 and _spread(opts):
        from esc_cli.sim.workers import simulate_in_workers

        return await simulate_in_workers(
            skills,
            profiles,
            seed_indices(seeds),
            opts,
            todo,
            skip,
            progress=progress,
            on_dialogue=on_dialogue,
        )
    agent, seeker = build_engines(skills, opts)
    warm_up(skills, [p for p, _ in todo], opts)
    results: list[Dialogue | None] = [None] * len(todo)
    state = {"done": 0, "emitted": 0, "started": 0}
    # Batch mode: every dialogue is a member of the round, so each step goes out as one batch.
    if batching is not None:
        batching.join(len(todo))

    async def one(number: int, profile: Profile, seed_index: int) -> None:
        state["started"] += 1
        try:
            with batching.member() if batching is not None else nullcontext():
                dialogue = await run_dialogue(agent, seeker, profile, seed_index, max_turns=opts.max_turns)
        except EscError as error:
            dialogue = failed_dialogue(profile, seed_index, error)
        results[number] = dialogue
        state["done"] += 1
        if progress is not None:
            progress(state["done"], len(todo), dialogue)
        while state["emitted"] < len(todo) and (ready := results[state["emitted"]]) is not None:
            state["emitted"] += 1
            if on_dialogue is not None:
                on_dialogue(ready)

    # A failed dialogue is a record, not an exception, so the others always finish. What still
    # raises here is a bug, and the TaskGroup then cancels the rest.
    try:
        async with asyncio.TaskGroup() as group:
            for number, (profile, seed_index) in enumerate(todo):
                group.create_task(one(number, profile, seed_index))
    finally:
        if batching is not None:  # dialogues cancelled before they started never left the round
            batching.members -= len(todo) - state["started"]
    dialogues = [d for d in results if d is not None]
    problem = None if keep_failures else incomplete(dialogues)
    if problem is not None:
        raise problem
    return dialogues


def simulate_sync(
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: int | Sequence[int] = 3,
    options: SimOptions | None = None,
    *,
    progress: Progress | None = None,
    on_dialogue: OnDialogue | None = None,
    skip: Collection[str] = (),
) -> list[Dialogue]:
    """`simulate` for callers without an event loop (it starts one; do not call it from async code)."""
    return aio.run(
        simulate(skills, profiles, seeds, options, progress=progress, on_dialogue=on_dialogue, skip=skip)
    )
