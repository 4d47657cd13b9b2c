"""SKILL.md front matter: emitted with `yaml.safe_dump` only, and read back to check what was written.

The emitted YAML is plain block style with string values, which both PyYAML and the strict YAML
parser used by the reference validator (`skills-ref`) read the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from esc_cli.bank.files import split_front_matter
from esc_cli.errors import InputError
from esc_cli.fileio import load_yaml

FENCE = "---"


def dump_front_matter(data: dict[str, Any]) -> str:
    """The YAML between the fences: block style, keys in the given order, no line folding."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100_000)


def render_skill_md(front_matter: dict[str, Any], body: str) -> str:
    """A whole SKILL.md: fence, YAML, fence, blank line, body ending in one newline.

    The text is parsed back before it is returned: if any value could have changed the front matter
    (a fence, a tag, a stray key), the export stops here instead of writing the file.
    """
    text = f"{FENCE}\n{dump_front_matter(front_matter)}{FENCE}\n\n{body.strip()}\n"
    parsed, _ = parse_skill_md(text, Path("SKILL.md"))
    if parsed != front_matter:
        raise InputError(
            str(front_matter.get("name", "SKILL.md")),
            "the front matter did not read back as written",
            fix="remove YAML markup from the skill's title and conditions",
        )
    return text


def parse_skill_md(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body) of a SKILL.md, read with `yaml.safe_load`."""
    header, body, offset = split_front_matter(text, path)
    data = load_yaml(header, path, line_offset=offset)
    if not isinstance(data, dict):
        raise InputError(path, "SKILL.md front matter is not a YAML mapping", fix="write 'key: value' lines")
    return data, body
