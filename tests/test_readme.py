"""The README is the front door: its CLI reference is generated from --help and must not drift."""

from __future__ import annotations

import re

from testkit import REPO

from esc_cli.cli.reference import END, START, render, replace_section


def test_cli_reference_matches_help() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme
    assert replace_section(readme, render()) == readme, (
        "run: python -m esc_cli.cli.reference --write README.md"
    )


def test_quick_start_has_exactly_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 2
    assert all(len(block.strip().splitlines()) == 1 for block in blocks)
    assert "bash .ci/run" in blocks[1]


def test_readme_says_it_is_not_a_clinical_tool() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.count("not a clinical tool") >= 2
