"""Issue 18, items 5, 6, 8 (readers) and 14: hostile skill, profile and corpus files get one line, exit 2."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, make_bank, skill_text

PROFILE = REPO / "profiles" / "verify" / "verify-archivist-numb-winter.yaml"
DIALOGUE = {
    "dialog": [
        {"speaker": "seeker", "content": "I lost my job."},
        {"speaker": "supporter", "content": "That sounds hard."},
    ]
}


def test_a_duplicate_key_is_refused_naming_both_lines(esc: EscRunner, tmp_path: Path) -> None:
    text = skill_text(extra="status: draft\n")  # status: active is on line 5
    bank = make_bank(tmp_path, {"sample-skill": text})
    line = text.splitlines().index("status: draft") + 1
    result = esc("skill", "lint", cwd=bank)
    assert result.code == 2
    assert (
        f"skills/sample-skill.md:{line}: duplicate key 'status', first on line 5 (keep one of the two)"
        in result.out + result.err
    )


def test_anchors_and_aliases_are_refused_in_skills_and_profiles(esc: EscRunner, tmp_path: Path) -> None:
    # Each alias level multiplies the loaded size: 9 levels of 9 would load 387 million items.
    bomb = "lol0: &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"lol{n}: &l{n} [*l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}]\n"
        for n in range(1, 9)
    )
    text = skill_text(extra=bomb)
    bank = make_bank(tmp_path, {"sample-skill": text})
    line = text.splitlines().index(bomb.splitlines()[0]) + 1
    started = time.monotonic()
    for command in (("skill", "lint"), ("skill", "fmt", "--check"), ("export", "claude", "--out", "out")):
        result = esc(*command, cwd=bank)
        assert result.code == 2, command
        said = result.out + result.err
        # lint names the place as file:line, the other commands as file -> line N
        assert f"sample-skill.md:{line}: " in said or f"sample-skill.md -> line {line}: " in said, said
        assert "YAML anchor '&l0' not allowed (write the value out in full)" in said
    assert time.monotonic() - started < 60  # expanded, the bomb would take minutes and gigabytes
    assert not (bank / "out").exists()
    profile = tmp_path / "p" / f"{PROFILE.stem}.yaml"
    profile.parent.mkdir()
    profile.write_text(
        PROFILE.read_text(encoding="utf-8").replace("traits: [", "traits: &t ["), encoding="utf-8"
    )
    result = esc("profile", "lint", str(profile), cwd=bank)
    assert result.code == 2
    assert (
        f"{profile} -> line 9: YAML anchor '&t' not allowed (write the value out in full)"
        in result.out + result.err
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "deep: " + "[" * 1000 + "]" * 1000 + "\n",
            "YAML nested more than 50 levels deep (flatten the structure)",
        ),
        ("evidence_n: " + "9" * 5000 + "\n", "a 5000-digit integer is too long (write a smaller number)"),
        (
            'note: "\\ud800"\n',
            "a lone surrogate escape (like \\ud800) is not text (write the character itself",
        ),
        (
            "many: [" + "1," * 25_000 + "1]\n",
            "more than 20000 YAML values (split the file or shorten its lists)",
        ),
    ],
)
def test_yaml_limits_in_a_skill(esc: EscRunner, tmp_path: Path, extra: str, message: str) -> None:
    text = skill_text(extra=extra)
    bank = make_bank(tmp_path, {"sample-skill": text})
    line = text.splitlines().index(extra.rstrip("\n")) + 1
    result = esc("skill", "lint", cwd=bank)
    assert result.code == 2
    assert f"skills/sample-skill.md:{line}: {message}" in result.out + result.err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 100_000 + "]" * 100_000 + "\n", "JSON nested too deeply (flatten the structure)"),
        (
            json.dumps(DIALOGUE)[:-1] + ', "n": ' + "9" * 5000 + "}\n",
            "line 1: a number of more than 4300 digits (write a shorter number)",
        ),
        (
            json.dumps(DIALOGUE).replace("I lost", "\\ud800 I lost") + "\n",
            "line 1: a lone surrogate escape (like \\ud800) is not text (remove or repair the escape)",
        ),
    ],
)
def test_json_limits_in_a_corpus_and_a_sage_file(
    esc: EscRunner, tmp_path: Path, body: str, message: str
) -> None:
    corpus = tmp_path / "chats.jsonl"
    corpus.write_text(body, encoding="utf-8")
    result = esc("iu", "extract", str(corpus), "-o", str(tmp_path / "ius.jsonl"), cwd=tmp_path)
    assert result.code == 2
    sep = " -> " if message.startswith("line") else ": "
    assert result.err == f"error: {corpus}{sep}{message}\n"
    assert not (tmp_path / "ius.jsonl").exists()
    sage = esc("profile", "import-sage", str(corpus), "--out", str(tmp_path / "sage"), cwd=tmp_path)
    assert sage.code == 2
    assert sage.err.startswith(f"error: {corpus} -> line 1: ")
    assert not (tmp_path / "sage").exists()


def test_a_device_is_not_read_past_the_cap(esc: EscRunner, tmp_path: Path) -> None:
    started = time.monotonic()
    result = esc("iu", "extract", "/dev/zero", "-o", str(tmp_path / "ius.jsonl"), cwd=tmp_path)
    assert result.code == 2
    assert result.err == "error: /dev/zero: is a device, not a dialogue file (pass a regular file)\n"
    sage = esc("profile", "import-sage", "/dev/zero", "--out", str(tmp_path / "sage"), cwd=tmp_path)
    assert sage.err == "error: /dev/zero: is a device, not a SAGE profile file (pass a regular file)\n"
    assert time.monotonic() - started < 30  # read to the end, /dev/zero never stops


def test_an_empty_dialogue_on_line_1_does_not_hide_the_layout(esc: EscRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "chats.jsonl"
    corpus.write_text(json.dumps({"dialog": []}) + "\n" + json.dumps(DIALOGUE) + "\n", encoding="utf-8")
    result = esc("iu", "extract", str(corpus), "-o", str(tmp_path / "ius.jsonl"), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "from 2 dialogues (2 esconv;" in result.out


def test_a_damaged_cache_is_deleted_by_cache_clear(esc: EscRunner, tmp_path: Path) -> None:
    bank = make_bank(tmp_path)
    cache = bank / ".esc" / "cache.sqlite"
    cache.parent.mkdir()
    cache.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    stats = esc("cache", "stats", cwd=bank)
    assert stats.code == 2
    assert stats.err == (
        f"error: {cache}: cannot open the call cache: file is not a database "
        "(`esc cache clear` deletes it; a new one starts)\n"
    )
    cleared = esc("cache", "clear", cwd=bank)
    assert cleared.code == 0, cleared.err
    assert (
        cleared.out
        == f"deleted {cache}: it was damaged and could not be read (a new cache starts on the next run)\n"
    )
    assert not cache.exists()


def test_an_output_path_ending_in_a_slash_is_refused(esc: EscRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "chats.jsonl"
    corpus.write_text(json.dumps(DIALOGUE) + "\n", encoding="utf-8")
    result = esc("iu", "extract", str(corpus), "-o", "newdir/sub/", cwd=tmp_path)
    assert result.code == 2
    assert (
        "Error: Invalid value for '-o' / '--out': 'newdir/sub/' ends with '/', so it names a folder: add the file name after it"
        in result.err
    )
    assert not (tmp_path / "newdir").exists()


def test_skill_show_reads_only_inside_the_bank(esc: EscRunner, tmp_path: Path) -> None:
    bank = make_bank(tmp_path / "bank")
    (tmp_path / "x.md").write_text(skill_text("x"), encoding="utf-8")
    result = esc("skill", "show", "../../x", cwd=bank)
    assert result.code == 2
    assert result.err == (
        "error: SKILL_ID: '../../x' is not a skill id (ids are lowercase words joined by hyphens; see `esc skill list`)\n"
    )
    assert result.out == ""


def test_fmt_check_flags_windows_line_endings_in_the_body(esc: EscRunner, tmp_path: Path) -> None:
    text = skill_text()
    header, body = text.split("---\n", 2)[1], text.split("---\n", 2)[2]
    bank = make_bank(
        tmp_path, {"sample-skill": f"---\n{header}---\n{body.replace(chr(10), chr(13) + chr(10))}"}
    )
    path = bank / "skills" / "sample-skill.md"
    check = esc("skill", "fmt", "--check", cwd=bank)
    assert check.code == 1
    assert f"would reformat {path}" in check.out
    assert esc("skill", "fmt", cwd=bank).code == 0
    assert b"\r" not in path.read_bytes()
    assert esc("skill", "fmt", "--check", cwd=bank).code == 0


def test_bidi_and_control_characters_never_reach_the_export(esc: EscRunner, tmp_path: Path) -> None:
    text = skill_text().replace(
        "description: When the seeker vents.", "description: When the seeker \u202events\u2066."
    )
    text = text.replace("1. Listen.", "1. Listen\u202e closely\x1b[31m.")
    bank = make_bank(tmp_path, {"sample-skill": text})
    assert esc("export", "claude", "--out", "out", cwd=bank).code == 0
    for path in (bank / "out").rglob("*.md"):
        exported = path.read_text(encoding="utf-8")
        assert not any(ch in exported for ch in "\u202e\u2066\x1b"), path
    assert "Listen closely[31m." in (bank / "out" / "sample-skill" / "SKILL.md").read_text(encoding="utf-8")
