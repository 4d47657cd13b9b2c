"""What evolution reads: the bank's skills at the base ref, and the train profiles, never verify.

The verify profiles gate merges in CI (`esc skill verify`). Evolution refuses any profile path that is,
lies inside, or contains the verify folder, so nothing it learns can leak from the gate's profiles.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from esc_cli.config import TRAIN_SET, VERIFY_SET, Bank
from esc_cli.errors import InputError
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import load_profile_set


def bank_relative(bank: Bank, path: Path) -> PurePosixPath:
    """`path` (absolute, or relative to the current folder) as a path inside the bank root."""
    absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        return PurePosixPath(absolute.relative_to(bank.root.resolve()).as_posix())
    except ValueError as exc:
        raise InputError(path, "is outside the bank", fix=f"pass a profile folder under {bank.root}") from exc


def verify_folder(bank: Bank) -> PurePosixPath:
    return PurePosixPath(Path(bank.settings.profiles).as_posix()) / VERIFY_SET


def default_train(bank: Bank) -> PurePosixPath:
    return PurePosixPath(Path(bank.settings.profiles).as_posix()) / TRAIN_SET


def check_not_verify(bank: Bank, relative: PurePosixPath, shown: Path | str) -> None:
    """Refuse a profile path that is, is inside, or contains the verify profiles."""
    verify = verify_folder(bank)
    if relative == verify or verify in relative.parents or relative in verify.parents or str(relative) == ".":
        raise InputError(
            shown,
            f"evolution never reads {verify}/: those profiles gate merges in CI (`esc skill verify`)",
            fix=f"pass --profiles {default_train(bank)}",
        )


def train_profiles(root: Path, relative: PurePosixPath, bank: Bank, *, source: str = "") -> list[Profile]:
    """Load the train profiles from `root` (the bank at the base ref), after the verify check."""
    check_not_verify(bank, relative, str(relative))
    folder = root / relative
    if not folder.exists():
        raise InputError(
            str(relative),
            f"not found in {source or root}",
            fix="commit the profiles to the base ref first, or pass --profiles to a folder it has",
        )
    real_verify = (root / verify_folder(bank)).resolve()
    real = folder.resolve()
    if real == real_verify or real_verify in real.parents or real in real_verify.parents:
        raise InputError(
            str(relative), f"resolves into {verify_folder(bank)}/ (a link?)", fix="pass a real train folder"
        )
    return load_profile_set(folder)
