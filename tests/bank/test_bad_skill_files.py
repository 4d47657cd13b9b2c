"""Unreadable or hostile skill files: one clear line naming the file, exit 2, no traceback, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import EscRunner, make_bank, skill_text

CASES: dict[str, tuple[bytes, str]] = {
    "malformed-yaml": (
        b"---\nid: x\ntitle: [unclosed\n---\nbody\n",
        "skills/bad.md -> line 4, column 1: malformed YAML: expected ',' or ']'",
    ),
    "empty": (b"", "skills/bad.md: empty skill file (write the skill file or delete it)"),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        "skills/bad.md: binary data, not a text skill file (save it as UTF-8 text)",
    ),
    "latin-1": (
        skill_text("bad").replace("A sample skill", "Caf\u00e9").encode("latin-1"),
        "skills/bad.md: not valid UTF-8 (byte 0xe9 at offset",
    ),
    "no-front-matter": (
        b"# Just markdown\n",
        "skills/bad.md:1: no front matter (start the file with a '---' line)",
    ),
    "not-closed": (
        b"---\nid: bad\n",
        "skills/bad.md: front matter is not closed (add a '---' line after the YAML header)",
    ),
    "unknown-key": (
        skill_text("bad", extra="colour: blue\n").encode(),
        "skills/bad.md:22 -> colour: unknown key (remove it or check its spelling)",
    ),
    "wrong-type": (
        skill_text("bad").replace("version: 1", "version: one").encode(),
        "skills/bad.md:4 -> version: Input should be a valid integer",
    ),
    "python-tag": (
        skill_text("bad")
        .replace("title: A sample skill", "title: !!python/object/apply:os.system ['echo pwned']")
        .encode(),
        "skills/bad.md:3: YAML tag not allowed:",
    ),
    "not-a-mapping": (b"---\n- a\n- b\n---\nbody\n", "skills/bad.md: front matter is not a YAML mapping"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_gives_one_line_and_exit_two(esc: EscRunner, tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    make_bank(tmp_path)
    bad = tmp_path / "skills" / "bad.md"
    bad.write_bytes(content)
    result = esc("skill", "lint", cwd=tmp_path)
    assert result.code == 2, result.out + result.err
    assert expected in result.err
    assert "Traceback" not in result.out + result.err
    error_lines = [line for line in result.err.splitlines() if line.startswith("skills/bad.md")]
    assert len(error_lines) == 1
    assert bad.read_bytes() == content  # nothing lost or rewritten


def test_template_syntax_stays_literal(esc: EscRunner, tmp_path: Path) -> None:
    body = skill_text().split("---\n", 2)[2].replace("1. Listen.", "1. Listen. {{ config }} {% for x in y %}")
    make_bank(tmp_path, {"sample-skill": skill_text(body=body)})
    assert esc("skill", "lint", cwd=tmp_path).code == 0
    shown = esc("skill", "show", "sample-skill", cwd=tmp_path)
    assert "1. Listen. {{ config }} {% for x in y %}" in shown.out


def test_no_bank_is_one_clear_line(esc: EscRunner, tmp_path: Path) -> None:
    result = esc("skill", "list", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("error: no bank found from ")
    assert "(run inside a bank, pass --bank PATH, or create one with `esc init DIR`)" in result.err
