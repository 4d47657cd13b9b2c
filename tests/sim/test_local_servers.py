"""`esc sim run` against the fake server behaving like the local servers of the README's recipes.

Real openai SDK, real sockets. Each quirk ends in a complete run, or in an incomplete one with exit 2
and one line naming the cause and the fix; nothing that failed validation is cached, `--resume`
finishes only the failed dialogues, and no traceback reaches stderr.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sim_helpers import EscRunner
from testkit import commit_repo

from esc_cli.llm.fake_server import FakeServer, refused_port
from esc_cli.llm.fake_wire import echo_text
from esc_cli.sim.profiles_io import load_profile

CRISIS = "verify-archivist-numb-winter"
PLAIN = "verify-grad-student-thesis"
TURNS = 3
# Per dialogue: TURNS agent calls, TURNS analyses, TURNS - 1 seeker replies.
CALLS_PER_DIALOGUE = 3 * TURNS - 1


@pytest.fixture
def local_bank(bank: Path) -> Path:
    """The seed bank with two profiles and quick retries (two attempts)."""
    chosen = bank / "profiles" / "two"
    chosen.mkdir()
    for name in (CRISIS, PLAIN):
        (chosen / f"{name}.yaml").write_bytes((bank / "profiles" / "verify" / f"{name}.yaml").read_bytes())
    pyproject = bank / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace("[tool.esc]\n", "[tool.esc]\nmax_attempts = 2\n", 1),
        encoding="utf-8",
    )
    return bank


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


def sim(esc: EscRunner, bank: Path, out: Path, url: str, *extra: str) -> Any:
    """`esc sim run` of both profiles, one seed, with agent and seeker on the server at `url`."""
    return esc(
        *("sim", "run", "--profiles", "profiles/two", "--seeds", "1", "--max-turns", str(TURNS)),
        *("--out", str(out), "--agent-backend", "openai", "--agent-base-url", url),
        *("--seeker-backend", "openai", "--seeker-base-url", url),
        *extra,
        cwd=bank,
    )


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()]


def cached_texts(bank: Path) -> list[str]:
    path = bank / ".esc" / "cache.sqlite"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return [json.loads(row[0])["text"] for row in db.execute("SELECT completion FROM calls")]


def error_line(result: Any) -> str:
    """The one error line: stderr may hold the JSON-mode note too, but never a traceback."""
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) <= 2, result.err
    return errors[0]


def formats(server: FakeServer) -> list[str | None]:
    return [(b.get("response_format") or {}).get("type") for b in server.bodies]


@pytest.mark.parametrize("status", [400, 500])
def test_a_server_refusing_json_schema_costs_one_extra_call_and_the_run_completes(
    local_bank: Path, esc: EscRunner, tmp_path: Path, status: int
) -> None:
    with FakeServer(refuse_json_schema=status) as server:
        url = server.openai_base_url
        result = sim(esc, local_bank, tmp_path / "run", url)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert (
        f"JSON mode for {url}: json_object (json_schema refused: HTTP {status}; 1 extra call in this run)"
        in (result.err.splitlines())
    )
    sent = formats(server)
    # One probe with json_schema (never retried), then json_object for every call of both roles.
    assert sent.count("json_schema") == 1 and sent[0] == "json_schema"
    assert sent[1:] == ["json_object"] * (2 * CALLS_PER_DIALOGUE)
    assert all(r["outcome"] != "error" and len(r["turns"]) == TURNS for r in records(tmp_path / "run"))
    assert (tmp_path / "run" / "summary.json").is_file()


def test_schema_forced_on_llama_cpp_python_ends_incomplete_and_resume_with_object_finishes(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    with FakeServer(refuse_json_schema=500) as server:
        url = server.openai_base_url
        result = sim(esc, local_bank, out, url, "--json-mode", "schema")
        assert result.code == 2
        line = error_line(result)
        assert line.startswith("error: 2 of 2 dialogues failed; first, verify-archivist-numb-winter#0: ")
        assert f"{url} refused response_format json_schema (HTTP 500): 1 validation error" in line
        assert "(use --json-mode object, or auto to let esc choose)" in line
        assert line.endswith(f"finish the run with `esc sim run --resume --out {out}` and the same options")
        assert formats(server) == ["json_schema", "json_schema"]  # a 500 naming the field: not retried
        assert not (out / "summary.json").exists()
        assert [(r["profile"], r["outcome"]) for r in records(out)] == [(CRISIS, "error"), (PLAIN, "error")]

        resumed = sim(esc, local_bank, out, url, "--json-mode", "object", "--resume")
    assert resumed.code == 0, resumed.err
    assert [r["outcome"] for r in records(out)] != ["error", "error"]
    assert all("error" not in r for r in records(out)) and (out / "summary.json").is_file()


@pytest.mark.parametrize("style", ["prose", "fence", "control"])
def test_json_in_prose_in_a_fence_or_with_raw_control_characters_is_read(
    local_bank: Path, esc: EscRunner, tmp_path: Path, style: str
) -> None:
    with FakeServer(style=style) as server:  # type: ignore[arg-type]
        result = sim(esc, local_bank, tmp_path / "run", server.openai_base_url)
    assert result.code == 0, result.err
    assert server.requests == 2 * CALLS_PER_DIALOGUE  # no repair was needed
    dialogues = records(tmp_path / "run")
    assert all(r["outcome"] != "error" and len(r["turns"]) == TURNS for r in dialogues)
    if style == "control":  # the raw newline inside the reply string survived as a newline
        assert all(t["agent"] == "x\n\t(said softly)" for r in dialogues for t in r["turns"])


def test_a_wrong_shape_is_repaired_once_and_only_the_repaired_reply_is_cached(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    with FakeServer(style="wrong-once") as server:
        result = sim(esc, local_bank, tmp_path / "run", server.openai_base_url)
    assert result.code == 0, result.err
    assert server.requests == 2 * 2 * CALLS_PER_DIALOGUE  # each call and its one repair
    texts = cached_texts(local_bank)
    assert len(texts) == 2 * CALLS_PER_DIALOGUE
    assert not any('"answer"' in text for text in texts)
    stats = esc("cache", "stats", cwd=local_bank)
    assert (
        f"{2 * CALLS_PER_DIALOGUE:>9}  openai     {server.openai_base_url} / gpt-4o-mini"
        in stats.out.splitlines()
    )

    # A rerun is answered from the cache: the repaired replies stand for the first requests.
    with FakeServer(style="wrong-once") as again:
        rerun = esc(
            *("sim", "run", "--profiles", "profiles/two", "--seeds", "1", "--max-turns", str(TURNS)),
            *("--out", str(tmp_path / "rerun"), "--agent-backend", "openai", "--agent-base-url"),
            server.openai_base_url,
            *("--seeker-backend", "openai", "--seeker-base-url", server.openai_base_url),
            cwd=local_bank,
        )
        assert again.requests == 0
    assert rerun.code == 0, rerun.err


def test_a_wrong_shape_every_time_fails_that_dialogue_only_caches_nothing_bad_and_resume_redoes_it(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    plain = load_profile(local_bank / "profiles" / "two" / f"{PLAIN}.yaml")

    def wrong_for_the_plain_profile(body: dict[str, Any]) -> str:
        text = echo_text("openai", body)
        mentions = any(plain.first_message in str(m.get("content")) for m in body["messages"])
        return json.dumps({"answer": text}) if mentions else text

    out = tmp_path / "run"
    with FakeServer(reply=wrong_for_the_plain_profile) as server:
        url = server.openai_base_url
        result = sim(esc, local_bank, out, url)
        assert result.code == 2
        line = error_line(result)
        assert line.startswith(f"error: 1 of 2 dialogues failed; first, {PLAIN}#0: openai ")
        assert "does not match the JSON schema, even after one repair: at $: 'reply' is a required" in line
        assert [(r["profile"], r["outcome"]) for r in records(out)] == [
            (CRISIS, "max-turns"),
            (PLAIN, "error"),
        ]
        assert not any('"answer"' in text for text in cached_texts(local_bank))

        server.reply = None  # the server is fixed (a stronger model, say)
        before = server.requests
        resumed = sim(esc, local_bank, out, url, "--resume")
        assert resumed.code == 0, resumed.err
        redone = server.bodies[before:]
    # Only the failed dialogue ran again: every request of the resume is the plain profile's.
    assert len(redone) == CALLS_PER_DIALOGUE
    assert all(any(plain.first_message in str(m.get("content")) for m in b["messages"]) for b in redone)
    assert [(r["profile"], r["outcome"]) for r in records(out)] == [
        (CRISIS, "max-turns"),
        (PLAIN, "max-turns"),
    ]


def test_an_unreachable_server_ends_the_run_incomplete_with_the_fix(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{refused_port()}/v1"
    out = tmp_path / "run"
    result = sim(esc, local_bank, out, url)
    assert result.code == 2
    line = error_line(result)
    assert "gave up after 2 attempts, last: connection failed: Connection error." in line
    assert f"(start the server at {url}, or check the base URL)" in line
    assert [r["outcome"] for r in records(out)] == ["error", "error"]
    assert not (out / "summary.json").exists()


def test_a_server_slower_than_the_timeout_ends_incomplete_naming_the_timeout(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    with FakeServer(latency=1.5) as server:
        result = sim(esc, local_bank, tmp_path / "run", server.openai_base_url, "--timeout", "0.3")
    assert result.code == 2
    line = error_line(result)
    assert (
        "last: no complete reply within 0.3s (raise --timeout or timeout in [tool.esc], or lower --concurrency)"
        in line
    )


def test_a_server_dripping_one_byte_at_a_time_cannot_hang_the_run(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    started = time.monotonic()
    with FakeServer(drip=0.2) as server:
        result = sim(esc, local_bank, tmp_path / "run", server.openai_base_url, "--agent-timeout", "1")
    assert result.code == 2
    line = error_line(result)
    assert "last: no complete reply within 1s" in line
    # Two attempts of at most a second each, a short backoff, the fallback probe: far from a hang.
    assert time.monotonic() - started < 20


KEY = "sk-esc-test-LEAK-DISTINCTIVE-5a9c03d1"


def test_a_key_the_model_repeats_reaches_no_file(
    local_bank: Path, esc: EscRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The attack of a template that put the key into the prompt, and a model that repeats it.
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    def repeats_the_key(body: dict[str, Any]) -> str:
        data = json.loads(echo_text("openai", body))
        return json.dumps({k: f"my key is {KEY}" if isinstance(v, str) else v for k, v in data.items()})

    out = tmp_path / "run"
    with FakeServer(reply=repeats_the_key) as server:
        result = sim(esc, local_bank, out, server.openai_base_url)
    assert result.code == 0, result.err
    assert f"my key is {KEY}" not in result.out
    assert esc("report", str(out), cwd=local_bank).code == 0
    written = [p for p in [*out.iterdir(), *(local_bank / ".esc").iterdir()] if p.is_file()]
    assert {p.name for p in written} >= {"dialogues.jsonl", "summary.json", "report.html", "cache.sqlite"}
    for path in written:
        assert KEY.encode() not in path.read_bytes(), path
    assert "my key is ***" in (out / "dialogues.jsonl").read_text(encoding="utf-8")


def test_verify_and_evolve_on_an_unreachable_server_end_in_one_line(
    local_bank: Path, esc: EscRunner, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{refused_port()}/v1"
    repo = commit_repo(local_bank)
    skill = repo / "skills" / "offer-one-option.md"
    text = skill.read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)$", text, re.MULTILINE)[1])  # type: ignore[index]
    text = text.replace(f"version: {version}\n", f"version: {version + 1}\n", 1) + "\n- Ask first.\n"
    skill.write_text(text, encoding="utf-8")
    # The edit is left uncommitted: verify compares the worktree with HEAD.
    flags = ("--seeds", "1", "--agent-backend", "openai", "--agent-base-url", url)
    verify = esc(
        "skill", "verify", "--profiles", "profiles/two", "--out", str(tmp_path / "v"), *flags, cwd=repo
    )
    assert verify.code == 2
    line = error_line(verify)
    assert line.startswith("error: 2 of 2 dialogues failed; first, verify-archivist-numb-winter#0: openai ")
    assert f"(start the server at {url}, or check the base URL)" in line
    assert line.endswith("fix the cause, then run `esc skill verify` again")

    evolve = esc("evolve", "--dry-run", "--rounds", "1", "--out", str(tmp_path / "e"), *flags, cwd=repo)
    assert evolve.code == 2
    line = error_line(evolve)
    assert " dialogues failed; first, train-" in line
    assert f"(start the server at {url}, or check the base URL)" in line
