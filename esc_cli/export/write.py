"""Putting rendered skill folders on disk: whole folders swapped in atomically, or zip archives.

A folder is built beside its target and renamed into place, so an agent never reads half a skill.
An existing folder is replaced only when esc wrote it (its SKILL.md carries `metadata.esc-id` or
`metadata.esc-role`), so a hand-written skill of the same name is never lost without `--force`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from esc_cli.errors import InputError
from esc_cli.export.frontmatter import parse_skill_md
from esc_cli.export.render import SkillFolder
from esc_cli.export.validate import MAX_FOLDER_BYTES
from esc_cli.fileio import disk_errors, ensure_dir, read_text
from esc_cli.secrets import scrub

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
OWNER_KEYS = ("esc-id", "esc-role")


def written_by_esc(folder: Path) -> bool:
    """True when a skill folder's SKILL.md carries the metadata esc writes."""
    skill_md = folder / "SKILL.md"
    if not skill_md.is_file():
        return False
    try:
        data, _ = parse_skill_md(read_text(skill_md, max_bytes=None, what="SKILL.md"), skill_md)
    except InputError:
        return False
    meta = data.get("metadata")
    return isinstance(meta, dict) and any(key in meta for key in OWNER_KEYS)


def check_target(target: Path, *, force: bool) -> None:
    """Refuse to replace something esc did not write, unless forced."""
    if target.is_symlink() or (target.exists() and not target.is_dir() and target.suffix != ".zip"):
        raise InputError(
            target, "exists and is not a skill folder", fix="move it away or choose another --out"
        )
    if target.is_dir() and not force and not written_by_esc(target):
        raise InputError(
            target, "holds a skill that esc did not write", fix="move it away or pass --force to replace it"
        )


def _umask_mode(mode: int) -> int:
    """`mode` less the process umask: temporary files and folders start private, outputs should not."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def _inside(out: Path, name: str) -> Path:
    """`out/name`, refusing any name that would land outside `out`."""
    target = (out / name).resolve()
    if target.parent != out.resolve() or name in ("", ".", ".."):
        raise InputError(out / name, "would be written outside the output folder", fix="rename the skill")
    return out / name


STAGING_PREFIX = ".esc-export-"


def clear_debris(out: Path) -> None:
    """Remove the staging folders of an export that was killed midway (ours by their prefix)."""
    if out.is_dir():
        for path in out.iterdir():
            if path.name.startswith(STAGING_PREFIX) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _stage_files(folder: SkillFolder, path: Path) -> None:
    for relative, text in folder.files.items():
        file = path / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(scrub(text), encoding="utf-8", newline="\n")
    path.chmod(_umask_mode(0o755))


def _swap_in(staged: Path, target: Path, graveyard: Path) -> None:
    """Replace `target` by `staged` with renames: the old copy moves aside first, then goes."""
    if target.exists():
        target.rename(graveyard / target.name)
    staged.rename(target)


def write_folders(
    folders: Sequence[SkillFolder], out: Path, *, before_swap: Callable[[], None] | None = None
) -> list[Path]:
    """Write every skill folder into one staging folder inside `out`, then rename them into place.

    Every byte is written (and a full disk hits) before any folder in `out` changes; the swap is only
    renames. `before_swap` runs between the two (the export removes its manifest there), so a run
    killed during the swap leaves no manifest (see `export.manifest`), and a full disk changes nothing.
    """
    targets = [_inside(out, folder.name) for folder in folders]
    ensure_dir(out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".tmp", dir=out))
    try:
        (staging / "new").mkdir()
        (staging / "old").mkdir()
        with disk_errors(out):
            for folder in folders:
                _stage_files(folder, staging / "new" / folder.name)
        if before_swap is not None:
            before_swap()
        for folder, target in zip(folders, targets, strict=True):
            _swap_in(staging / "new" / folder.name, target, staging / "old")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets


def write_folder(folder: SkillFolder, out: Path) -> Path:
    """Write one skill folder, replacing the previous export of it in one rename."""
    return write_folders([folder], out)[0]


def write_archive(folder: SkillFolder, archive: Path) -> None:
    """A deterministic archive whose single root is `<name>/`, holding SKILL.md and references/."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        for relative in sorted(folder.files):
            info = zipfile.ZipInfo(f"{folder.name}/{relative}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            handle.writestr(info, folder.files[relative].encode("utf-8"))


def write_zip(folder: SkillFolder, out: Path) -> Path:
    """Write `<name>.zip` atomically, refusing an archive of 8 MB or more."""
    target = _inside(out, f"{folder.name}.zip")
    ensure_dir(out)
    handle, tmp = tempfile.mkstemp(prefix=f".{folder.name}.", suffix=".zip.tmp", dir=out)
    os.close(handle)
    staging = Path(tmp)
    try:
        with disk_errors(target):
            write_archive(folder, staging)
        size = staging.stat().st_size
        if size >= MAX_FOLDER_BYTES:
            raise InputError(
                target, f"archive is {size} bytes, over the 8 MB upload limit", fix="shorten the skill"
            )
        staging.chmod(_umask_mode(0o644))
        staging.replace(target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return target
