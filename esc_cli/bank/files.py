"""Reading and writing one skill file: YAML front matter between `---` lines, then a Markdown body.

`dump_skill(load_skill(x)) == x` byte for byte for a normalised file (one that `dump_skill` wrote).
The body is data: nothing in it is ever rendered as a template or executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from esc_cli.bank.model import Skill, SkillMeta
from esc_cli.errors import InputError
from esc_cli.fileio import SafeDumper, load_yaml, read_text, validation_errors

MAX_SKILL_BYTES = 64 * 1024
FENCE = "---"


class SkillFileErrors(InputError):
    """Several schema problems in one skill file; `errors` holds one InputError per problem."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.path, first.problem, where=first.where, fix=first.fix)
        self.errors = errors


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Split a skill file into (front matter YAML, body, line number where the YAML starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != FENCE:
        raise InputError(path, "no front matter", where="line 1", fix="start the file with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 1
    raise InputError(path, "front matter is not closed", fix="add a '---' line after the YAML header")


def parse_skill(text: str, path: Path) -> Skill:
    """Parse skill text; every schema problem is reported, not only the first."""
    header, body, offset = split_front_matter(text, path)
    data = load_yaml(header, path, line_offset=offset)
    if not isinstance(data, dict):
        raise InputError(
            path,
            "front matter is not a YAML mapping",
            fix="write 'key: value' lines between the '---' fences",
        )
    try:
        meta = SkillMeta.model_validate(data)
    except ValidationError as exc:
        raise SkillFileErrors(validation_errors(path, exc)) from exc
    # Windows line endings in the body are not the normal form: fmt writes \n, and fmt --check sees it.
    return Skill(meta=meta, body=body.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n"))


def read_skill_text(path: Path) -> str:
    """The text of a skill file, with the size limit and encoding checks."""
    return read_text(path, max_bytes=MAX_SKILL_BYTES, what="skill file")


def load_skill(path: Path) -> Skill:
    """Load one skill file with the size limit, encoding checks and schema validation."""
    return parse_skill(read_skill_text(path), path)


class _Dumper(SafeDumper):
    """Block style for mappings, flow style for short lists of scalars, no aliases, no line folding."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(item, str | int | float | bool) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def meta_to_dict(meta: SkillMeta) -> dict[str, Any]:
    """The front matter as plain data in field order, leaving out defaults that add nothing."""
    data = meta.model_dump(mode="json", exclude_none=True)
    for key, default in (("crisis", False), ("priority", 0)):
        if data.get(key) == default:
            del data[key]
    return data


def dump_front_matter(meta: SkillMeta) -> str:
    return yaml.dump(
        meta_to_dict(meta),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=False,
    )


def dump_skill(skill: Skill) -> str:
    """Render a skill in normalised form: front matter, fence, body ending in exactly one newline."""
    body = skill.body.strip("\n")
    return f"{FENCE}\n{dump_front_matter(skill.meta)}{FENCE}\n{body}\n"


def write_skill(path: Path, skill: Skill) -> None:
    """Write a skill file atomically in normalised form."""
    from esc_cli.fileio import atomic_write_text

    atomic_write_text(path, dump_skill(skill))
