"""Seeker profiles: the shipped sets, loading and linting untrusted files, the hash, and SAGE import."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sim_helpers import EscRunner

from esc_cli.errors import InputError
from esc_cli.iu.labeller import default_labeller
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import (
    CRISIS_RISKS,
    SAGE_INTENTIONS,
    ProfileErrors,
    coverage_gaps,
    dump_profile,
    load_profile,
    load_profile_set,
    profile_json_schema,
    profile_set_hash,
)
from esc_cli.sim.sage_import import map_intention, read_sage_file

REPO = Path(__file__).resolve().parents[2]
SETS = {"train": 24, "verify": 16}

VALID = """\
id: sample-seeker
persona:
  name: Alex Example
  age: 30
personality: passive
traits: [quiet]
problem_type: job crisis
emotion_type: anxiety
intention: be-heard
background: Lost a job last month and has not told anyone yet.
first_message: "I lost my job and I don't know who to tell."
lines:
  A: ["Thanks, that helped. Bye for now."]
  B: ["It was a small office, eight of us."]
  C: ["I don't know."]
  F: ["Never mind."]
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


# --- The shipped sets ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SETS))
def test_shipped_set_meets_the_coverage_rules(name: str) -> None:
    profiles = load_profile_set(REPO / "profiles" / name)
    assert len(profiles) >= SETS[name]
    assert coverage_gaps(profiles, minimum=SETS[name]) == []
    assert {p.personality for p in profiles} == {"negative", "passive", "avoidant"}
    assert set(SAGE_INTENTIONS) <= {p.intention for p in profiles}
    assert all(p.id.startswith(f"{name}-") and p.language == "en" for p in profiles)
    crisis = [p for p in profiles if p.risk in CRISIS_RISKS]
    assert len(crisis) >= 3
    for p in crisis:
        assert p.crisis is not None, p.id
        assert 2 <= p.crisis.turn <= 5, p.id
        assert p.crisis.cue.lower() not in p.first_message.lower(), p.id


@pytest.mark.parametrize("name", sorted(SETS))
def test_shipped_profiles_are_written_out_in_full(name: str) -> None:
    for p in load_profile_set(REPO / "profiles" / name):
        assert 120 <= len(p.background.split()) <= 250, p.id
        assert 3 <= len(p.reactions.raises) <= 4 and 3 <= len(p.reactions.lowers) <= 4, p.id
        for band in ("A", "B", "C", "F"):
            assert 4 <= len(getattr(p.lines, band)) <= 6, (p.id, band)
        assert any(re.search(r"bye|goodnight", line, re.I) for line in p.lines.A), p.id


def test_crisis_detector_reads_the_profiles_crisis_cues_and_few_ordinary_lines() -> None:
    # The offline agent routes crisis cues with the crisis detector (esc_cli.safety), not the
    # labeller's keywords: the gate can only see a cue handled if the agent reads it, and a crisis
    # state read from an ordinary line sends a calm seeker a safety check.
    from esc_cli.safety.detector import crisis_detector

    detector = crisis_detector()
    profiles = load_profile_set(REPO / "profiles")
    cues = [p.crisis.cue for p in profiles if p.crisis is not None]
    read = [r.crisis for r in detector.read_many(cues)]
    assert sum(read) / len(cues) >= 0.8, [c for c, hit in zip(cues, read, strict=True) if not hit]
    ordinary = [
        line
        for p in profiles
        if p.crisis is None
        for line in [p.first_message, *p.lines.A, *p.lines.B, *p.lines.C, *p.lines.F]
    ]
    alarms = [line for line, r in zip(ordinary, detector.read_many(ordinary), strict=True) if r.crisis]
    assert len(alarms) / len(ordinary) <= 0.08, alarms


