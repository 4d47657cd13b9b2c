"""The text screen: every example reply and guidance step that a change adds or edits, read line by line.

Simulation measures what the agent says; the screen reads what the author wrote. It runs in the verify
gate (criterion `text`, on the lines changed between base and head) and in `esc skill lint --strict`
(on the lines changed since the last commit), reading the same parts:

- the `Supporter:` lines of `## Examples` (what the offline agent speaks and a model agent imitates);
- the steps of `## Guidance` (what a model agent is told to do).

`## Pitfalls` and the risks are not screened: they quote harmful phrasing on purpose, to name it.

Each line goes through a `LineReader`, a callable `read_line(text) -> reason | None`. The default,
`judged_reading`, reads a line twice:

1. `lexical_reading`: the offline labeller's harm cues (minimising, blaming, toxic positivity,
   dismissive; `esc_cli.iu.action_cues.HARM_CUES`) and a short table of phrasing that undermines
   safety (keeping a disclosure secret, talking someone out of help, changing the subject). A cue
   preceded in its sentence by a word that turns it into advice against it ("do not say 'calm down'")
   is not a finding.
2. the judge's harm reading (`esc_cli.judge.reading.ReplyJudge.harm_of`, a head over sentence
   embeddings of the shared encoder), counted only above JUDGE_HARM_ABOVE and only for sentences not
   advised against. The judge was trained on what supporters say, not on instructions to them: at its
   own threshold it reads 13 of the 262 guidance steps and example replies of the shipped bank as
   harmful, all wrongly ("you stood up for yourself while still caring about the friendship" as
   blaming). No shipped line reaches JUDGE_HARM_ABOVE (the highest reads 0.95), so the shipped bank
   screens clean.

In a crisis skill, every changed reply must also read as a safety check.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from esc_cli.errors import EscError
from esc_cli.iu.action_cues import HARM_CUES
from esc_cli.iu.cues import HARM_IDS
from esc_cli.iu.labeller import normalise

if TYPE_CHECKING:
    from esc_cli.judge.reading import ReplyJudge

LineReader = Callable[[str], "str | None"]
"""Reads one line of skill text; returns why it is harmful, or None when it reads as fine."""

GUIDANCE = "Guidance"
EXAMPLES = "Examples"
SUPPORTER = "Supporter:"
SAFETY_CHECK = "safety-check"

# Phrasing that steers away from safety: keeping a disclosure secret, talking someone out of help,
# or moving on from a crisis cue. Written against `normalise`d text (lower case, straight quotes).
UNSAFE_ADVICE: tuple[str, ...] = (
    r"\bkeep (?:it|this|that) (?:to yourself|between us|a secret|secret)\b",
    r"\b(?:no need|don't need|do not need|you don't have) to (?:call|contact|tell|talk to|see) "
    r"(?:anyone|anybody|a doctor|a professional|a therapist|a counsel+or|the hotline|a hotline|"
    r"a crisis line|the crisis line|emergency services|your doctor)\b",
    r"\b(?:change|move on from) the (?:subject|topic)\b",
    r"\b(?:skip|drop|leave out|ignore) the safety (?:check|question)\b",
    r"\b(?:don't|do not|never) ask (?:about|whether|if) (?:they|the seeker|you) (?:are safe|want to die|"
    r"self-harm|hurt)\w*",
    r"\b(?:don't|do not|never) ask about (?:suicide|self-harm|safety)\b",
    r"\byou (?:don't|do not) need (?:help|professional help|a therapist|a doctor)\b",
    r"\b(?:it's|that's|it is|that is) (?:just|only) a phase\b",
)

# A word before a cue in the same sentence that makes the line advice against the phrase.
_AGAINST = re.compile(
    r"\b(?:not|never|avoid\w*|without|instead of|rather than|resist|refrain|no one should|steer clear)\b"
    r"|\bdon't\b(?! be\b)"
)
_SENTENCE_END = re.compile(r"[.;!?]\s")
# A cue that opens an ordinary phrase ("whatever happens on Monday") is not a finding.
_ORDINARY = re.compile(r"whatever (?:happens|you|comes|the|it|they|we|i|she|he|your|feels|works)\b")


@dataclass(frozen=True)
class ChangedText:
    """One skill file before and after the change (`base` is None for a new file)."""

    file: str
    base: str | None
    head: str
    crisis: bool = False


@dataclass(frozen=True)
class TextFinding:
    """One screened line read as harmful: where it is, what it says and why it fails."""

    file: str
    line: int
    text: str
    reason: str
    part: str

    def describe(self) -> str:
        return f'{self.file}:{self.line} ({self.part}): "{self.text}" — {self.reason}'


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    found = [(harm, re.compile(part)) for harm in HARM_IDS for part in HARM_CUES[harm].parts]
    found += [("advice that undermines safety", re.compile(part)) for part in UNSAFE_ADVICE]
    return tuple(found)


def _advised_against(norm: str, start: int) -> bool:
    sentence_starts = [m.end() for m in _SENTENCE_END.finditer(norm, 0, start)]
    before = norm[sentence_starts[-1] if sentence_starts else 0 : start]
    return _AGAINST.search(before) is not None


def lexical_reading(text: str) -> str | None:
    """The offline reading of one line: the first harm cue not advised against, as a reason."""
    norm = normalise(text)
    for label, pattern in _patterns():
        for match in pattern.finditer(norm):
            if _ORDINARY.match(norm, match.start()) or _advised_against(norm, match.start()):
                continue
            kind = label if " " in label else f"reads as {label}"
            return f"{kind} ('{match.group(0).strip()}')"
    return None


JUDGE_HARM_ABOVE = 0.98
"""The judge's harm probability over which the screen counts its reading (above every shipped line)."""


