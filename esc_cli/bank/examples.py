"""The example exchanges of a skill's `## Examples` section.

Format: each example is a `### title` heading followed by lines that begin `Seeker: ` or `Supporter: `,
alternating, starting with the seeker and ending with the supporter.
"""

from __future__ import annotations

import re
from itertools import pairwise

from pydantic import BaseModel, ConfigDict

from esc_cli.bank.model import SPEAKERS, Skill

_EXAMPLE_HEADING = re.compile(r"^### (.+?)\s*$", re.MULTILINE)


class Line(BaseModel):
    model_config = ConfigDict(frozen=True)

    speaker: str
    text: str


class Example(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    lines: tuple[Line, ...]
    problems: tuple[str, ...] = ()

    def supporter_lines(self) -> list[str]:
        return [line.text for line in self.lines if line.speaker == "Supporter"]

    def seeker_lines(self) -> list[str]:
        return [line.text for line in self.lines if line.speaker == "Seeker"]


def _parse_lines(chunk: str) -> tuple[tuple[Line, ...], tuple[str, ...]]:
    lines: list[Line] = []
    problems: list[str] = []
    for raw in chunk.strip().splitlines():
        text = raw.strip()
        if not text:
            continue
        speaker, sep, said = text.partition(": ")
        if not sep or speaker not in SPEAKERS or not said.strip():
            problems.append(f"line '{text[:40]}' does not start with 'Seeker: ' or 'Supporter: '")
            continue
        lines.append(Line(speaker=speaker, text=said.strip()))
    if lines and lines[0].speaker != "Seeker":
        problems.append("starts with the supporter; start with a 'Seeker: ' line")
    if lines and lines[-1].speaker != "Supporter":
        problems.append("ends with the seeker; end with a 'Supporter: ' line")
    if any(a.speaker == b.speaker for a, b in pairwise(lines)):
        problems.append("the same speaker twice in a row; alternate Seeker and Supporter")
    if not lines:
        problems.append("has no 'Seeker: ' or 'Supporter: ' lines")
    return tuple(lines), tuple(problems)


def parse_examples(section: str) -> list[Example]:
    """Split an Examples section into examples; each carries the format problems found in it."""
    parts = _EXAMPLE_HEADING.split(section)
    examples: list[Example] = []
    for i in range(1, len(parts) - 1, 2):
        lines, problems = _parse_lines(parts[i + 1])
        examples.append(Example(title=parts[i].strip(), lines=lines, problems=problems))
    return examples


def skill_examples(skill: Skill) -> list[Example]:
    """The well-formed examples of a skill (those with no format problem)."""
    return [ex for ex in parse_examples(skill.section("Examples")) if not ex.problems]
