"""`esc skill lint`: the rules a bank must keep, each with one exact message.

Two kinds of finding:
- unreadable input (the file cannot be read or parsed into a skill, or breaks the schema): the run
  exits 2, since nothing else about that file can be trusted;
- rule failures on a well-formed skill, and bank-wide rules: the run exits 1. Warnings never fail it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from esc_cli.bank.examples import parse_examples
from esc_cli.bank.files import SkillFileErrors, load_skill
from esc_cli.bank.lines import locate
from esc_cli.bank.load import skill_files
from esc_cli.bank.model import SECTIONS, Conditions, Skill
from esc_cli.errors import InputError

MAX_BODY_LINES = 500
WHERE_ROUTING = "applies_when.seeker_states"
MIN_EXAMPLES = 2
Severity = Literal["unreadable", "error", "warning"]
# Messages from the taxonomy checks in bank/model.py read "unknown <kind> '<id>'".
TAXONOMY_MESSAGE = re.compile(r"^unknown [\w ]+ '")


@dataclass(frozen=True)
class Finding:
    """One lint finding: the file, the key path or place, the message and its fix."""

    path: str
    where: str
    message: str
    rule: str
    severity: Severity
    fix: str = ""
    line: int | None = None
    """1-based line of the file the place refers to, when it is known."""

    def render(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        head = f"{place} -> {self.where}" if self.where else place
        text = f"{head}: {self.message}"
        if self.fix:
            text += f" ({self.fix})"
        return f"warning: {text}" if self.severity == "warning" else text


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    files: int

    @property
    def exit_code(self) -> int:
        severities = {f.severity for f in self.findings}
        if "unreadable" in severities:
            return 2
        return 1 if "error" in severities else 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)


def _from_input_error(error: InputError, shown: str) -> Finding:
    taxonomy = TAXONOMY_MESSAGE.match(error.problem) is not None
    return Finding(
        path=shown,
        where=error.where,
        message=error.problem,
        rule="taxonomy" if taxonomy else "schema",
        severity="error" if taxonomy else "unreadable",
        fix=error.fix,
    )


def read_skill(path: Path, shown: str) -> tuple[Skill | None, list[Finding]]:
    """Load one file; schema and parse problems become findings instead of exceptions."""
    try:
        return load_skill(path), []
    except SkillFileErrors as exc:
        return None, [_from_input_error(err, shown) for err in exc.errors]
    except InputError as exc:
        return None, [_from_input_error(exc, shown)]


def _avoided_everywhere(applies: Conditions, avoid: Conditions) -> bool:
    """True when a state-less avoid_when (which then holds on its whole turn window, as the router
    reads it) covers every turn applies_when allows."""
    if avoid.seeker_states or (avoid.min_turn == 0 and avoid.max_turn is None):
        return False
    starts_before = avoid.min_turn <= applies.min_turn
    ends_after = avoid.max_turn is None or (
        applies.max_turn is not None and applies.max_turn <= avoid.max_turn
    )
    return starts_before and ends_after


def check_skill(skill: Skill, path: Path, shown: str) -> list[Finding]:
    """The per-file rules on a well-formed skill."""
    found: list[Finding] = []

    def add(where: str, message: str, rule: str, fix: str = "", severity: Severity = "error") -> None:
        found.append(Finding(shown, where, message, rule, severity, fix))

    if skill.id != path.stem:
        add(
            "id",
            f"id '{skill.id}' differs from the file name '{path.stem}'",
            "id-matches-file",
            f"rename the file to {skill.id}.md or set id: {path.stem}",
        )
    meta = skill.meta
    for field_name, conditions in (("applies_when", meta.applies_when), ("avoid_when", meta.avoid_when)):
        if conditions.max_turn is not None and conditions.max_turn < conditions.min_turn:
            add(
                f"{field_name}.max_turn",
                f"max_turn {conditions.max_turn} is below min_turn {conditions.min_turn}",
                "turn-range",
                "raise max_turn or lower min_turn",
            )
    if not meta.applies_when.seeker_states:
        add(
            "applies_when.seeker_states",
            "no seeker states: the skill can never be chosen",
            "conditions",
            "list at least one state",
        )
    if _avoided_everywhere(meta.applies_when, meta.avoid_when):
        add(
            "avoid_when",
            "avoid_when lists no states and its turns cover every turn of applies_when: the skill can "
            "never be chosen",
            "conditions",
            "narrow avoid_when's turns, or list the states it should avoid",
        )
    both = sorted(set(meta.applies_when.seeker_states) & set(meta.avoid_when.seeker_states))
    for state in both:
        add(
            "avoid_when.seeker_states",
            f"state '{state}' is in both applies_when and avoid_when",
            "conditions",
            "keep it in one of them",
        )
    if "crisis-risk" in meta.applies_when.seeker_states and not meta.crisis:
        add(
            "applies_when.seeker_states",
            "only the crisis skill may apply to 'crisis-risk'",
            "crisis",
            "move 'crisis-risk' to avoid_when",
        )
    found.extend(_check_body(skill, shown))
    return found


def _check_body(skill: Skill, shown: str) -> list[Finding]:
    found: list[Finding] = []
    lines = skill.body.count("\n") + 1
    if lines >= MAX_BODY_LINES:
        found.append(
            Finding(
                shown,
                "body",
                f"{lines} lines; the limit is {MAX_BODY_LINES - 1}",
                "size",
                "error",
                "shorten the body or move detail out",
            )
        )
    sections = skill.sections()
    for title in SECTIONS:
        if not sections.get(title):
            found.append(
                Finding(
                    shown,
                    "body",
                    f"missing section '## {title}'",
                    "sections",
                    "error",
                    f"add a '## {title}' section with content",
                )
            )
    examples = parse_examples(sections.get("Examples", ""))
    for number, example in enumerate(examples, start=1):
        for problem in example.problems:
            found.append(
                Finding(shown, f"Examples[{number}] '{example.title}'", problem, "examples", "error")
            )
    good = [ex for ex in examples if not ex.problems]
    if "Examples" in sections and len(good) < MIN_EXAMPLES:
        found.append(
            Finding(
                shown,
                "Examples",
                f"{len(good)} well-formed example(s); at least {MIN_EXAMPLES} are required",
                "examples",
                "error",
                "add '### title' blocks of 'Seeker: ' and 'Supporter: ' lines",
            )
        )
    return found


def check_bank(skills: Sequence[tuple[Skill, str]]) -> list[Finding]:
    """Bank-wide rules: unique ids, one active crisis skill, tie-breaks for identical conditions."""
    found: list[Finding] = []
    by_id: dict[str, list[str]] = defaultdict(list)
    for skill, shown in skills:
        by_id[skill.id].append(shown)
    for skill_id, places in by_id.items():
        for shown in places[1:]:
            found.append(
                Finding(
                    shown,
                    "id",
                    f"duplicate id '{skill_id}' (also in {places[0]})",
                    "unique-ids",
                    "unreadable",
                    "give each skill its own id",
                )
            )
    crisis = [(s, shown) for s, shown in skills if s.meta.crisis and s.meta.status == "active"]
    if len(crisis) != 1:
        names = ", ".join(shown for _, shown in crisis) or "none"
        found.append(
            Finding(
                "bank",
                "crisis",
                f"{len(crisis)} active crisis skills ({names}); exactly one is required",
                "crisis",
                "error",
                "keep one active skill with crisis: true",
            )
        )
    for skill, shown in crisis:
        missing = [a for a in ("safety-check", "refer-resource") if a not in skill.meta.actions]
        if missing:
            found.append(
                Finding(
                    shown,
                    "actions",
                    f"the crisis skill lacks {', '.join(missing)}",
                    "crisis",
                    "error",
                    "a crisis skill checks safety and points to human help",
                )
            )
        if "crisis-risk" not in skill.meta.applies_when.seeker_states:
            found.append(
                Finding(
                    shown,
                    "applies_when.seeker_states",
                    "the crisis skill does not apply to 'crisis-risk'",
                    "crisis",
                    "error",
                    "add 'crisis-risk'",
                )
            )
    found.extend(_ties(skills))
    return found


def _ties(skills: Sequence[tuple[Skill, str]]) -> list[Finding]:
    groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for skill, shown in skills:
        if skill.meta.status != "active":
            continue
        cond = skill.meta.applies_when
        key = (tuple(sorted(cond.seeker_states)), cond.min_turn, cond.max_turn, skill.meta.priority)
        groups[key].append(shown)
    found: list[Finding] = []
    for places in groups.values():
        for shown in places[1:]:
            found.append(
                Finding(
                    shown,
                    "applies_when",
                    f"same conditions and priority as {places[0]}",
                    "tie-break",
                    "warning",
                    "set a different priority to break the tie",
                )
            )
    return found


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Folders become the skill files the loader reads (`skill_files`); files stay; order is stable."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(skill_files(path))
        else:
            files.append(path)
    return files


def _with_lines(findings: list[Finding], path: Path) -> list[Finding]:
    """The findings of one file, each with the line its place starts on."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return findings
    located = [replace(f, line=locate(text, f.where)) for f in findings]
    # A place that is only a line ("line 3") is said by the line number alone: skills/x.md:3: ...
    return [replace(f, where="") if f.where == f"line {f.line}" else f for f in located]


