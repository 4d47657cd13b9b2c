"""Build hook: copy the bank defaults (skills/, profiles/, prompts/, ci/) into the wheel.

The top-level folders stay the one source of truth; `esc init` reads the copy at esc_cli/defaults/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DEFAULT_FOLDERS = ("skills", "profiles", "prompts", "ci")


class BuildWithDefaults(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "esc_cli" / "defaults"
        for name in DEFAULT_FOLDERS:
            source = ROOT / name
            # An in-tree build reuses build/: drop the old copy so deleted files do not linger.
            shutil.rmtree(target / name, ignore_errors=True)
            if source.is_dir():
                shutil.copytree(source, target / name)


setup(cmdclass={"build_py": BuildWithDefaults})