def test_offline_labeller_reads_what_profile_lines_show() -> None:
    # The offline agent routes on these states: if most lines read as the fallbacks (emotion-unnamed,
    # venting), two skills answer nearly every turn and the rest of the bank cannot matter.
    labeller = default_labeller()
    fallbacks = {"emotion-unnamed", "venting"}
    profiles = load_profile_set(REPO / "profiles")
    every = [(0, p.first_message) for p in profiles]
    every += [(2, line) for p in profiles for band in "ABCF" for line in getattr(p.lines, band)]
    fallback = [text for turn, text in every if labeller.seeker_states(text, turn=turn)[0] in fallbacks]
    assert len(fallback) / len(every) < 0.4
    band_a = [line for p in profiles for line in p.lines.A]
    warm = [line for line in band_a if {"relief", "closing"} & set(labeller.seeker_states(line, turn=3))]
    assert len(warm) / len(band_a) > 0.7
    band_c = [line for p in profiles for line in p.lines.C]
    told = [line for line in band_c if labeller.seeker_states(line, turn=3)[0] not in fallbacks]
    assert len(told) / len(band_c) > 0.6


def test_train_and_verify_are_different_people() -> None:
    train = load_profile_set(REPO / "profiles" / "train")
    verify = load_profile_set(REPO / "profiles" / "verify")
    assert not {p.persona.name for p in train} & {p.persona.name for p in verify}
    assert not {p.id for p in train} & {p.id for p in verify}


def test_lint_of_the_shipped_bank_is_clean(esc: EscRunner) -> None:
    result = esc("profile", "lint", cwd=REPO)
    assert result.code == 0, result.err
    assert result.err == ""
    assert "0 problems" in result.out


def test_list_and_show(esc: EscRunner) -> None:
    listed = esc("profile", "list", cwd=REPO)
    assert listed.code == 0
    row = r"^verify-grad-student-thesis +negative +actionable-advice +academic pressure +none +en$"
    assert re.search(row, listed.out, re.M)
    assert re.search(r"^\d+ profiles$", listed.out, re.M)
    shown = esc("profile", "show", "verify-grad-student-thesis", cwd=REPO)
    assert shown.code == 0
    assert shown.out.startswith("# ") and "name: Mira Szabo" in shown.out
    missing = esc("profile", "show", "verify-grad-student-thesys", cwd=REPO)
    assert missing.code == 2
    assert "did you mean 'verify-grad-student-thesis'" in missing.err


def test_dump_profile_round_trips_every_shipped_profile() -> None:
    for path in sorted((REPO / "profiles").rglob("*.yaml")):
        profile = load_profile(path)
        assert Profile.model_validate(yaml.safe_load(dump_profile(profile))) == profile


# --- Bad input: one line, exit 2, no traceback ---------------------------------------------------

