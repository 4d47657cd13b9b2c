"""The call cache: one SQLite file (`.esc/cache.sqlite` in the bank) that remembers every model reply.

The key is the SHA-256 of the canonical JSON of everything that can change the answer: the backend
name, the server (base URL), the model, the JSON mode, and the request fields (system, messages,
max_tokens, temperature, seed, schema, cache hint). `Request.role` is left out: it is for
accounting, and two roles sending the same prompt make the same call. The client stores only
replies that passed validation.

Only what is in the Request and the Completion is stored, never headers or keys. The file is in WAL
mode so several processes can write; within a process one connection behind a lock serves every
task, and each query runs in a worker thread so a busy file never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path

from pydantic import BaseModel

from esc_cli.errors import ConfigError
from esc_cli.llm.base import Completion, Request
from esc_cli.secrets import scrub

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    server TEXT NOT NULL DEFAULT '',
    completion TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stats (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class ServerEntries(BaseModel):
    """Entries stored for one backend, server and model."""

    backend: str
    server: str
    model: str
    entries: int


class CacheStats(BaseModel):
    """What `esc cache stats` prints."""

    path: str
    entries: int = 0
    by_server: list[ServerEntries] = []
    hits: int = 0
    misses: int = 0
    tokens_saved: int = 0
    size_bytes: int = 0


def cache_key(backend: str, model: str, request: Request, *, server: str = "", json_mode: str = "") -> str:
    """The hash of everything that can change the answer."""
    payload = {
        "backend": backend,
        "server": server,
        "model": model,
        "json_mode": json_mode,
        "request": request.model_dump(mode="json", exclude={"role"}),
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CallCache:
    """A SQLite call cache. `get`/`put` are for async callers; `stats`/`clear` for the CLI."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across crashes of this process in WAL mode; a lost last entry after a
            # power cut costs one repeated call, not a corrupt cache.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(calls)")}
            if "server" not in columns:  # a cache written before entries named their server
                self._db.execute("ALTER TABLE calls ADD COLUMN server TEXT NOT NULL DEFAULT ''")
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"{path}: cannot open the call cache: {exc} (`esc cache clear` deletes it; a new one starts)"
            ) from exc

    def lookup(self, key: str) -> Completion | None:
        """The stored completion for `key`, counting a hit or a miss."""
        with self._lock:
            row = self._db.execute("SELECT completion, tokens FROM calls WHERE key = ?", (key,)).fetchone()
            if row is None:
                self._bump(misses=1)
                return None
            self._bump(hits=1, tokens_saved=int(row[1]))
        completion = Completion.model_validate_json(row[0])
        return completion.model_copy(update={"cached": True, "latency": 0.0})

    def store(self, key: str, backend: str, model: str, completion: Completion, *, server: str = "") -> None:
        usage = completion.usage
        tokens = usage.input_tokens + usage.output_tokens + usage.cache_read_tokens + usage.cache_write_tokens
        body = scrub(completion.model_copy(update={"cached": False}).model_dump_json())
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO calls (key, backend, model, server, completion, tokens, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, backend, model, server, body, tokens, time.time()),
            )

    async def get(self, key: str) -> Completion | None:
        return await asyncio.to_thread(self.lookup, key)

    async def put(
        self, key: str, backend: str, model: str, completion: Completion, *, server: str = ""
    ) -> None:
        await asyncio.to_thread(self.store, key, backend, model, completion, server=server)

    def _bump(self, **deltas: int) -> None:
        self._db.executemany(
            "INSERT INTO stats (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            list(deltas.items()),
        )

    def stats(self) -> CacheStats:
        with self._lock:
            entries = int(self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])
            counts = dict(self._db.execute("SELECT name, value FROM stats").fetchall())
            groups = self._db.execute(
                "SELECT backend, server, model, COUNT(*) FROM calls "
                "GROUP BY backend, server, model ORDER BY backend, server, model"
            ).fetchall()
        size = sum(p.stat().st_size for p in _files(self.path) if p.exists())
        return CacheStats(
            path=str(self.path),
            entries=entries,
            by_server=[
                ServerEntries(backend=b, server=srv, model=m, entries=int(n)) for b, srv, m, n in groups
            ],
            hits=int(counts.get("hits", 0)),
            misses=int(counts.get("misses", 0)),
            tokens_saved=int(counts.get("tokens_saved", 0)),
            size_bytes=size,
        )

    def clear(self) -> int:
        """Delete every entry and reset the counters. Returns how many entries there were."""
        with self._lock:
            removed = int(self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])
            self._db.execute("DELETE FROM calls")
            self._db.execute("DELETE FROM stats")
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _files(path: Path) -> tuple[Path, ...]:
    """The database and its WAL side files, which hold recent writes until a checkpoint."""
    return (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def clear_cache(path: Path) -> tuple[int, bool]:
    """Empty the cache at `path`: (entries removed, whether the file was unreadable and so deleted).

    A damaged file (not a database, truncated, a broken page) cannot be emptied with SQL, and holds
    nothing worth keeping: its files are deleted, so the next run starts a new cache.
    """
    if path.exists() and not path.is_file():
        # A folder (or a device) where the cache file belongs is not ours to delete.
        raise ConfigError(f"{path}: is not a cache file (a folder or a device); move it away, then run again")
    try:
        store = CallCache(path)
    except ConfigError:
        return _delete(path), True
    try:
        return store.clear(), False
    except sqlite3.Error:
        store.close()
        return _delete(path), True
    finally:
        with contextlib.suppress(sqlite3.Error):
            store.close()


def _delete(path: Path) -> int:
    for file in _files(path):
        file.unlink(missing_ok=True)
    return 0


def read_stats(path: Path) -> CacheStats:
    """Stats of the cache at `path` without creating it when it does not exist yet."""
    if not path.exists():
        return CacheStats(path=str(path))
    cache = CallCache(path)
    try:
        return cache.stats()
    finally:
        cache.close()
