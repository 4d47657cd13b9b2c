"""Line numbers for lint findings: where in a skill file a key path or a body section starts.

A finding names its place as a key path of the front matter (`applies_when.seeker_states`,
`risks.0.id`) or a place in the body (`body`, `Examples`, `Examples[2] 'title'`). This module turns
that into the 1-based line of the file, so editors and pre-commit output can jump to it.
"""

from __future__ import annotations

import re

import yaml

_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")
_EXAMPLE = re.compile(r"^Examples\[(\d+)\]")
_LINE = re.compile(r"^line (\d+)$")


def _front_matter(text: str) -> tuple[str, int] | None:
    """The YAML between the first two `---` lines, and the file line it starts on (1-based)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), 2
    return None


def _key_line(yaml_text: str, parts: list[str]) -> int | None:
    """0-based line (in `yaml_text`) of the deepest node of `parts` that exists."""
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    found: int | None = None
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            found, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            found = node.start_mark.line
        else:
            break
    return found


def _body_line(text: str, heading: str, nth: int = 0) -> int | None:
    """1-based line of a `## heading` of the body, or of its `nth` `### ` block (1-based) when given."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == f"## {heading}"), None)
    if start is None:
        return None
    if not nth:
        return start + 1
    seen = 0
    for index in range(start + 1, len(lines)):
        if lines[index].startswith("## "):
            break
        if lines[index].startswith("### "):
            seen += 1
            if seen == nth:
                return index + 1
    return start + 1


def locate(text: str, where: str) -> int | None:
    """The 1-based line in the skill file `text` that the finding place `where` refers to, if known."""
    if not where:
        return None
    explicit = _LINE.match(where)
    if explicit:
        return int(explicit[1])
    example = _EXAMPLE.match(where)
    if example:
        return _body_line(text, "Examples", int(example[1]))
    if where == "Examples":
        return _body_line(text, "Examples")
    front = _front_matter(text)
    if where == "body":
        if front is None:
            return None
        return front[1] + front[0].count("\n") + 2
    if front is None:
        return None
    parts: list[str] = []
    for part in where.split("."):
        indexed = _INDEX.match(part)
        parts += [indexed[1], indexed[2]] if indexed else [part]
    line = _key_line(front[0], parts)
    return None if line is None else front[1] + line
