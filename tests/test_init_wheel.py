"""`esc init` from a real (non-editable) wheel: a new bank lints clean from an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from testkit import REPO


def test_wheel_ships_defaults_and_init_makes_a_clean_bank(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(wheels.glob("esc_skills-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    assert "esc_cli/defaults/skills/crisis-safety-check.md" in names
    # The licence as an SPDX expression (not the deprecated table) and its text in the wheel.
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    head = (site / metadata).read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
    assert "License-Expression: Apache-2.0" in head and not any(h.startswith("License: ") for h in head)
    licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
    assert "Apache License" in (site / licence).read_text(encoding="utf-8")[:200]
    assert any(n.startswith("esc_cli/defaults/profiles/verify/") for n in names)
    bank = tmp_path / "new-bank"
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import sys, esc_cli; from esc_cli.cli.main import main; print(esc_cli.__file__); sys.exit(main(sys.argv[1:]))"
    init = subprocess.run(
        [sys.executable, "-c", code, "init", str(bank)], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert init.returncode == 0, init.stderr
    assert init.stdout.splitlines()[0].startswith(str(site))  # the wheel's copy ran, not the checkout
    lint = subprocess.run(
        [sys.executable, "-c", code, "skill", "lint"], env=env, capture_output=True, text=True, cwd=bank
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "clean" in lint.stdout
    again = subprocess.run(
        [sys.executable, "-c", code, "init", str(bank)], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert again.returncode == 2
    assert "pass --force to merge" in again.stderr
