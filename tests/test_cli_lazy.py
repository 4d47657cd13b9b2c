"""Commands load on first use: `esc --help` imports none of them, and shows what they would."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from testkit import REPO

from esc_cli.cli.groups import ROOT, SKILL, Lazy, LazyGroup
from esc_cli.cli.main import _register, cli


@pytest.mark.parametrize(("group", "table"), [((), ROOT), (("skill",), SKILL)])
def test_every_summary_is_the_commands_own_short_help(group: tuple[str, ...], table: dict[str, Lazy]) -> None:
    _register()
    parent: click.Command = cli
    for name in group:
        assert isinstance(parent, click.Group)
        parent = parent.commands[name]
    assert isinstance(parent, LazyGroup)
    assert set(parent.lazy) == set(table)
    for name, entry in table.items():
        command = parent.commands[name]
        assert command is entry.load()
        stand_in = click.Command(name, help=entry.summary)
        for limit in (30, 45, 60, 80, 200):
            assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), name


def _imported_after(*args: str) -> tuple[str, list[str]]:
    """Run `esc *args` in a fresh interpreter; its output and the esc_cli.cli modules it imported."""
    script = (
        "import json, sys\n"
        "from esc_cli.cli.main import main\n"
        "code = main(sys.argv[1:])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('esc_cli'))), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_root_help_imports_no_command_and_lists_them_all() -> None:
    out, modules = _imported_after("--help")
    loaded = {m.removeprefix("esc_cli.cli.") for m in modules if m.startswith("esc_cli.cli.")}
    assert loaded <= {"main", "common", "groups"}, loaded
    assert "esc_cli.config" not in modules
    for name, entry in ROOT.items():
        assert f"  {name} " in out
        assert entry.summary.split()[0] in out


def test_a_command_imports_only_its_own_module() -> None:
    out, modules = _imported_after("skill", "--help")
    assert "lint" in out and "verify" in out and "discover" in out
    assert "esc_cli.cli.skill" in modules
    assert "esc_cli.cli.skill_verify" not in modules
    assert "esc_cli.cli.sim" not in modules


@pytest.mark.parametrize(
    "args", [("skill", "list"), ("skill", "show", "reflect-feelings"), ("cache", "stats")]
)
def test_commands_that_embed_nothing_never_load_the_encoder(args: tuple[str, ...]) -> None:
    _, modules = _imported_after("--bank", str(REPO), *args)
    assert "esc_cli.text.store" in modules  # the CLI names the bank's embedding store for every command
    assert "esc_cli.text.encoder" not in modules


def test_the_esc_script_runs_one_blas_thread_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    from esc_cli.cli import main as script

    monkeypatch.setattr(script, "main", lambda: 0)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with pytest.raises(SystemExit):
        script.entry()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    with pytest.raises(SystemExit):
        script.entry()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_starting_the_cli_imports_no_numpy_so_the_thread_setting_still_counts() -> None:
    script = "import sys\nfrom esc_cli.cli.main import main\nprint('numpy' in sys.modules)\n"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.stdout.strip() == "False"
