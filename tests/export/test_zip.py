"""`--zip`: one deterministic archive per skill, a single root folder `<name>/`, under 8 MB."""

from __future__ import annotations

import zipfile
from pathlib import Path

from testkit import EscRunner, make_bank

from esc_cli.bank.load import load_skills
from esc_cli.export import export_claude

MAX_UPLOAD_BYTES = 8 * 1024 * 1024


def test_archives_have_one_root_folder_and_fit_the_upload_limit(tmp_path: Path) -> None:
    bank = make_bank(tmp_path / "bank")
    paths = export_claude(load_skills(bank / "skills"), tmp_path / "zips", archives=True)
    assert sorted(p.name for p in paths) == ["crisis-check.zip", "emotional-support.zip", "sample-skill.zip"]
    for path in paths:
        assert path.stat().st_size < MAX_UPLOAD_BYTES
        name = path.stem
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            assert {n.split("/", 1)[0] for n in names} == {name}
            assert f"{name}/SKILL.md" in names
            assert all(".." not in n and not n.startswith("/") for n in names)
            assert archive.read(f"{name}/SKILL.md").decode().startswith(f"---\nname: {name}\n")
    with zipfile.ZipFile(tmp_path / "zips" / "sample-skill.zip") as archive:
        assert sorted(archive.namelist()) == [
            "sample-skill/SKILL.md",
            "sample-skill/references/conditions.md",
            "sample-skill/references/examples.md",
            "sample-skill/references/risks.md",
        ]


def test_archives_are_byte_for_byte_reproducible(tmp_path: Path) -> None:
    skills = load_skills(make_bank(tmp_path / "bank") / "skills")
    first = export_claude(skills, tmp_path / "a", archives=True)
    second = export_claude(skills, tmp_path / "b", archives=True)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_cli_zip_defaults_to_dist_skills(tmp_path: Path, esc: EscRunner) -> None:
    bank = make_bank(tmp_path / "bank")
    done = esc("--bank", str(bank), "export", "claude", "--zip", cwd=tmp_path)
    assert done.code == 0, done.err
    assert (tmp_path / "dist" / "skills" / "sample-skill.zip").is_file()
    assert done.out.splitlines()[-1] == "3 archives in dist/skills (2 skills and the umbrella skill)"