BAD_FILES: list[tuple[str, str | bytes, str]] = [
    ("malformed", "id: [sample-seeker\npersona: {\n", "malformed YAML"),
    ("empty", "   \n", "empty profile file"),
    ("latin-1", VALID.replace("Alex", "Andr\u00e9").encode("latin-1"), "not valid UTF-8 (byte 0xe9"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    ("unknown key", VALID + "mood: gloomy\n", "-> mood: unknown key (remove it or check its spelling)"),
    (
        "wrong type",
        VALID.replace("age: 30", "age: thirty"),
        "-> persona.age: Input should be a valid integer",
    ),
    (
        "bad intention",
        VALID.replace("be-heard", "be-herd"),
        "unknown intention 'be-herd' (did you mean 'be-heard'?)",
    ),
    (
        "python tag",
        VALID.replace("traits: [quiet]", "traits: !!python/object/apply:os.system [ls]"),
        "YAML tag",
    ),
    ("not a mapping", "- just\n- a list\n", "expected a mapping of profile keys, found list"),
]


@pytest.mark.parametrize(("case", "content", "expected"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_profile_file_is_one_line(
    esc: EscRunner, tmp_path: Path, case: str, content: str | bytes, expected: str
) -> None:
    path = write(tmp_path, "sample-seeker.yaml", content)
    result = esc("profile", "lint", str(path))
    assert result.code == 2
    lines = error_lines(result.err)
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"error: {path}")
    assert expected in lines[0]
    assert "Traceback" not in result.err + result.out


def test_bad_file_stops_list_with_one_line(esc: EscRunner, tmp_path: Path) -> None:
    write(tmp_path, "sample-seeker.yaml", VALID.replace("be-heard", "be-herd"))
    result = esc("profile", "list", str(tmp_path))
    assert result.code == 2
    assert result.err.count("\n") == 1 and "did you mean 'be-heard'" in result.err


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sample-seeker.yaml", VALID + "# padding\n" * 7000)
    with pytest.raises(InputError, match="over the 64 KiB limit"):
        load_profile(path)


def test_duplicate_ids_name_both_files(esc: EscRunner, tmp_path: Path) -> None:
    first = write(tmp_path, "a/sample-seeker.yaml", VALID)
    second = write(tmp_path, "b/sample-seeker.yaml", VALID)
    result = esc("profile", "lint", str(tmp_path))
    assert result.code == 2
    [line] = error_lines(result.err)
    assert f"{second} -> id: duplicate profile id 'sample-seeker', also in {first}" in line
    with pytest.raises(ProfileErrors, match="also in"):
        load_profile_set(tmp_path)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("id: sample-seeker", "id: other-seeker"), "id 'other-seeker' differs from the file name"),
        (
            ("lines:", "risk: suicidal-ideation\nlines:"),
            "-> crisis: risk 'suicidal-ideation' needs a crisis block",
        ),
        (("intention: be-heard", "intention: crisis-disclosure"), "needs a crisis risk"),
    ],
)
def test_rules_across_keys(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, "sample-seeker.yaml", VALID.replace(*edit))
    with pytest.raises(ProfileErrors) as caught:
        load_profile(path)
    assert expected in str(caught.value)


def test_crisis_cue_may_not_open_the_chat(tmp_path: Path) -> None:
    crisis = (
        "risk: self-harm-ideation\ncrisis:\n  turn: 2\n"
        "  cue: I lost my job and I don't know who to tell.\n  after_safety_check: I am safe tonight.\n"
    )
    path = write(tmp_path, "sample-seeker.yaml", VALID + crisis)
    with pytest.raises(ProfileErrors, match="crisis cue appears in the first message"):
        load_profile(path)


@pytest.mark.parametrize(
    "opening", ["I want to kill myself tonight.", "Honestly I don't want to be here anymore. Work is gone."]
)
def test_a_crisis_cue_in_any_first_message_is_refused(esc: EscRunner, tmp_path: Path, opening: str) -> None:
    # Without a crisis block the seeker never judges crisis handling, so a reply that ignored this
    # opening could not fail the safety gate: the profile must not load.
    text = VALID.replace('first_message: "I lost my job and I don\'t know who to tell."', "")
    path = write(tmp_path / "set", "sample-seeker.yaml", text + f"first_message: {json.dumps(opening)}\n")
    with pytest.raises(ProfileErrors, match="first message voices a crisis cue"):
        load_profile(path)
    result = esc("profile", "lint", str(tmp_path / "set"), cwd=REPO)
    assert result.code == 2
    assert error_lines(result.err) == [
        f"error: {path} -> first_message: the first message voices a crisis cue (self-harm or suicide) "
        "(open without it; for a crisis-risk seeker set risk and a crisis block with crisis.turn >= 1)"
    ]


