"""Finding one skill file by id, with the nearest id suggested when there is none."""

from __future__ import annotations

from pathlib import Path

from esc_cli.errors import InputError
from esc_cli.suggest import did_you_mean


def skill_path(folder: Path, skill_id: str) -> Path:
    """The file of skill `skill_id` in `folder`; an InputError naming the nearest id when it is absent."""
    path = folder / f"{skill_id}.md"
    if path.is_file():
        return path
    ids = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
    raise InputError(
        path,
        f"no skill '{skill_id}'{did_you_mean(skill_id, ids)}",
        fix="see `esc skill list --all` for the ids",
    )


def skills_folder(path: Path) -> Path:
    """A folder given with `--skills DIR`: it must exist and hold skill files (*.md) directly."""
    if not path.is_dir():
        raise InputError(
            path, "is not a folder" if path.exists() else "does not exist", fix="pass a folder of skill files"
        )
    if not any(path.glob("*.md")):
        nested = path / "skills"
        fix = (
            f"pass --skills {nested}, or --bank {path} if it is a bank root"
            if nested.is_dir()
            else "pass a folder of <id>.md skill files, e.g. one written by `esc skill discover --out DIR --write`"
        )
        raise InputError(path, "holds no skill file (*.md)", fix=fix)
    return path
