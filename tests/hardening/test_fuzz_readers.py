"""Issue 18: a small, seeded, time-bounded fuzz of every reader of untrusted files.

Each reader gets valid files mutated in the ways an attacker or a broken disk would: cut short,
control and bidi characters, lone surrogates (escaped, and raw in invalid UTF-8), nesting thousands
deep, YAML anchors and aliases, 5,000-digit numbers and flipped bytes. Every outcome must be a
normal return or one `EscError` with a one-line message: never another exception, never a hang.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import REPO, make_bank, skill_text

from esc_cli.bank.files import load_skill
from esc_cli.cli.main import main
from esc_cli.data.load import read_dialogues
from esc_cli.errors import EscError
from esc_cli.export.importer import read_export
from esc_cli.iu.store import read_ius
from esc_cli.sim.profiles_io import load_profile
from esc_cli.sim.runstore import load_run
from esc_cli.sim.sage_import import read_sage_file

CASES = 40  # per reader and seed file
SECONDS_PER_CALL = 5.0
FIXTURES = REPO / "tests" / "fixtures" / "dialogues"
SAGE_LINE = (
    '{"id": "9f8e7d6c-0000-4000-8000-000000000009", "player": "* 姓名：陈默\\n* 年龄：30岁\\n* 性别：男性\\n", '
    '"scene": "陈默失业半年。", "main_cha": "被动型", "cha_group": ["内向", "敏感", "悲观"], '
    '"task": "你希望对方用心倾听你的情绪宣泄", "first_talk": "最近心里有点乱。"}\n'
)


def _at(rng: random.Random, text: str) -> int:
    return rng.randrange(len(text) + 1)


def _mutations(rng: random.Random, text: str) -> list[bytes]:
    """One mutated copy of `text` per kind of attack, as the bytes to write."""
    cut = _at(rng, text)
    line_start = text.rfind("\n", 0, cut) + 1
    digits = next((i for i, ch in enumerate(text) if ch.isdigit()), 0)
    control = rng.choice(["\x00", "\x01", "\x1b[31m", "\x7f", "\u202e", "\u2066", "\r", "\x0c"])
    cases = [
        text[:cut],
        text[:cut] + control + text[cut:],
        text[:cut] + "\\ud800" + text[cut:],
        text[:line_start] + "deep: " + "[" * 3000 + "]" * 3000 + "\n" + text[line_start:],
        text[:cut] + "[" * 100_000 + text[cut:],
        text[:line_start] + "bomb: &a [x, x]\nmore: [*a, *a]\n" + text[line_start:],
        text[:digits] + "9" * 5000 + text[digits:],
    ]
    out = [case.encode("utf-8") for case in cases]
    out.append(text[:cut].encode("utf-8") + b"\xed\xa0\x80" + text[cut:].encode("utf-8"))  # a raw surrogate
    flipped = bytearray(text.encode("utf-8"))
    if flipped:
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
    out.append(bytes(flipped))
    return out


def _fuzz(reader: Callable[[Path], object], target: Path, seed_text: str) -> int:
    """Run `reader` on many mutations of `seed_text` written to `target`; returns how many ran."""
    rng = random.Random(18)
    ran = 0
    while ran < CASES:
        for data in _mutations(rng, seed_text):
            target.write_bytes(data)
            started = time.monotonic()
            try:
                reader(target)
            except EscError as exc:
                assert "\n" not in str(exc), (target, data[:200], str(exc))
            except Exception as exc:  # any other exception is the finding
                pytest.fail(f"{type(exc).__name__} from {target.name} on {data[:120]!r}...: {exc}")
            assert time.monotonic() - started < SECONDS_PER_CALL, (target.name, data[:120])
            ran += 1
    return ran


def test_skill_files(tmp_path: Path) -> None:
    assert _fuzz(load_skill, tmp_path / "sample-skill.md", skill_text()) >= CASES


def test_profile_files(tmp_path: Path) -> None:
    seed = (REPO / "profiles" / "verify" / "verify-archivist-numb-winter.yaml").read_text(encoding="utf-8")
    assert _fuzz(load_profile, tmp_path / "verify-archivist-numb-winter.yaml", seed) >= CASES


@pytest.mark.parametrize("seed_file", ["hf/train.jsonl", "original/ESConv-mini.json", "generic/chats.jsonl"])
def test_corpora(tmp_path: Path, seed_file: str) -> None:
    seed = (FIXTURES / seed_file).read_text(encoding="utf-8")
    assert _fuzz(read_dialogues, tmp_path / Path(seed_file).name, seed) >= CASES


def test_sage_files(tmp_path: Path) -> None:
    assert _fuzz(read_sage_file, tmp_path / "sage.jsonl", SAGE_LINE) >= CASES


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run folder, IU file and export, made once by the CLI, to mutate."""
    root = tmp_path_factory.mktemp("made")
    bank = make_bank(root / "bank")
    profile = REPO / "profiles" / "verify" / "verify-archivist-numb-winter.yaml"
    assert (
        main(
            [
                "--bank",
                str(bank),
                "sim",
                "run",
                "--profiles",
                str(profile),
                "--seeds",
                "1",
                "--out",
                str(root / "run"),
            ]
        )
        == 0
    )
    assert main(["iu", "extract", str(FIXTURES / "hf" / "train.jsonl"), "-o", str(root / "ius.jsonl")]) == 0
    assert main(["--bank", str(bank), "export", "claude", "--out", str(root / "export")]) == 0
    return root


@pytest.mark.parametrize("name", ["run.json", "dialogues.jsonl", "summary.json"])
def test_run_folders(tmp_path: Path, made: Path, name: str) -> None:
    folder = tmp_path / "run"
    shutil.copytree(made / "run", folder)
    seed = (folder / name).read_text(encoding="utf-8")
    assert _fuzz(lambda _: load_run(folder), folder / name, seed) >= CASES


def test_iu_files(tmp_path: Path, made: Path) -> None:
    seed = (made / "ius.jsonl").read_text(encoding="utf-8")
    assert _fuzz(read_ius, tmp_path / "ius.jsonl", seed) >= CASES


@pytest.mark.parametrize("name", ["SKILL.md", "references/conditions.md", "references/risks.md"])
def test_exports(tmp_path: Path, made: Path, name: str) -> None:
    folder = tmp_path / "sample-skill"
    shutil.copytree(made / "export" / "sample-skill", folder)
    seed = (folder / name).read_text(encoding="utf-8")
    assert _fuzz(lambda _: read_export(folder), folder / name, seed) >= CASES
