"""The strictest reading of the Agent Skills rules, applied to every exported folder.

Rules, each the strictest of the agentskills.io specification, the `skills-ref` reference validator
and the Claude upload requirements:

- the folder holds `SKILL.md` (exact case); it starts with a `---` fence and the front matter closes;
- the front matter holds no other `---` (the reference parser splits the file at the first one);
- it is plain block-style YAML: no flow collections, anchors, aliases or explicit tags;
- keys: only name, description, license, compatibility, metadata; name and description required;
- name: 1-64 lowercase ASCII letters, digits and single hyphens, no hyphen at either end, no
  "claude" or "anthropic", equal to the folder name;
- description: a non-empty string of at most 1024 characters, no `<` or `>`, written in the third
  person (it does not open with I, you or we);
- license: a non-empty string; compatibility: a string of 1-500 characters;
- metadata: a mapping from string keys to string values (YAML strings, not numbers or booleans);
- SKILL.md has fewer than 500 lines; every relative link in it points to an existing file one level
  deep under `references/`; every file sits at most one folder deep and is UTF-8 text;
- the folder holds no symbolic links and totals under 8 MB.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from esc_cli import yamlsafe
from esc_cli.export.names import name_problem
from esc_cli.export.text import MAX_DESCRIPTION_LENGTH

ALLOWED_KEYS = ("name", "description", "license", "compatibility", "metadata")
MAX_COMPATIBILITY_LENGTH = 500
MAX_SKILL_MD_LINES = 500
MAX_FOLDER_BYTES = 8 * 1024 * 1024
FIRST_PERSON_OPENERS = ("i", "i'm", "you", "your", "we", "our", "my")
_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _style_problems(header: str) -> list[str]:
    """Flow collections, anchors, aliases and tags: what strict YAML parsers refuse."""
    problems: list[str] = []
    try:
        events = list(yaml.parse(header, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return [f"front matter is not valid YAML: {str(exc).splitlines()[0]}"]
    for event in events:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            problems.append("front matter uses a YAML anchor or alias")
        if isinstance(event, yaml.CollectionStartEvent):
            if event.flow_style:
                problems.append("front matter uses a flow collection ({...} or [...]); use block style")
            if event.tag and not event.implicit:
                problems.append(f"front matter uses the explicit YAML tag {event.tag}")
        if isinstance(event, yaml.ScalarEvent) and event.tag and not any(event.implicit):
            problems.append(f"front matter uses the explicit YAML tag {event.tag}")
    return sorted(set(problems))


def _split(text: str) -> tuple[str, str] | str:
    """(front matter, rest) or the problem that prevents the split."""
    if not text.startswith("---\n"):
        return "SKILL.md must start with a '---' line"
    end = text.find("\n---\n", 3)
    if end == -1:
        return "SKILL.md front matter is not closed with a '---' line"
    header = text[4 : end + 1]
    if "---" in header:
        return "front matter contains '---', which ends it early for the reference parser"
    return header, text[end + 5 :]


def _name_problems(data: Mapping[str, Any], folder_name: str) -> list[str]:
    name = data.get("name")
    if not isinstance(name, str):
        return ["name must be a string"]
    problems = [f"name '{name}' {why}" for why in [name_problem(name)] if why]
    if name != folder_name:
        problems.append(f"name '{name}' must equal the folder name '{folder_name}'")
    return problems


def _description_problems(description: Any) -> list[str]:
    if not isinstance(description, str) or not description.strip():
        return ["description must be a non-empty string"]
    problems: list[str] = []
    if len(description) > MAX_DESCRIPTION_LENGTH:
        problems.append(
            f"description is {len(description)} characters, over the {MAX_DESCRIPTION_LENGTH} limit"
        )
    if "<" in description or ">" in description:
        problems.append("description must not contain '<' or '>'")
    first = description.split(maxsplit=1)[0].lower().strip(",.:;")
    if first in FIRST_PERSON_OPENERS:
        problems.append(f"description opens with '{first}'; write it in the third person")
    return problems


def _optional_problems(data: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if "license" in data and (not isinstance(data["license"], str) or not data["license"].strip()):
        problems.append("license must be a non-empty string")
    if "compatibility" in data:
        value = data["compatibility"]
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_COMPATIBILITY_LENGTH:
            problems.append(f"compatibility must be a string of 1-{MAX_COMPATIBILITY_LENGTH} characters")
    if "metadata" in data:
        meta = data["metadata"]
        if not isinstance(meta, dict):
            problems.append("metadata must be a mapping")
        else:
            for key, value in meta.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    problems.append(f"metadata.{key} must map a string key to a string value (quote it)")
    return problems


def front_matter_problems(data: Mapping[str, Any], folder_name: str) -> list[str]:
    """The rules on parsed front matter."""
    problems = [
        f"key '{k}' is not allowed; allowed: {', '.join(ALLOWED_KEYS)}" for k in data if k not in ALLOWED_KEYS
    ]
    for required in ("name", "description"):
        if required not in data:
            problems.append(f"required key '{required}' is missing")
    if "name" in data:
        problems.extend(_name_problems(data, folder_name))
    if "description" in data:
        problems.extend(_description_problems(data["description"]))
    return problems + _optional_problems(data)


def _skill_md_problems(text: str, folder_name: str) -> list[str]:
    split = _split(text)
    if isinstance(split, str):
        return [split]
    header, body = split
    problems = _style_problems(header)
    if problems:
        return problems
    try:
        data = yamlsafe.safe_load(header)
    except yaml.YAMLError as exc:
        return [f"front matter is refused: {getattr(exc, 'problem', None) or exc}"]
    if not isinstance(data, dict):
        return ["front matter must be a YAML mapping"]
    problems = front_matter_problems(data, folder_name)
    lines = text.count("\n")
    if lines >= MAX_SKILL_MD_LINES:
        problems.append(f"SKILL.md has {lines} lines; keep it under {MAX_SKILL_MD_LINES}")
    if not body.strip():
        problems.append("SKILL.md has no instructions after the front matter")
    return problems


def _link_problems(text: str, files: Mapping[str, str]) -> list[str]:
    problems: list[str] = []
    for target in _LINK.findall(text):
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        path = PurePosixPath(target.split("#", 1)[0])
        if len(path.parts) != 2 or path.parts[0] != "references":
            problems.append(f"link '{target}' must point one level deep into references/")
        elif str(path) not in files:
            problems.append(f"link '{target}' points to a missing file")
    return problems


def _path_problems(relative: str) -> list[str]:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative:
        return [f"file path '{relative}' leaves the skill folder"]
    if len(path.parts) > 2:
        return [f"file '{relative}' is more than one folder deep"]
    return []


def validate_files(folder_name: str, files: Mapping[str, str]) -> list[str]:
    """Every rule, on a folder held in memory as relative path -> text."""
    if "SKILL.md" not in files:
        return ["missing required file SKILL.md"]
    problems = _skill_md_problems(files["SKILL.md"], folder_name)
    problems += _link_problems(files["SKILL.md"], files)
    for relative in sorted(files):
        problems += _path_problems(relative)
    size = sum(len(text.encode("utf-8")) for text in files.values())
    if size >= MAX_FOLDER_BYTES:
        problems.append(f"the skill is {size} bytes; keep it under {MAX_FOLDER_BYTES}")
    return problems


def read_folder(folder: Path) -> tuple[dict[str, str], list[str]]:
    """A skill folder's files as text, and the problems found while reading them."""
    files: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            problems.append(f"'{relative}' is a symbolic link")
        elif path.is_file():
            try:
                files[relative] = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"'{relative}' is not UTF-8 text")
    return files, problems


def validate_folder(folder: Path) -> list[str]:
    """Every rule, on a skill folder on disk. An empty list means the folder is valid."""
    if not folder.is_dir():
        return [f"{folder} is not a folder"]
    files, problems = read_folder(folder)
    return problems + validate_files(folder.name, files)
