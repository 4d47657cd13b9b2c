"""Pieces the benchmarks share: the fake model server in a child process, and one reply for every role.

Run the benchmarks from the repository root (`python bench/<name>.py`); this folder is on their path.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# One JSON object that satisfies the agent, seeker-analysis and seeker-reply schemas (none forbids
# extra keys), with change 0 so every simulated dialogue runs its full length.
ALL_ROLES_REPLY: dict[str, object] = {
    "reply": "That sounds like a lot to carry. What feels heaviest right now?",
    "skills_used": [],
    "strategy": "Question",
    "understanding": "an open question",
    "serves_goals": "somewhat",
    "inner_reaction": "fine",
    "feeling": "steady",
    "change": 0,
    "message": "It's mostly the nights, I think.",
    "goodbye": False,
}


def start_server(
    latency: float, text: str | None = None, extra: list[str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """The fake server in its own process (so it does not share our GIL); returns it and its URL.
    `extra` adds fake_server flags, e.g. ["--refuse-json-schema", "500"]."""
    command = [sys.executable, "-m", "esc_cli.llm.fake_server", "--port", "0", "--latency", str(latency)]
    if text is not None:
        command += ["--text", text]
    command += extra or []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    if found is None:
        process.kill()
        raise SystemExit(f"the fake server did not start: {line!r}")
    return process, found.group(0)


def all_roles_text() -> str:
    return json.dumps(ALL_ROLES_REPLY)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=b@example.invalid", "-c", "user.name=bench", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def seed_repo(root: Path) -> Path:
    """A git repository at root/bank holding a committed copy of the seed bank (skills, profiles, prompts)."""
    bank = root / "bank"
    bank.mkdir()
    for name in ("skills", "profiles", "prompts"):
        shutil.copytree(REPO / name, bank / name)
    shutil.copy(REPO / "pyproject.toml", bank / "pyproject.toml")
    (bank / ".gitignore").write_text(".esc/\n", encoding="utf-8")
    git(bank, "init", "-q", "-b", "main")
    git(bank, "add", "-A")
    git(bank, "commit", "-qm", "seed bank")
    return bank


def fake_server_parser(doc: str | None, *, bank: bool = False) -> argparse.ArgumentParser:
    """The options every benchmark against the fake model server shares: how many dialogues, how many
    calls in flight, the latency the server adds, how many runs to take the median of (and --bank)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    if bank:
        parser.add_argument("--bank", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--dialogues", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=3)
    return parser
