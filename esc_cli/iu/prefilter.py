"""Pre-checks for regex alternatives: what any match must contain, read from the parsed pattern.

`anchors(pattern)` returns a set of anchors such that every match of `pattern` in a text contains at
least one of them, or None when no useful set can be proved. An anchor is a whole word (`word` True:
the text's `\\w+` tokens must include it) or a literal (`word` False: a substring test). A cue tries
an alternative only when one of its anchors is present, a set lookup or a substring test instead of
a regex search, and so skips most alternatives for most texts. The anchors of every cue ship in
`esc_cli/assets/cue_anchors.json` (`known_anchors`), so a process does not prove them again.

The proof walks the pattern as Python's own regex parser reads it: runs of items with a finite set
of expansions (literals, small classes, alternations, optional parts) are expanded into strings, and
a word of such a string is whole when a boundary (`\\b`, `^`, `$` or a non-word character) is known
on both sides. Anything it does not understand ends a run, so the answer only ever gets weaker,
never wrong. `tests/iu/test_cue_prefilter.py` compares every cue against trying every alternative.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import sys
from collections.abc import Iterable
from importlib import resources
from typing import Any, NamedTuple

C: Any
P: Any
try:  # the parser the `re` module itself uses (Python 3.11+); without it nothing is pre-checked
    C = importlib.import_module("re._constants")
    P = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - other Python implementations
    C = P = None

TABLE_NAME = "cue_anchors.json"
# Bump when the meaning of an anchor changes: an old table is then ignored.
TABLE_VERSION = 1
# A run's expansions are kept while there are at most this many strings.
MAX_EXPANSIONS = 96
# Repeats are expanded up to this many copies (`x?`, `x{0,2}`); longer ones end a run.
MAX_COPIES = 2
_TOKEN = re.compile(r"\w+")
# Words so common that a pre-check on them saves little; a rarer word of the same string is preferred.
_COMMON = frozenset(
    re.findall(
        r"\S+",
        "i a an the to and or but so of in on at for with it is was are be been me my you your he she "
        "they we them that this what how not no do did don t s m re ve ll d have has had just really can "
        "will would could should if as all about there here now then like get got one im",
    )
)


class Anchor(NamedTuple):
    """Something every match contains: a whole word (`word` True) or a literal substring."""

    text: str
    word: bool

    @property
    def cost(self) -> float:
        """A rough chance that a text contains it: lower is a better pre-check."""
        return _cost_of(self.text, self.word)


@functools.cache
def _cost_of(text: str, word: bool) -> float:
    if word:  # a set lookup: preferred to a literal unless the word is common
        if text in _COMMON:
            return 0.5
        return 0.03 if len(text) <= 3 else 0.01
    spaces = text.count(" ")
    return max(0.02, 0.3 / (len(text) + 4 * spaces))


def known_anchors(pattern: str) -> frozenset[Anchor] | None:
    """`anchors(pattern)`, read from the packaged table when it holds the pattern (the proof costs
    ~0.1 s for all cues, a lot for a short command); proved here otherwise, e.g. for a cue edited
    since the table was written (`python -m esc_cli.iu.prefilter --write`; a test checks it)."""
    table = _table()
    if pattern in table:
        return table[pattern]
    return anchors(pattern)


@functools.cache
def _table() -> dict[str, frozenset[Anchor] | None]:
    try:
        text = resources.files("esc_cli").joinpath("assets", TABLE_NAME).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError):
        return {}
    if data.get("version") != TABLE_VERSION:
        return {}
    return {
        pattern: None if found is None else frozenset(Anchor(str(t), bool(w)) for t, w in found)
        for pattern, found in data["anchors"].items()
    }


def table_text(patterns: Iterable[str]) -> str:
    """The packaged table for these patterns, as JSON."""
    rows: dict[str, list[list[object]] | None] = {}
    for pattern in sorted(set(patterns)):
        found = anchors(pattern)
        rows[pattern] = None if found is None else [[a.text, a.word] for a in sorted(found)]
    lines = ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in rows.items())
    return f'{{\n "version": {TABLE_VERSION},\n "anchors": {{\n{lines}\n }}\n}}\n'


def anchors(pattern: str) -> frozenset[Anchor] | None:
    """Anchors of which every match of `pattern` contains at least one; None when none are proved."""
    if P is None:
        return None
    try:
        parsed = P.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    return _sequence(list(parsed))


def _sequence(items: list[Any], left: bool = False, right: bool = False) -> frozenset[Anchor] | None:
    """The cheapest anchor set among the runs of one sequence of parsed items. `left` and `right`
    tell whether a boundary is known just before and just after the sequence."""
    if len(items) == 1 and items[0][0] is C.BRANCH:
        return _union([_sequence(list(branch), left, right) for branch in items[0][1][1]])
    best: frozenset[Anchor] | None = None
    run: set[str] | None = None  # expansions of the current run; None before it starts
    bounded = left  # a boundary is known just before the current run

    def consider(found: frozenset[Anchor] | None) -> None:
        nonlocal best
        if found is not None and (best is None or _cost(found) < _cost(best)):
            best = found

    def close(right_bounded: bool) -> None:
        nonlocal run
        if run:
            consider(_run_anchors(run, bounded, right_bounded))
        run = None

    for position, (op, av) in enumerate(items):
        if op is C.AT:
            if av not in _BOUNDARIES:
                close(False)
                bounded = False
                continue
            close(True)
            bounded = True
            continue
        if op in (C.ASSERT, C.ASSERT_NOT):
            continue  # zero width: the characters either side are unchanged
        expansions = _expand([(op, av)])
        if expansions is not None:
            if run is None:
                run = set(expansions)
                continue
            joined = _product(run, expansions)
            if joined is not None:
                run = joined
                continue
            previous = run
            close(False)
            bounded = _ends_nonword(previous)
            run = set(expansions)
            continue
        # An item with no finite expansion: it ends the run.
        kind = _nonword_repeat(op, av)
        if kind == "some":
            close(True)
            bounded = True
            continue
        after = _bounded_after(items[position + 1 :], right)
        ended: set[str] | None = run
        # Zero or more non-word characters, then a boundary: a boundary either way.
        close(kind == "maybe" and after)
        before = bounded if ended is None else _ends_nonword(ended)
        if kind == "maybe":
            bounded = before
            continue
        if op is C.SUBPATTERN and not av[1] and not av[2]:
            consider(_sequence(list(av[3]), before, after))
        elif op is C.BRANCH:
            consider(_union([_sequence(list(branch), before, after) for branch in av[1]]))
        bounded = False
    close(right)
    return best


def _ends_nonword(run: set[str]) -> bool:
    return all(s and not _is_word(s[-1]) for s in run)


def _bounded_after(rest: list[Any], right: bool) -> bool:
    """Whether a boundary is known just before the items `rest` (the end of the sequence: `right`)."""
    for op, av in rest:
        if op in (C.ASSERT, C.ASSERT_NOT):
            continue
        if op is C.AT:
            return av in _BOUNDARIES
        if op is C.LITERAL:
            return not _is_word(chr(av))
        return _nonword_repeat(op, av) == "some"
    return right


def _union(parts: list[frozenset[Anchor] | None]) -> frozenset[Anchor] | None:
    if any(p is None for p in parts):
        return None
    return frozenset().union(*(p for p in parts if p is not None))


def _cost(found: frozenset[Anchor]) -> float:
    return sum(a.cost for a in found)


def _is_word(char: str) -> bool:
    return _TOKEN.fullmatch(char) is not None


def _run_anchors(run: set[str], left: bool, right: bool) -> frozenset[Anchor] | None:
    """Anchors covering every expansion of a run: its whole words, else the expansion itself; the
    cheapest cover is picked greedily (the anchor with the lowest cost per expansion it covers)."""
    options: dict[str, set[Anchor]] = {}
    for text in run:
        mine: set[Anchor] = set()
        for token in _TOKEN.finditer(text):
            if (token.start() > 0 or left) and (token.end() < len(text) or right):
                mine.add(Anchor(token.group(), True))
        if len(text.strip()) >= 3:
            mine.add(Anchor(text, False))
        if not mine:
            return None
        options[text] = mine
    chosen: set[Anchor] = set()
    uncovered = set(options)
    while uncovered:
        counts: dict[Anchor, int] = {}
        for text in uncovered:
            for anchor in options[text]:
                counts[anchor] = counts.get(anchor, 0) + 1
        best = min(counts, key=lambda a: (_cost_of(*a) / counts[a], a.text))
        chosen.add(best)
        uncovered = {text for text in uncovered if best not in options[text]}
    # A literal that holds another chosen literal adds nothing: the shorter one is present anyway.
    literals = [a.text for a in chosen if not a.word]
    return frozenset(a for a in chosen if a.word or not any(b != a.text and b in a.text for b in literals))


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > MAX_EXPANSIONS:
        return None
    return {a + b for a in left for b in right}


def _expand(items: list[Any]) -> set[str] | None:
    """Every string the items can match, when that is a small finite set; None otherwise."""
    out: set[str] = {""}
    for op, av in items:
        part: set[str] | None
        if op is C.LITERAL:
            part = {chr(av)}
        elif op is C.IN:
            part = _class_chars(av)
        elif op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            part = _expand(list(sub)) if not add_flags and not del_flags else None
        elif op is C.BRANCH:
            branches = [_expand(list(b)) for b in av[1]]
            part = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, sub = av
            inner = _expand(list(sub))
            part = _repeat(inner, low, high) if inner is not None and high <= MAX_COPIES else None
        elif op in (C.ASSERT, C.ASSERT_NOT, C.AT):
            part = {""}  # zero width; a boundary inside a group is not used, which is only weaker
        else:
            part = None
        if part is None:
            return None
        joined = _product(out, part)
        if joined is None:
            return None
        out = joined
    return out


def _repeat(inner: set[str], low: int, high: int) -> set[str] | None:
    """Every string of `low` to `high` copies of the strings of `inner`."""
    out: set[str] = set()
    step: set[str] = {""}
    for copies in range(high + 1):
        if copies >= low:
            out |= step
        if copies < high:
            longer = _product(step, inner)
            if longer is None:
                return None
            step = longer
    return out


def _class_chars(av: list[Any]) -> set[str] | None:
    chars: set[str] = set()
    for op, value in av:
        if op is C.LITERAL:
            chars.add(chr(value))
        elif op is C.RANGE and value[1] - value[0] < 10:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars if len(chars) <= 12 else None


_BOUNDARIES = (
    {C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END, C.AT_END_STRING}
    if C is not None
    else set()
)
_NONWORD_CLASSES = {C.CATEGORY_NOT_WORD, C.CATEGORY_SPACE} if C is not None else set()


def _nonword_repeat(op: Any, av: Any) -> str:
    """`some` for an item that always matches one or more non-word characters and nothing else
    (`\\W+`, `\\s`), `maybe` for one that matches zero or more of them (`\\W*`), "" otherwise."""
    low = 1
    item = (op, av)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, _high, sub = av
        if len(sub) != 1:
            return ""
        item = sub[0]
    kind, value = item
    if kind is not C.IN or not value:
        return ""
    for entry_op, entry in value:
        if entry_op is C.CATEGORY and entry in _NONWORD_CLASSES:
            continue
        if entry_op is C.LITERAL and not _is_word(chr(entry)):
            continue
        return ""
    return "some" if low >= 1 else "maybe"


def main(argv: list[str]) -> int:
    """`--write` rewrites the packaged table from the cues; `--check` exits 1 when it is stale."""
    from esc_cli.iu.cues import all_cues

    if argv not in (["--write"], ["--check"]):
        print("usage: python -m esc_cli.iu.prefilter --write | --check", file=sys.stderr)
        return 2
    path = resources.files("esc_cli").joinpath("assets", TABLE_NAME)
    text = table_text(part for cue in all_cues() for part in cue.parts)
    if argv == ["--check"]:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{TABLE_NAME} is stale: run python -m esc_cli.iu.prefilter --write", file=sys.stderr)
            return 1
        return 0
    with resources.as_file(path) as file:
        file.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
