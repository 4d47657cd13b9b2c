"""Extraction across processes, to JSON lines: what `esc iu extract` and the benchmark run.

Dialogues are cut into contiguous chunks; forked workers turn each chunk into IU JSON lines, and the
lines come back in input order, so the output is the same byte for byte whatever the worker count.
Workers return text, not objects: pickling 17k pydantic records costs more than extracting them.
Where `fork` is not available (Windows, macOS defaults) it runs in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from esc_cli.data.dialogue import Dialogue
from esc_cli.iu.extract import DEFAULT_CONTEXT, Progress, dialogue_ius
from esc_cli.iu.labeller import OfflineLabeller
from esc_cli.iu.store import dump_iu

CHUNK_DIALOGUES = 40


@dataclass
class ChunkResult:
    """The JSON lines of one chunk of dialogues and what the summary needs from them."""

    lines: list[str] = field(default_factory=list)
    utterances: int = 0
    key: int = 0


# Set in the parent just before forking, read by the workers: forked children inherit it, so the
# labeller (VADER lexicon, model weights) is never pickled.
_JOB: tuple[OfflineLabeller, int] | None = None


def _run_chunk(chunk: Sequence[Dialogue]) -> ChunkResult:
    assert _JOB is not None, "worker started without a job"
    labeller, context = _JOB
    result = ChunkResult()
    for dialogue in chunk:
        for iu in dialogue_ius(dialogue, labeller, context=context):
            result.lines.append(dump_iu(iu))
            result.key += iu.key
        result.utterances += len(dialogue.utterances)
    return result


def default_workers() -> int:
    """One worker per CPU this process may use, at most 8."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:
        count = os.cpu_count() or 1
    return max(1, min(8, count))


def extract_chunks(
    dialogues: Sequence[Dialogue],
    labeller: OfflineLabeller,
    *,
    context: int = DEFAULT_CONTEXT,
    workers: int = 1,
    progress: Progress | None = None,
) -> Iterator[ChunkResult]:
    """Chunks of IU JSON lines in input order; `progress(n)` after each chunk with its utterances."""
    global _JOB
    chunks = [dialogues[i : i + CHUNK_DIALOGUES] for i in range(0, len(dialogues), CHUNK_DIALOGUES)]
    _JOB = (labeller, context)
    try:
        if workers <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            results: Iterator[ChunkResult] = map(_run_chunk, chunks)
            yield from _reporting(results, progress)
            return
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            yield from _reporting(pool.imap(_run_chunk, chunks), progress)
    finally:
        _JOB = None


def _reporting(results: Iterator[ChunkResult], progress: Progress | None) -> Iterator[ChunkResult]:
    for result in results:
        if progress is not None:
            progress(result.utterances)
        yield result
