"""`esc cache stats` and `esc cache clear` in a real temporary bank, and the shared model flags."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

import click
from click.testing import CliRunner

from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.config import load_bank
from esc_cli.llm.factory import make_client

from .llm_helpers import ask, run


class EscRunner(Protocol):
    """The `esc` fixture of tests/conftest.py: runs `esc ARGS` in-process, returns code, out, err."""

    def __call__(self, *args: str, cwd: Path | None = None) -> Any: ...


def _bank(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.esc]\nengine = "offline"\n', encoding="utf-8")
    return tmp_path


def test_cache_stats_and_clear(esc: EscRunner, tmp_path: Path) -> None:
    bank_dir = _bank(tmp_path)
    empty = esc("--bank", str(bank_dir), "cache", "stats")
    assert empty.code == 0
    assert "entries       0\n" in empty.out and "size          0 B\n" in empty.out
    assert not (bank_dir / ".esc").exists()  # looking does not create the cache

    client = make_client(load_bank(bank_dir), "agent", backend="scripted")
    for text in ("a", "b", "a"):
        run(client.complete(ask(text)))
    run(client.aclose())

    stats = esc("--bank", str(bank_dir), "cache", "stats")
    assert stats.code == 0
    head, _, per_server = stats.out.partition("\n\n")
    lines = dict(
        line.split(None, 1) if not line.startswith("tokens") else ("tokens saved", line[14:])
        for line in head.splitlines()
    )
    # The per-server table: the scripted backend has no server, and both entries are its model's.
    assert per_server.splitlines()[1].split() == ["2", "scripted", "(default", "server)", "/", "scripted"]
    assert lines["cache"] == str(bank_dir / ".esc" / "cache.sqlite")
    assert (lines["entries"], lines["hits"], lines["misses"]) == ("2", "1", "2")
    assert int(lines["tokens saved"]) > 0
    assert lines["size"].endswith("KiB")

    cleared = esc("--bank", str(bank_dir), "cache", "clear")
    assert cleared.code == 0
    assert cleared.out == f"cleared 2 entries from {bank_dir / '.esc' / 'cache.sqlite'}\n"
    after = esc("--bank", str(bank_dir), "cache", "stats")
    assert "entries       0\n" in after.out and "hits          0\n" in after.out


def test_cache_clear_embeddings_deletes_the_store_too(
    esc: EscRunner, seed_bank: Path, tmp_path: Path
) -> None:
    bank_dir = seed_bank
    store = bank_dir / ".esc" / "embeddings.npz"
    store.parent.mkdir()
    store.write_bytes(b"\0" * 2048)  # what a run leaves (its content does not matter here)
    stats = esc("--bank", str(bank_dir), "cache", "stats")
    assert f"embeddings    {store} (2.0 KiB)" in stats.out
    kept = esc("--bank", str(bank_dir), "cache", "clear")
    assert kept.code == 0 and store.is_file()  # without the flag, only model replies go
    cleared = esc("--bank", str(bank_dir), "cache", "clear", "--embeddings")
    assert cleared.code == 0
    assert cleared.out.splitlines()[0] == f"deleted {store}"
    assert not store.exists()
    again = esc("--bank", str(bank_dir), "cache", "clear", "--embeddings")
    assert again.out.splitlines()[0] == f"no embedding store to delete: {store} does not exist"
    after = esc("--bank", str(bank_dir), "cache", "stats", "--format", "json")
    assert '"size_bytes": 0' in after.out


def test_a_store_path_that_is_not_a_file_is_named_and_never_touched(esc: EscRunner, seed_bank: Path) -> None:
    store = seed_bank / ".esc" / "embeddings.npz"
    store.parent.mkdir()
    os.mkfifo(store)
    stats = esc("--bank", str(seed_bank), "cache", "stats")
    assert f"embeddings    {store} (a pipe, not a file: it is never read or written; remove it)" in stats.out
    payload = json.loads(esc("--bank", str(seed_bank), "cache", "stats", "--format", "json").out)
    assert payload["embedding_store"] == {"path": str(store), "exists": False, "size_bytes": 0}
    store.unlink()
    store.mkdir()
    refused = esc("--bank", str(seed_bank), "cache", "clear", "--embeddings")
    assert refused.code == 2
    assert refused.err == f"error: {store}: is a folder, not an embedding store (remove it by hand)\n"
    assert store.is_dir()


def test_cache_clear_without_a_cache(esc: EscRunner, tmp_path: Path) -> None:
    result = esc("--bank", str(_bank(tmp_path)), "cache", "clear")
    assert result.code == 0
    assert result.out.startswith("nothing to clear: ")


def test_cache_outside_a_bank_is_a_config_error(esc: EscRunner, tmp_path: Path) -> None:
    result = esc("cache", "stats", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("error: no bank found from ")


def test_llm_options_collect_into_one_argument() -> None:
    seen: list[LLMChoices] = []

    @click.command()
    @llm_options("agent", "seeker", shared=True)
    @click.option("--seeds", type=int, default=1)
    def command(seeds: int, llm: LLMChoices) -> None:
        assert seeds == 2
        seen.append(llm)

    result = CliRunner().invoke(
        command,
        [
            "--seeds",
            "2",
            "--backend",
            "openai",
            "--agent-backend",
            "anthropic",
            "--seeker-model",
            "qwen",
            "--no-cache",
            "--concurrency",
            "16",
        ],
    )
    assert result.exit_code == 0, result.output
    [llm] = seen
    assert llm.flags == {"agent": {"backend": "anthropic"}, "seeker": {"backend": "openai", "model": "qwen"}}
    assert (llm.no_cache, llm.concurrency) == (True, 16)

    help_text = CliRunner().invoke(command, ["--help"]).output
    for flag in ("--agent-backend", "--seeker-base-url", "--backend", "--no-cache", "--concurrency N"):
        assert flag in help_text


def test_llm_choices_resolve_against_the_bank(tmp_path: Path) -> None:
    bank = load_bank(_bank(tmp_path))
    llm = LLMChoices(flags={"seeker": {"backend": "scripted"}}, no_cache=True)
    assert llm.backend_for(bank, "agent") == "offline"
    clients = llm.clients(bank, ["agent", "seeker"])
    assert list(clients) == ["seeker"]  # offline roles are left to their own implementation
    assert clients["seeker"].cache is None
