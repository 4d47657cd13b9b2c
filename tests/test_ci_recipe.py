"""The CI recipe users copy (ci/ and .pre-commit-hooks.yaml) stays in step with the CLI."""

from __future__ import annotations

import re
import shlex

import click
import yaml
from testkit import REPO

from esc_cli.cli.main import _register, cli


def _options(*path: str) -> set[str]:
    _register()
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


def test_workflow_gates_bank_changes_with_full_history() -> None:
    workflow = yaml.safe_load((REPO / "ci" / "esc-verify.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"skills/**", "profiles/**", "prompts/**"}
    steps = workflow["jobs"]["verify"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    run = next(step["run"] for step in steps if step.get("name") == "esc skill verify")
    assert 'esc skill verify --base "origin/${{ github.base_ref }}"' in run


def test_workflow_uses_only_flags_that_exist() -> None:
    text = (REPO / "ci" / "esc-verify.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(--[a-z][a-z-]+)", text))
    known = _options("skill", "verify")
    assert used <= known, used - known


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"esc-skill-lint", "esc-skill-fmt"}
    for hook in hooks:
        words = shlex.split(hook["entry"])
        assert words[:2] == ["esc", "skill"]
        flags = {w for w in words if w.startswith("--")}
        assert flags <= _options("skill", words[2])
