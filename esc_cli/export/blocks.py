"""Machine-readable YAML blocks inside exported reference files, and `## ` sections of Markdown.

Each reference file ends with a `## Data for import` section holding one fenced YAML block, so
`esc import claude` can rebuild the skill exactly. The fence is longer than any backtick run in the
YAML, so no value can close it early.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from esc_cli.errors import InputError
from esc_cli.fileio import load_yaml

DATA_HEADING = "Data for import"
_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_OPEN = re.compile(r"^(`{3,})yaml\s*$", re.MULTILINE)


def yaml_block(data: dict[str, Any]) -> str:
    """A `## Data for import` section with the data as a fenced YAML block."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100_000)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"## {DATA_HEADING}\n\n{fence}yaml\n{text}{fence}\n"


def read_yaml_block(text: str, path: Path) -> dict[str, Any]:
    """The mapping in a file's `## Data for import` block."""
    section = markdown_sections(text).get(DATA_HEADING)
    if section is None:
        raise InputError(
            path, f"no '## {DATA_HEADING}' section", fix="re-export the skill with `esc export claude`"
        )
    opened = _OPEN.search(section)
    if opened is None:
        raise InputError(path, "no fenced YAML block", where=DATA_HEADING, fix="re-export the skill")
    fence = opened.group(1)
    rest = section[opened.end() + 1 :]
    closing = re.search(rf"^{fence}\s*$", rest, re.MULTILINE)
    if closing is None:
        raise InputError(path, "the YAML block is not closed", where=DATA_HEADING, fix="re-export the skill")
    data = load_yaml(rest[: closing.start()], path)
    if not isinstance(data, dict):
        raise InputError(
            path, "the YAML block is not a mapping", where=DATA_HEADING, fix="re-export the skill"
        )
    return data


def markdown_sections(text: str) -> dict[str, str]:
    """The `## ` sections of Markdown text by title, stripped, in order (as `Skill.sections`)."""
    parts = _HEADING.split(text)
    found: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        found[parts[i].strip()] = parts[i + 1].strip()
    return found