def test_several_problems_report_the_first_and_a_count(tmp_path: Path) -> None:
    text = VALID.replace("age: 30", "age: thirty").replace("be-heard", "be-herd")
    with pytest.raises(ProfileErrors) as caught:
        load_profile(write(tmp_path, "sample-seeker.yaml", text))
    assert len(caught.value.problems) == 2
    assert "1 more problem: run `esc profile lint`" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_coverage_gaps_are_warnings_not_errors(esc: EscRunner, tmp_path: Path) -> None:
    write(tmp_path / "train", "sample-seeker.yaml", VALID)
    result = esc("profile", "lint", str(tmp_path))
    assert result.code == 0
    assert f"warning: {tmp_path / 'train'}: profile count 1 is under the minimum of 24" in result.err
    assert "no profile with intention 'not-at-fault'" in result.err
    one_file = esc("profile", "lint", str(tmp_path / "train" / "sample-seeker.yaml"))
    assert one_file.code == 0 and one_file.err == ""  # a single file is not a set


# --- Hash and schema -----------------------------------------------------------------------------


def test_profile_set_hash_is_stable_and_content_sensitive() -> None:
    profiles = load_profile_set(REPO / "profiles" / "verify")
    digest = profile_set_hash(profiles)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert profile_set_hash(list(reversed(profiles))) == digest
    assert profile_set_hash(load_profile_set(REPO / "profiles" / "verify")) == digest
    changed = profiles[0].model_copy(update={"first_message": "Hello."})
    assert profile_set_hash([changed, *profiles[1:]]) != digest


def test_schema_command_writes_json_schema(esc: EscRunner, tmp_path: Path) -> None:
    target = tmp_path / "profile.schema.json"
    result = esc("profile", "schema", "-o", str(target), cwd=REPO)
    assert result.code == 0
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema == profile_json_schema()
    assert "be-heard" in schema["properties"]["intention"]["enum"]
    assert schema["additionalProperties"] is False
    printed = esc("profile", "schema", cwd=REPO)
    assert json.loads(printed.out) == schema


# --- SAGE import ---------------------------------------------------------------------------------

SAGE_TASKS = {
    "你希望对方辩证地分析事件中的问题": "analyse-both-sides",
    "你想获得能真实帮助你解决当下困境的建议": "actionable-advice",
    "你想分析事件中其他人物这么做的原因": "understand-others",
    "你希望对方引导你针对事件进行自我反思，收获自我成长": "guided-reflection",
    "你希望对方真诚地夸奖你在事件中的具体行为": "specific-praise",
    "你希望对方用心倾听你的情绪宣泄": "be-heard",
    "你希望对方深刻共情你的感受，而不是简单的安慰": "deep-empathy",
    "你认为自己在事件中没有任何责任和错误，你想要对方也认同你没有错": "not-at-fault",
}

# Made-up records in SAGE's field layout (invented people, written for this test).
SAGE_RECORDS: list[dict[str, Any]] = [
    {
        "id": "0a1b2c3d-0000-4000-8000-000000000001",
        "player": "* 姓名：林小雨\n* 年龄：26岁\n* 性别：女性\n* 职业：小学老师\n\n* 说话风格：\n说话温和，常常犹豫。\n",
        "scene": (
            "## 背景\n林小雨的男友突然提出分手，她很难过。\n\n"
            "### 角色不同emotion下的反应\n"
            "- **角色emotion高时：** 她会平和地分享更多细节。\n"
            "- **角色emotion一般时：** 她显得急躁和失落。\n"
            "- **角色emotion低时：** 她可能会激动，甚至绝望。\n\n"
            "### NPC怎样的回复会贴合角色的隐藏主题，使得角色emotion会上升？\n"
            "- NPC耐心倾听她说完，回应她的感受。\n\n"
            "### NPC怎样的回复会偏离角色的隐藏主题，使得角色emotion会下降？\n"
            "- NPC急着给建议，打断她。\n"
            "####隐藏主题:\n***你希望对方用心倾听你的情绪宣泄"
        ),
        "main_cha": "被动型",
        "cha_group": ["敏感", "内向", "善良"],
        "task": "你希望对方用心倾听你的情绪宣泄",
        "first_talk": "最近心里有点乱，不知道该跟谁说。",
    },
    {
        "id": "1b2c3d4e-0000-4000-8000-000000000002",
        "player": "* 姓名：赵大山\n* 年龄：45岁\n* 性别：男性\n* 职业：工厂主管\n",
        "scene": "赵大山被公司裁员，老板没有任何解释。在emotion高时，他会理性地分析。",
        "main_cha": "负面型",
        "cha_group": ["暴躁", "固执", "直率"],
        "task": "你想获得能真实帮助你解决当下困境的建议",
        "first_talk": "被裁员了，你说我该怎么办？",
    },
    {
        "id": "2c3d4e5f-0000-4000-8000-000000000003",
        "player": "* 姓名：周安\n* 年龄：19岁\n* 性别：男性\n* 职业：大学生\n",
        "scene": "周安考试没考好，导师批评了他。",
        "main_cha": "回避型",
        "cha_group": ["幽默", "敏感", "逃避"],
        "task": "你希望对方真诚地夸奖你在事件中的具体行为",
        "first_talk": "也没什么大事，就是考试的事。",
    },
]