def lint_paths(paths: Iterable[Path], *, base: Path | None = None, bank_rules: bool = True) -> LintReport:
    """Lint skill files and folders. `bank_rules` adds the bank-wide rules (for a whole bank)."""
    files = expand_paths(paths)
    findings: list[Finding] = []
    loaded: list[tuple[Skill, str]] = []
    for path in files:
        shown = _display(path, base)
        skill, problems = read_skill(path, shown)
        if skill is not None:
            problems += check_skill(skill, path, shown)
            loaded.append((skill, shown))
        findings.extend(_with_lines(problems, path))
    if bank_rules:
        by_shown = {_display(path, base): path for path in files}
        for finding in check_bank(loaded):
            source = by_shown.get(finding.path)
            findings.extend(_with_lines([finding], source) if source is not None else [finding])
    if not files:
        findings.append(
            Finding(
                "bank",
                "",
                "no skill files found",
                "files",
                "unreadable",
                "add skills/<id>.md files or pass paths",
            )
        )
    return LintReport(findings=tuple(findings), files=len(files))


def with_text_screen(report: LintReport, paths: Iterable[Path], *, base: Path | None = None) -> LintReport:
    """The report plus the findings of the text screen (rule 'text') and the routing screen (rule
    'routing'), both errors: `esc skill lint --strict`."""
    from esc_cli.verify.routing import FIX, routing_worktree
    from esc_cli.verify.screen import screen_worktree

    files = [p for p in expand_paths(paths) if p.is_file()]

    def shown(path: Path) -> str:
        return _display(path, base)

    found = [
        Finding(
            f.file,
            f.part,
            f'"{f.text}" {f.reason}',
            "text",
            "error",
            "reword it; verify fails criterion 'text' on the same line",
            line=f.line,
        )
        for f in screen_worktree(files, shown)
    ]
    found += [
        Finding(
            f.file,
            WHERE_ROUTING,
            f.reason,
            "routing",
            "error",
            f"{FIX}; verify fails criterion 'routing' on the same change",
            line=f.line,
        )
        for f in routing_worktree(files, shown)
    ]
    return LintReport(findings=(*report.findings, *found), files=report.files)


def lint_bank(folder: Path, *, base: Path | None = None) -> LintReport:
    """Lint a whole bank folder with the bank-wide rules."""
    if not folder.is_dir():
        finding = Finding(
            str(folder), "", "skills folder not found", "files", "unreadable", "create it or pass --bank"
        )
        return LintReport(findings=(finding,), files=0)
    return lint_paths([folder], base=base)
