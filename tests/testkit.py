"""Helpers shared by the test modules (import as `from testkit import ...`; conftest holds fixtures)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


EscRunner = Callable[..., Result]


def skill_text(
    skill_id: str = "sample-skill",
    *,
    states: str = "[venting]",
    avoid: str = "[crisis-risk]",
    crisis: bool = False,
    priority: int = 0,
    extra: str = "",
    body: str | None = None,
) -> str:
    """A small valid skill file; pieces can be swapped to make it invalid."""
    actions = "[safety-check, refer-resource]" if crisis else "[reflect-feeling]"
    header = (
        f"---\nid: {skill_id}\ntitle: A sample skill\nversion: 1\nstatus: active\nstage: exploration\n"
        + ("crisis: true\n" if crisis else "")
        + (f"priority: {priority}\n" if priority else "")
        + f"strategies: [Reflection of feelings]\nactions: {actions}\n"
        + f"applies_when:\n  seeker_states: {states}\n  min_turn: 0\n  description: When the seeker vents.\n"
        + (
            f"avoid_when:\n  seeker_states: {avoid}\n  description: Never in a crisis.\n"
            if not crisis
            else ""
        )
        + "expected_outcome:\n  description: The seeker feels heard.\n  emotion_delta: [0, 5]\n"
        + "risks:\n- id: parroting\n  description: Echoing words back mechanically.\n"
        + extra
        + "---\n"
    )
    if body is None:
        body = (
            "## Guidance\n\n1. Listen.\n2. Name the feeling.\n\n## Examples\n\n"
            "### One\nSeeker: I lost my job today.\nSupporter: It sounds like you feel shaken by it?\n\n"
            "### Two\nSeeker: My friend ignored me.\nSupporter: It sounds like that hurt.\n\n"
            "## Pitfalls\n\n- Do not parrot.\n"
        )
    return header + body


def make_bank(root: Path, skills: dict[str, str] | None = None, *, with_crisis: bool = True) -> Path:
    """A bank in `root`: pyproject with [tool.esc] and the given skill files (plus a crisis skill)."""
    (root / "skills").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.esc]\nskills = "skills"\n', encoding="utf-8")
    files = dict(skills if skills is not None else {"sample-skill": skill_text()})
    if with_crisis:
        files.setdefault(
            "crisis-check", skill_text("crisis-check", states="[crisis-risk]", crisis=True, priority=100)
        )
    for name, text in files.items():
        (root / "skills" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def require_data() -> Path:
    """The corpora folder from $ESC_DATA. Skips with a reason locally; fails under CI, where it must be set."""
    value = os.environ.get("ESC_DATA")
    if value and Path(value).is_dir():
        return Path(value)
    if os.environ.get("CI"):
        pytest.fail("ESC_DATA is not set or not a folder, but CI must run the corpus tests")
    pytest.skip("ESC_DATA is not set: corpus tests need the ESConv/SAGE data folder")


def git(cwd: Path, *args: str) -> str:
    """Run real git in `cwd` and return its stripped stdout; a failure fails the test."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commit_repo(root: Path, *, ignore: str = "runs/\n.esc/\n") -> Path:
    """`git init` the folder on branch main and commit everything in it; returns the root."""
    (root / ".gitignore").write_text(ignore, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "Test")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root
