"""Our validator: each rule with its exact message, on folders held in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from esc_cli.export import validate_files, validate_folder

GOOD = (
    "---\nname: good-skill\ndescription: Helps with one thing. Use when it is needed.\n"
    "metadata:\n  esc-id: good-skill\n---\n\n# Good\n\nSee [the conditions](references/conditions.md).\n"
)
FILES = {"SKILL.md": GOOD, "references/conditions.md": "# Conditions\n"}


def problems(skill_md: str, **extra: str) -> list[str]:
    return validate_files("good-skill", {**FILES, "SKILL.md": skill_md, **extra})


def test_a_good_folder_passes() -> None:
    assert validate_files("good-skill", FILES) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "name: good-skill",
            "name: good-skill\nallowed-tools: Bash",
            "key 'allowed-tools' is not allowed; "
            "allowed: name, description, license, compatibility, metadata",
        ),
        (
            "name: good-skill",
            "name: Good-Skill",
            "name 'Good-Skill' may hold only a-z, 0-9 and single hyphens between them",
        ),
        (
            "name: good-skill",
            "name: good--skill",
            "name 'good--skill' may hold only a-z, 0-9 and single hyphens between them",
        ),
        ("name: good-skill", "name: claude-skill", "name 'claude-skill' contains the reserved word 'claude'"),
        (
            "name: good-skill",
            "name: other-skill",
            "name 'other-skill' must equal the folder name 'good-skill'",
        ),
        ("name: good-skill\n", "", "required key 'name' is missing"),
        ("Helps with one thing.", "Helps <b>a lot</b>.", "description must not contain '<' or '>'"),
        (
            "Helps with one thing.",
            "I help with one thing.",
            "description opens with 'i'; write it in the third person",
        ),
        (
            "Helps with one thing.",
            "a---b",
            "front matter contains '---', which ends it early for the reference parser",
        ),
        (
            "  esc-id: good-skill",
            "  esc-version: 1",
            "metadata.esc-version must map a string key to a string value (quote it)",
        ),
        (
            "metadata:\n  esc-id: good-skill",
            "metadata: {esc-id: good-skill}",
            "front matter uses a flow collection ({...} or [...]); use block style",
        ),
        (
            "metadata:\n  esc-id: good-skill",
            "metadata: !!map\n  esc-id: good-skill",
            "front matter uses the explicit YAML tag tag:yaml.org,2002:map",
        ),
        ("metadata:\n  esc-id: good-skill", "license: ''", "license must be a non-empty string"),
        (
            "metadata:\n  esc-id: good-skill",
            "compatibility: " + "x" * 501,
            "compatibility must be a string of 1-500 characters",
        ),
        (
            "references/conditions.md",
            "references/deep/conditions.md",
            "link 'references/deep/conditions.md' must point one level deep into references/",
        ),
        (
            "references/conditions.md",
            "references/missing.md",
            "link 'references/missing.md' points to a missing file",
        ),
        ("---\nname", "name", "SKILL.md must start with a '---' line"),
    ],
)
def test_each_rule_has_its_message(old: str, new: str, message: str) -> None:
    assert message in problems(GOOD.replace(old, new, 1))


def test_long_descriptions_and_files_are_refused() -> None:
    found = problems(GOOD.replace("Helps with one thing.", "x" * 1100))
    assert "description is 1123 characters, over the 1024 limit" in found
    assert "SKILL.md has 500 lines; keep it under 500" in problems(GOOD + "\n" * 490)
    assert "file 'references/a/b.md' is more than one folder deep" in problems(
        GOOD, **{"references/a/b.md": "x"}
    )


def test_folders_on_disk_refuse_links_and_non_text(tmp_path: Path) -> None:
    folder = tmp_path / "good-skill"
    (folder / "references").mkdir(parents=True)
    for relative, text in FILES.items():
        (folder / relative).write_text(text, encoding="utf-8")
    assert validate_folder(folder) == []
    (folder / "references" / "blob.bin").write_bytes(b"\xff\xfe")
    (folder / "references" / "link.md").symlink_to(tmp_path)
    assert validate_folder(folder) == [
        "'references/blob.bin' is not UTF-8 text",
        "'references/link.md' is a symbolic link",
    ]
