"""Two attacks a fresh-clone check found: a folder where the cache file belongs, and a base URL that
is not a URL. Each is one line and exit 2, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import EscRunner


def test_a_folder_in_place_of_the_cache_is_one_line_and_left_alone(esc: EscRunner, seed_bank: Path) -> None:
    folder = seed_bank / ".esc" / "cache.sqlite"
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("mine\n", encoding="utf-8")
    result = esc("cache", "clear", cwd=seed_bank)
    assert result.code == 2
    assert (
        result.err
        == f"error: {folder}: is not a cache file (a folder or a device); move it away, then run again\n"
    )
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("url", ["http://[::1", "notaurl", "ftp://example.org/v1"])
def test_a_base_url_that_is_not_a_url_is_refused_before_any_call(
    esc: EscRunner, seed_bank: Path, url: str
) -> None:
    result = esc(
        "sim",
        "run",
        "--agent-backend",
        "openai",
        "--agent-base-url",
        url,
        "--agent-model",
        "m",
        "--seeds",
        "1",
        "--max-turns",
        "1",
        "--out",
        str(seed_bank / "runs" / "x"),
        cwd=seed_bank,
    )
    assert result.code == 2
    assert result.err == (
        f"error: the base URL of the agent role: {url!r} is not an http(s) URL with a host "
        "(give the server's URL, e.g. http://127.0.0.1:8080/v1)\n"
    )
    assert not (seed_bank / "runs" / "x").exists()
