"""`esc init`: lay out a new bank from the defaults shipped in the package.

In a wheel the defaults live at esc_cli/defaults/ (copied there at build time from the repository's
skills/, profiles/, prompts/ and ci/). In a source checkout they are read from the checkout itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from esc_cli.config import _read_tool_table
from esc_cli.errors import InputError
from esc_cli.fileio import ensure_dir

DEFAULT_FOLDERS = ("skills", "profiles", "prompts", "ci")
TOOL_TABLE = """
[tool.esc]
skills = "skills"
profiles = "profiles"
prompts = "prompts"
runs = "runs"
engine = "offline"
# concurrency = 8    # model calls in flight per server; unset: 8, or 2 for a server on this machine
"""
NEW_PYPROJECT = '[project]\nname = "my-esc-bank"\nversion = "0.1.0"\n' + TOOL_TABLE
# What esc writes into a bank that must not be committed: run folders, the call cache and verify
# reports (.esc/), and IU files (`esc iu extract` output is large and carries CC BY-NC corpus text).
GITIGNORE_LINES = ("runs/", ".esc/", "ius*.jsonl")
GITIGNORE = "".join(f"{line}\n" for line in GITIGNORE_LINES)


def defaults_root() -> Path:
    """The folder that holds the default skills/, profiles/, prompts/ and ci/."""
    package = Path(__file__).resolve().parent
    packaged = package / "defaults"
    if (packaged / "skills").is_dir():
        return packaged
    checkout = package.parent
    if (checkout / "skills").is_dir() and (checkout / "setup.py").is_file():
        return checkout
    raise InputError(
        packaged, "the default bank is missing from this installation", fix="reinstall esc-skills"
    )


def init_bank(target: Path, *, force: bool = False) -> list[Path]:
    """Write a new bank into `target`. Returns what was created. Never overwrites without `force`."""
    source = defaults_root()
    pyproject = target / "pyproject.toml"
    if pyproject.exists() and not pyproject.is_file():
        raise InputError(pyproject, "is not a file", fix="remove it or choose another folder")
    # Read an existing pyproject.toml before anything is created: a file that is not TOML stops init
    # with nothing written, instead of a bank whose settings no command can read.
    has_table = pyproject.is_file() and _read_tool_table(pyproject) is not None
    ensure_dir(target, what="bank folder")
    existing = [target / name for name in DEFAULT_FOLDERS if (target / name).exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise InputError(
            target, f"already has {names}", fix="choose an empty folder or pass --force to merge"
        )
    created: list[Path] = []
    for name in DEFAULT_FOLDERS:
        if (source / name).is_dir():  # an empty folder does not survive a wheel
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)
        else:
            (target / name).mkdir(exist_ok=True)
        created.append(target / name)
    created.append(_write_pyproject(pyproject, has_table=has_table))
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE, encoding="utf-8")
        created.append(gitignore)
    else:
        _complete_gitignore(gitignore)
    return created


def _complete_gitignore(path: Path) -> None:
    """Append the lines esc needs to an existing .gitignore, keeping everything already there."""
    text = path.read_text(encoding="utf-8")
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in have]
    if missing:
        sep = "" if not text or text.endswith("\n") else "\n"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(sep + "# written by esc\n" + "".join(f"{line}\n" for line in missing))


def _write_pyproject(path: Path, *, has_table: bool) -> Path:
    """Create pyproject.toml, or append the [tool.esc] table to an existing one (never rewrite it)."""
    if not path.exists():
        path.write_text(NEW_PYPROJECT.lstrip("\n"), encoding="utf-8")
        return path
    if not has_table:
        text = path.read_text(encoding="utf-8")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(("\n" if text and not text.endswith("\n") else "") + TOOL_TABLE)
    return path
