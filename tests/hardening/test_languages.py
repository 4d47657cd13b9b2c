"""Issue 18, item 15: crisis cues in Chinese are read, and the offline engine refuses what it cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import EscRunner, make_bank

from esc_cli.iu import cues
from esc_cli.iu.labeller import OfflineLabeller, normalise

RECORD = {
    "id": "9f8e7d6c-0000-4000-8000-000000000009",
    "player": "* 姓名：陈默\n* 年龄：30岁\n* 性别：男性\n* 职业：程序员\n",
    "scene": "陈默失业半年，觉得自己很失败。",
    "main_cha": "被动型",
    "cha_group": ["内向", "敏感", "悲观"],
    "task": "你希望对方用心倾听你的情绪宣泄",
    "first_talk": "我想自杀，不想活了",
}


def _import(esc: EscRunner, tmp_path: Path, first_talk: str) -> Path:
    source = tmp_path / "sage.jsonl"
    source.write_text(
        json.dumps({**RECORD, "first_talk": first_talk}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result = esc("profile", "import-sage", str(source), "--out", str(tmp_path / "zh"), cwd=tmp_path)
    assert result.code == 0, result.err
    return tmp_path / "zh"


def test_lint_flags_a_sage_profile_that_opens_with_a_chinese_crisis_statement(
    esc: EscRunner, tmp_path: Path
) -> None:
    folder = _import(esc, tmp_path, "我想自杀，不想活了")
    result = esc("profile", "lint", str(folder), cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        f"error: {folder / 'sage-9f8e7d6c.yaml'} -> first_message: the first message voices a crisis cue "
        "(self-harm or suicide) (open without it; for a crisis-risk seeker set risk and a crisis block "
        "with crisis.turn >= 1)\n"
    )


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("我想自杀，不想活了", True),
        ("我真的活不下去了", True),
        ("有时候觉得没有我他们会更好", True),
        ("我想结束自己的生命", True),
        ("我又割腕了", True),
        ("好想死你了，快回来吧", False),  # "miss you to death"
        ("最近工作压力很大，睡不好", False),
    ],
)
def test_the_labeller_reads_direct_chinese_crisis_statements(text: str, crisis: bool) -> None:
    assert cues.STATE_CUES["crisis-risk"].search(normalise(text)) is crisis
    assert ("crisis-risk" in OfflineLabeller().seeker_states(text)) is crisis


def test_the_offline_engine_refuses_profiles_it_cannot_read(esc: EscRunner, tmp_path: Path) -> None:
    folder = _import(esc, tmp_path, "最近心里有点乱，不知道该跟谁说。")
    bank = make_bank(tmp_path / "bank")
    result = esc(
        "sim", "run", "--profiles", str(folder), "--out", str(tmp_path / "run"), "--seeds", "1", cwd=bank
    )
    assert result.code == 2
    assert result.err == (
        "error: profile 'sage-9f8e7d6c' is in Chinese (language: zh), which the offline agent and seeker "
        "cannot read (run it on a model backend that reads Chinese, e.g. --agent-backend anthropic "
        "--seeker-backend anthropic, or openai)\n"
    )
    assert not (tmp_path / "run").exists()
