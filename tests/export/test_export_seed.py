"""Export the seed bank: every folder passes the reference validator and ours, within every limit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import skills_ref
from testkit import REPO

from esc_cli.bank.load import load_skills
from esc_cli.export import UMBRELLA_NAME, export_claude, validate_folder
from esc_cli.export.frontmatter import parse_skill_md
from esc_cli.export.render import NOT_CLINICAL
from esc_cli.export.umbrella import MAX_SKILLS_PER_REQUEST

AGENTSKILLS = Path(sys.executable).parent / "agentskills"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("export") / ".claude" / "skills"
    return export_claude(load_skills(REPO / "skills"), out)


def test_one_folder_per_active_skill_plus_the_umbrella(exported: list[Path]) -> None:
    active = load_skills(REPO / "skills")
    assert len(active) >= 20
    assert sorted(p.name for p in exported) == sorted([*(s.id for s in active), UMBRELLA_NAME])


def test_every_folder_passes_both_validators(exported: list[Path]) -> None:
    for folder in exported:
        assert skills_ref.validate(folder) == [], folder
        assert validate_folder(folder) == [], folder


def test_the_strict_reference_parser_reads_what_pyyaml_reads(exported: list[Path]) -> None:
    for folder in exported:
        ours, _ = parse_skill_md((folder / "SKILL.md").read_text(encoding="utf-8"), folder)
        theirs = skills_ref.read_properties(folder)
        assert (theirs.name, theirs.description, theirs.metadata) == (
            ours["name"],
            ours["description"],
            ours["metadata"],
        )


@pytest.mark.parametrize("name", [UMBRELLA_NAME, "crisis-safety-check"])
def test_reference_cli_accepts_the_folder(exported: list[Path], name: str) -> None:
    folder = next(p for p in exported if p.name == name)
    done = subprocess.run(
        [str(AGENTSKILLS), "validate", str(folder)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Valid skill" in done.stdout


def test_front_matter_is_within_every_limit(exported: list[Path]) -> None:
    for folder in exported:
        text = (folder / "SKILL.md").read_text(encoding="utf-8")
        data, body = parse_skill_md(text, folder / "SKILL.md")
        assert set(data) <= {"name", "description", "license", "compatibility", "metadata"}
        assert data["name"] == folder.name
        assert 0 < len(data["description"]) <= 1024
        assert "<" not in data["description"] and ">" not in data["description"]
        assert all(isinstance(v, str) for v in data["metadata"].values())
        assert text.count("\n") < 500
        assert NOT_CLINICAL in body


def test_skill_metadata_names_the_bank_skill(exported: list[Path]) -> None:
    folder = next(p for p in exported if p.name == "crisis-safety-check")
    data, body = parse_skill_md((folder / "SKILL.md").read_text(encoding="utf-8"), folder)
    assert data["metadata"]["esc-id"] == "crisis-safety-check"
    assert data["metadata"]["esc-version"].isdigit()
    assert data["metadata"]["stage"] == "exploration"
    assert data["description"].startswith("Ask directly about safety and connect to human help. Use when ")
    assert "the seeker hints at or states thoughts of suicide or self-harm" in data["description"]
    assert "Do not use when" not in data["description"]
    assert "\n## Do not use when\n" in body
    assert "## Guidance" in body and "## Examples" not in body
    assert "- [When to use it and when not to](references/conditions.md)" in body
    assert sorted(p.name for p in (folder / "references").iterdir()) == [
        "conditions.md",
        "examples.md",
        "risks.md",
    ]


def test_umbrella_routes_states_to_skills_and_states_the_crisis_rule(exported: list[Path]) -> None:
    text = (next(p for p in exported if p.name == UMBRELLA_NAME) / "SKILL.md").read_text(encoding="utf-8")
    assert "| `crisis-risk` | The seeker hints at or states thoughts of self-harm" in text
    assert "| `crisis-safety-check` |" in text
    assert "Use the `crisis-safety-check` skill first." in text
    assert "your local emergency number" in text
    assert "a domestic abuse or victim support service, not to a suicide crisis line" in text
    assert "## Help by country" in text and "| United Kingdom | GB | 999 | Samaritans on 116 123" in text
    assert f"at most {MAX_SKILLS_PER_REQUEST} skills in one request" in text
    for folder in exported:
        if folder.name != UMBRELLA_NAME:
            assert f"`{folder.name}`" in text, folder.name