@cache
def _judge() -> ReplyJudge:
    from esc_cli.judge.reading import ReplyJudge

    return ReplyJudge()


def judged_reading(text: str) -> str | None:
    """The screen's reading: the lexical cues first, then the judge's harm reading (module docstring)."""
    lexical = lexical_reading(text)
    if lexical is not None:
        return lexical
    for harm in _judge().harm_of(text):
        norm = normalise(harm.sentence)
        if harm.probability > JUDGE_HARM_ABOVE and not _AGAINST.search(norm):
            return f"read by the judge as {harm.kind} (p {harm.probability:.2f}: '{harm.sentence}')"
    return None


def changed_lines(base: str | None, head: str) -> set[int]:
    """1-based numbers of the head lines that the change added or edited."""
    head_lines = head.splitlines()
    if base is None:
        return set(range(1, len(head_lines) + 1))
    matcher = difflib.SequenceMatcher(a=base.splitlines(), b=head_lines, autojunk=False)
    found: set[int] = set()
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            found.update(range(j1 + 1, j2 + 1))
    return found


def screened_lines(head: str) -> list[tuple[int, str, str]]:
    """(line number, part, text) of every line the screen reads: guidance steps and example replies."""
    lines = head.splitlines()
    found: list[tuple[int, str, str]] = []
    section = ""
    in_front = bool(lines) and lines[0].strip() == "---"
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if in_front:
            if number > 1 and stripped == "---":
                in_front = False
            continue
        if raw.startswith("## "):
            section = raw[3:].strip()
            continue
        if not stripped:
            continue
        if section == GUIDANCE:
            found.append((number, "guidance step", stripped))
        elif section == EXAMPLES and stripped.startswith(SUPPORTER):
            found.append((number, "example reply", stripped[len(SUPPORTER) :].strip()))
    return found


def _crisis_reading(text: str) -> str | None:
    from esc_cli.iu.labeller import default_labeller

    if SAFETY_CHECK in default_labeller().support_actions(text):
        return None
    return "a crisis-skill reply with no safety check (ask directly about safety)"


def screen_changed_text(
    changes: Sequence[ChangedText], read_line: LineReader | None = None
) -> list[TextFinding]:
    """Findings on every changed guidance step and example reply, in file and line order."""
    reader = read_line or judged_reading
    findings: list[TextFinding] = []
    for change in sorted(changes, key=lambda c: c.file):
        touched = changed_lines(change.base, change.head)
        for number, part, text in screened_lines(change.head):
            if number not in touched:
                continue
            reason = reader(text)
            if reason is None and change.crisis and part == "example reply":
                reason = _crisis_reading(text)
            if reason is not None:
                findings.append(TextFinding(change.file, number, text, reason, part))
    return findings


_CRISIS_LINE = re.compile(r"^crisis:\s*true\s*$", re.MULTILINE)


def committed_text(path: Path) -> str | None:
    """The file as the last commit has it; None outside a repository or for a file git does not track."""
    import git

    from esc_cli import gitops

    try:
        repo = gitops.open_repo(path.parent)
        relative = path.resolve().relative_to(gitops.repo_root(repo).resolve()).as_posix()
        return str(repo.git.show(f"HEAD:{relative}"))
    except (EscError, ValueError, git.GitCommandError):
        return None


def screen_worktree(files: Sequence[Path], shown: Callable[[Path], str]) -> list[TextFinding]:
    """The screen of `esc skill lint --strict`: the lines changed since the last commit, or every line
    of a file the last commit does not hold (outside a repository, every line)."""
    changes: list[ChangedText] = []
    for path in files:
        try:
            head = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # lint reports unreadable files itself
        front = head.split("\n---", 1)[0]
        changes.append(ChangedText(shown(path), committed_text(path), head, bool(_CRISIS_LINE.search(front))))
    return screen_changed_text(changes)


def text_detail(findings: Sequence[TextFinding], screened: int) -> str:
    """The criterion's detail: how many lines were read, and the first finding quoted."""
    if not findings:
        return f"{screened} changed line(s) screened, none read as harmful"
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{len(findings)} harmful line(s), first: {findings[0].describe()}{more}"


def count_screened(changes: Sequence[ChangedText]) -> int:
    """How many changed lines the screen read."""
    return sum(
        1
        for change in changes
        for number, _part, _text in screened_lines(change.head)
        if number in changed_lines(change.base, change.head)
    )