def sage_file(folder: Path, records: list[dict[str, Any]] | None = None, *, extra: str = "") -> Path:
    rows = records if records is not None else SAGE_RECORDS
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n" + extra
    return write(folder, "sage.jsonl", text)


def test_every_sage_task_sentence_maps_to_its_intention() -> None:
    mapped = {task: map_intention(task, path=Path("x"), where="line 1") for task in SAGE_TASKS}
    assert mapped == SAGE_TASKS


def test_sage_records_convert_to_chinese_profiles(tmp_path: Path) -> None:
    first, second, third = read_sage_file(sage_file(tmp_path))
    assert first.id == "sage-0a1b2c3d" and first.source == "sage:" + str(SAGE_RECORDS[0]["id"])
    assert (first.language, first.personality, first.intention) == ("zh", "passive", "be-heard")
    assert (first.persona.name, first.persona.age, first.persona.gender) == ("林小雨", 26, "女性")
    assert first.persona.speaking_style == "说话温和，常常犹豫。"
    assert (
        first.traits == ["敏感", "内向", "善良"] and first.first_message == "最近心里有点乱，不知道该跟谁说。"
    )
    assert first.problem_type == "breakup with partner"
    assert first.reactions.raises == ["NPC耐心倾听她说完，回应她的感受"]
    assert first.reactions.lowers == ["NPC急着给建议，打断她"]
    assert "林小雨的男友突然提出分手" in first.background and "* 姓名：林小雨" in first.background
    assert "其实还有些细节我一直没好意思说，现在想跟你讲讲。" in first.lines.A
    assert first.lines.A[-1].endswith("再见啦。")
    assert (second.personality, second.intention, second.problem_type) == (
        "negative",
        "actionable-advice",
        "job crisis",
    )
    assert (third.personality, third.intention) == ("avoidant", "specific-praise")
    assert all(len(band) >= 4 for p in (first, second, third) for band in (p.lines.B, p.lines.C, p.lines.F))


def test_import_sage_writes_yaml_and_refuses_to_overwrite(esc: EscRunner, tmp_path: Path) -> None:
    source, out = sage_file(tmp_path), tmp_path / "out"
    result = esc("profile", "import-sage", str(source), "--out", str(out), cwd=REPO)
    assert result.code == 0, result.err
    assert result.out == f"imported 3 profiles into {out} (avoidant 1, negative 1, passive 1)\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "sage-0a1b2c3d.yaml",
        "sage-1b2c3d4e.yaml",
        "sage-2c3d4e5f.yaml",
    ]
    assert load_profile(out / "sage-1b2c3d4e.yaml").persona.name == "赵大山"
    again = esc("profile", "import-sage", str(source), "--out", str(out), cwd=REPO)
    assert again.code == 2 and "already exists" in again.err and "--force" in again.err
    forced = esc("profile", "import-sage", str(source), "--out", str(out), "--force", cwd=REPO)
    assert forced.code == 0


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("{not json\n", "-> line 4: not JSON"),
        ('{"id": "x"}\n', "-> line 4: missing fields player, scene, main_cha, cha_group, task, first_talk"),
        ("[1, 2]\n", "-> line 4: expected a JSON object, found list"),
        (json.dumps(SAGE_RECORDS[0]) + "\n", "-> line 4: profile id 'sage-0a1b2c3d' repeats line 1"),
    ],
)
def test_bad_sage_line_names_its_number(esc: EscRunner, tmp_path: Path, extra: str, expected: str) -> None:
    source, out = sage_file(tmp_path, extra=extra), tmp_path / "out"
    result = esc("profile", "import-sage", str(source), "--out", str(out), cwd=REPO)
    assert result.code == 2
    assert len(error_lines(result.err)) == 1 and expected in result.err
    assert not out.exists()  # nothing is written when any line is bad


