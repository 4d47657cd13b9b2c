"""The bank's table of emergency numbers and national crisis lines (`<skills>/crisis-lines.yaml`).

Why a YAML file in the skills folder: it travels with the bank (git, `esc init`, the verify gate's
base and head, `esc export`), anyone can edit it without touching Python or pyproject.toml, and it
holds comments, a `checked` date and wording a person can read. A bank without the file uses the
table shipped with esc (the default bank's copy).

    checked: 2026-12-04
    lines:
      GB: {country: United Kingdom, emergency: "999", crisis_line: Samaritans on 116 123 (...)}

`help_sentence(locale, kinds)` is the pointer to human help for one seeker: the locale's numbers when
the table has an entry, generic wording with no number at all otherwise; for danger from another
person alone, the emergency number and a domestic abuse or victim support service; for danger beside
another kind, both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.safety.kinds import HARM_FROM_OTHERS

LINES_FILE = "crisis-lines.yaml"
LOCALE_PATTERN = r"^[A-Z]{2}$"
_GENERIC_POINTER = "If you might be in danger right now, please call your local emergency number, or reach a local crisis line"
_TRUSTED_TODAY = "a person you trust today"
GENERIC_HELP = f"{_GENERIC_POINTER} or {_TRUSTED_TODAY}."
# A reply that already points to people the seeker trusts: the help sentence does not say it again.
_TRUSTED_POINTER = re.compile(r"\b(?:someone|somebody|a person|people|anyone) you trust\b", re.IGNORECASE)
DANGER_SUPPORT = "a domestic abuse or victim support service can help you plan what to do next."
# A sentence that already sends the seeker to emergency services: the locale's help sentence takes its
# place, so a reply never gives the emergency pointer twice (or two different numbers).
_EMERGENCY_POINTER = re.compile(r"\bemergency (?:number|services)\b", re.IGNORECASE)
# A run of digits a reader could dial (three digits or more, spaces and dashes allowed inside).
_NUMBER = re.compile(r"\d(?:[ -]?\d){2,}")


class CrisisLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str
    emergency: str = Field(description="The emergency number, e.g. 999.")
    crisis_line: str = Field(description="The national crisis line, in words a seeker can act on.")


class CrisisLines(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checked: dt.date
    lines: dict[str, CrisisLine] = Field(default_factory=dict)

    def entry(self, locale: str | None) -> CrisisLine | None:
        return self.lines.get(locale.upper()) if locale else None

    def help_sentence(self, locale: str | None, kinds: Sequence[str] = (), *, trusted: bool = True) -> str:
        """The pointer to human help for a seeker in `locale` (generic, with no number, without an entry),
        for the kinds of cue read (`esc_cli.safety.kinds`).

        For danger from another person alone the help is the emergency number and a domestic abuse or
        victim support service, never the suicide crisis line; for danger beside another kind, the
        crisis line's sentence and then the domestic abuse or victim support service. Without
        `trusted` (the reply already points to people the seeker trusts) it does not name them again."""
        line = self.entry(locale)
        if tuple(kinds) == (HARM_FROM_OTHERS,):
            emergency = line.emergency if line is not None else "your local emergency number"
            return f"If you are in immediate danger, please call {emergency}; {DANGER_SUPPORT}"
        if line is None:
            text = f"{_GENERIC_POINTER} or {_TRUSTED_TODAY}." if trusted else f"{_GENERIC_POINTER} today."
        else:
            text = (
                f"If you might be in danger right now, please call {line.emergency}; you can also reach "
                f"{line.crisis_line}" + (f", or {_TRUSTED_TODAY}." if trusted else ".")
            )
        if HARM_FROM_OTHERS in kinds:
            text += f" {DANGER_SUPPORT[0].upper()}{DANGER_SUPPORT[1:]}"
        return text

    def numbers(self, locale: str | None) -> set[str]:
        """The dialable numbers of a locale's entry (digits only)."""
        line = self.entry(locale)
        if line is None:
            return set()
        return {re.sub(r"\D", "", n) for n in _NUMBER.findall(f"{line.emergency} {line.crisis_line}")}


def numbers_in(text: str) -> set[str]:
    """Dialable numbers in a text (digits only)."""
    return {re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}


def read_lines(path: Path) -> CrisisLines:
    """Read and check a crisis-lines file; any problem names the file and the fix."""
    try:
        data = yaml.safe_load(read_text(path))
        table = CrisisLines.model_validate(data)
    except yaml.YAMLError as exc:
        raise InputError(
            path, "not valid YAML", fix="fix the syntax; see the comments at the top of the file"
        ) from exc
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise InputError(
            path, f"{exc.errors()[0]['msg']}", where=where, fix="see the comments at the top of the file"
        ) from exc
    bad = [code for code in table.lines if not re.match(LOCALE_PATTERN, code)]
    if bad:
        raise InputError(
            path,
            f"'{bad[0]}' is not a two-letter country code",
            where="lines",
            fix="use ISO codes such as GB",
        )
    return table


@cache
def default_lines() -> CrisisLines:
    """The table shipped with esc (the default bank's copy)."""
    from esc_cli.scaffold import defaults_root

    return read_lines(defaults_root() / "skills" / LINES_FILE)


def bank_lines(skills_dir: Path | None) -> CrisisLines:
    """The bank's table when its skills folder has one, else the shipped table."""
    if skills_dir is not None and (skills_dir / LINES_FILE).is_file():
        return read_lines(skills_dir / LINES_FILE)
    return default_lines()


def localise_help(text: str, table: CrisisLines, locale: str | None, kinds: Sequence[str] = ()) -> str:
    """A crisis reply made to fit the seeker's locale and the kinds of cue read: sentences that give a number
    the locale's entry does not hold are dropped, and the help sentence (`help_sentence`, generic
    without an entry) takes the place of the first sentence that points to emergency services, or
    ends the reply when none does; any other such sentence is dropped."""
    from esc_cli.judge.reading import sentences

    allowed = table.numbers(locale)
    help_text = table.help_sentence(locale, kinds, trusted=not _TRUSTED_POINTER.search(text))
    kept: list[str] = []
    placed = False
    for sentence in sentences(text):
        if _EMERGENCY_POINTER.search(sentence):
            if not placed:
                kept.append(help_text)
                placed = True
        elif numbers_in(sentence) <= allowed:
            kept.append(sentence)
    return " ".join(kept if placed else [*kept, help_text])
