"""The crisis skill a discovered bank must always have, carried over when the data cannot supply it."""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.bank.load import load_skills
from esc_cli.bank.model import Skill
from esc_cli.errors import ConfigError, InputError

FROM_CURRENT = "carried from the current bank"
FROM_DEFAULTS = "carried from the packaged default bank"


def find_crisis(skills: Sequence[Skill]) -> Skill | None:
    """The active crisis skill of a bank, if it has one."""
    return next((s for s in skills if s.meta.crisis and s.meta.status == "active"), None)


def carried_crisis(current: Sequence[Skill]) -> tuple[Skill, str]:
    """The current bank's crisis skill, else the packaged default one, with where it came from."""
    found = find_crisis(current)
    if found is not None:
        return found, FROM_CURRENT
    from esc_cli.scaffold import defaults_root

    try:
        defaults = load_skills(defaults_root() / "skills")
    except InputError as exc:
        raise ConfigError(f"no crisis skill to carry into the discovered bank: {exc}") from exc
    found = find_crisis(defaults)
    if found is None:
        raise ConfigError(
            "no crisis skill to carry into the discovered bank "
            "(add one with crisis: true to the current bank, or reinstall esc-skills)"
        )
    return found, FROM_DEFAULTS
