"""The batch journal: `batches.jsonl` in a run folder, one line per batch submitted.

    {"batch": "msgbatch_...", "provider": "anthropic", "server": "", "model": "...", "ids": [...],
     "submitted": "2026-12-04T18:00:00Z"}

A line is written (and flushed to disk) as soon as the provider accepts a batch. A run killed while
its batch is processing finds the batch here when it is started again: every request whose custom
id is in a journaled batch is collected by polling that batch, not sent again. A torn last line (a
kill in mid-write) is ignored; the batch it named is then submitted once more.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FILENAME = "batches.jsonl"


@dataclass(frozen=True)
class JournalEntry:
    batch: str
    provider: str
    server: str
    model: str
    ids: tuple[str, ...]


class BatchJournal:
    """Which batch holds which request, on disk (or in memory only when `path` is None)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._where: dict[tuple[str, str, str], str] = {}
        self.entries: list[JournalEntry] = []
        if path is not None and path.exists():
            for entry in _read(path):
                self._index(entry)

    def _index(self, entry: JournalEntry) -> None:
        self.entries.append(entry)
        for custom_id in entry.ids:
            self._where[(entry.provider, entry.server, custom_id)] = entry.batch

    def find(self, provider: str, server: str, custom_id: str) -> str | None:
        """The journaled batch that holds this request, if any."""
        return self._where.get((provider, server, custom_id))

    def forget(self, provider: str, server: str, custom_id: str) -> None:
        """The journaled batch gave no usable answer for this request: send it again next time."""
        self._where.pop((provider, server, custom_id), None)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._index(entry)
            if self.path is None:
                return
            line = {
                "batch": entry.batch,
                "provider": entry.provider,
                "server": entry.server,
                "model": entry.model,
                "ids": list(entry.ids),
                "submitted": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())


def _read(path: Path) -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            line = json.loads(raw)
            entries.append(
                JournalEntry(
                    batch=str(line["batch"]),
                    provider=str(line["provider"]),
                    server=str(line.get("server", "")),
                    model=str(line.get("model", "")),
                    ids=tuple(str(i) for i in line["ids"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue  # a torn line from a kill in mid-write: its batch is submitted again
    return entries


def read_journal(folder: Path) -> list[JournalEntry]:
    """The batches a run folder's journal names (none when it has no journal)."""
    path = folder / FILENAME
    return _read(path) if path.exists() else []