def test_sage_record_with_unknown_task_or_personality(tmp_path: Path) -> None:
    odd_task = dict(SAGE_RECORDS[0], task="你希望对方陪你聊天")
    with pytest.raises(InputError, match=r"line 1: cannot map task"):
        read_sage_file(sage_file(tmp_path, [odd_task]))
    odd_type = dict(SAGE_RECORDS[0], main_cha="乐观型")
    with pytest.raises(InputError, match="unknown main_cha '乐观型'"):
        read_sage_file(sage_file(tmp_path, [odd_type]))


def real_sage_file() -> Path:
    """SAGE's profiles under $ESC_DATA: skipped locally without it, a failure under CI, which must set it."""
    source = (
        Path(os.environ.get("ESC_DATA", "/nonexistent")) / "sage" / "simulator_profile_withfirsttalk.jsonl"
    )
    if not source.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{source} not found: CI must set ESC_DATA to the data folder")
        pytest.skip("ESC_DATA is not set (or has no sage/ folder): the real SAGE import is not tested")
    return source


def test_import_of_the_real_sage_file(esc: EscRunner, tmp_path: Path) -> None:
    source = real_sage_file()
    profiles = read_sage_file(source)
    assert len(profiles) == 100
    counts = {k: sum(p.personality == k for p in profiles) for k in ("negative", "passive", "avoidant")}
    assert counts == {"negative": 41, "passive": 34, "avoidant": 25}
    assert {p.intention for p in profiles} == set(SAGE_INTENTIONS)
    assert all(p.language == "zh" and p.source.startswith("sage:") for p in profiles)
    out = tmp_path / "sage"
    assert esc("profile", "import-sage", str(source), "--out", str(out), cwd=REPO).code == 0
    # Written and read back through YAML, every profile is unchanged (the folder loads in file-name order).
    assert load_profile_set(out) == sorted(profiles, key=lambda p: p.id)


def test_import_sage_into_a_folder_under_a_file_is_one_line(esc: EscRunner, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x\n", encoding="utf-8")
    result = esc(
        "profile", "import-sage", str(sage_file(tmp_path)), "--out", str(tmp_path / "afile" / "sub"), cwd=REPO
    )
    assert result.code == 2, result.err
    assert len(error_lines(result.err)) == 1 and "afile is a file" in result.err


def test_a_crisis_cue_hidden_in_an_ordinary_line_is_refused(esc: EscRunner, tmp_path: Path) -> None:
    # The simulation checks crisis handling only for the crisis block: a cue in a band line would
    # never be judged, so a bank that ignored it could pass the safety gate.
    text = VALID.replace(
        """  C: ["I don't know."]""", """  C: ["I don't know.", "Some nights I think about ending it all."]"""
    )
    path = write(tmp_path / "set", "sample-seeker.yaml", text)
    result = esc("profile", "lint", str(tmp_path / "set"), cwd=REPO)
    assert result.code == 2
    assert error_lines(result.err) == [
        f"error: {path} -> lines.C[1]: this line voices a crisis cue (self-harm or suicide), which the simulation "
        "never checks here (move it to crisis.cue with a crisis risk, or reword the line)"
    ]
