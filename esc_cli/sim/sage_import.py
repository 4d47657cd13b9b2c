"""Converting SAGE's JSONL seeker profiles (Chinese, MIT) into `Profile` objects.

SAGE (Tencent/digitalhuman, folder SAGE/profile) writes one JSON object a line with the fields `id`,
`player` (persona, Markdown), `scene` (story and reactions, Markdown), `main_cha` (personality),
`cha_group` (three traits), `task` (the hidden intention, one of 8 sentences) and `first_talk`.
The Chinese text is kept as it is and the profile is marked `language: zh`. Only the labels are mapped.

The offline seeker needs lines per emotion band, which SAGE does not have: SAGE describes how the
seeker *sounds* at high, medium and low emotion. Lines are therefore chosen from short Chinese lines
written for this project, picked by the keywords of those descriptions (for example 急躁 picks an
impatient line), with neutral lines to fill up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from esc_cli import jsonsafe
from esc_cli.errors import InputError
from esc_cli.fileio import read_text, validation_errors
from esc_cli.sim.profile import Profile

# The real file is about 600 KiB; the cap only stops a wrong file from being read into memory.
MAX_SAGE_BYTES = 32 * 1024 * 1024
REQUIRED_FIELDS = ("id", "player", "scene", "main_cha", "cha_group", "task", "first_talk")
MAX_STYLE_CHARS = 400
MAX_REACTIONS = 3
_CJK_ENDS = ("。", "，", "；", "：", "！", "？", "、", "）", "」")
_SUMMARY_OPENERS = ("通过以上", "综上", "总之", "总的来说")

PERSONALITY_WORDS: tuple[tuple[str, str], ...] = (
    ("负面", "negative"),
    ("被动", "passive"),
    ("回避", "avoidant"),
)

# Keywords of SAGE's 8 task sentences. The sentence wins whose keywords match most; wording may drift.
INTENTION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("analyse-both-sides", ("辩证", "两面", "利弊", "客观")),
    ("actionable-advice", ("建议", "解决", "办法")),
    ("understand-others", ("其他人", "原因", "动机", "为什么")),
    ("guided-reflection", ("反思", "成长")),
    ("specific-praise", ("夸奖", "称赞", "赞扬", "表扬")),
    ("be-heard", ("倾听", "宣泄")),
    ("deep-empathy", ("共情", "感同身受", "简单的安慰")),
    ("not-at-fault", ("没有错", "没有任何责任", "不是我的错", "认同你")),
)

# ESConv's problem types, guessed from the story's words (SAGE has no such label).
PROBLEM_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("breakup with partner", ("分手", "男友", "女友", "男朋友", "女朋友", "恋爱", "前任", "暧昧", "离婚")),
    ("job crisis", ("工作", "公司", "老板", "上司", "同事", "失业", "裁员", "辞职", "职场", "客户")),
    ("academic pressure", ("考试", "学业", "论文", "高考", "考研", "成绩", "导师", "课程", "作业")),
    ("problems with friends", ("朋友", "闺蜜", "室友", "友谊", "同学")),
    ("conflict with parents", ("父母", "爸爸", "妈妈", "父亲", "母亲")),
    ("issues with children", ("儿子", "女儿", "孩子")),
    ("sleep problems", ("失眠", "睡眠", "睡不着")),
    ("ongoing depression", ("抑郁", "低落", "空虚", "提不起劲")),
    ("appearance anxiety", ("外貌", "身材", "长相", "体重")),
)

# ESConv's emotion types, guessed the same way.
EMOTION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("anxiety", ("焦虑", "不安", "担心", "担忧")),
    ("anger", ("愤怒", "生气", "恼火", "气愤")),
    ("sadness", ("难过", "悲伤", "伤心", "失落")),
    ("depression", ("抑郁", "绝望", "空虚")),
    ("fear", ("害怕", "恐惧")),
    ("shame", ("羞耻", "丢脸", "尴尬")),
    ("guilt", ("内疚", "愧疚", "自责")),
    ("jealousy", ("嫉妒",)),
    ("disgust", ("厌恶", "恶心")),
    ("nervousness", ("紧张",)),
)

# (keywords in SAGE's description of the band, a line in that tone). Written for this project.
BAND_CUES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "A": (
        (("敞开", "分享", "细节", "开放"), "其实还有些细节我一直没好意思说，现在想跟你讲讲。"),
        (("自嘲", "轻松", "幽默"), "哈，说出来以后，觉得自己之前真有点钻牛角尖了。"),
        (("建议", "方案", "解决", "接纳"), "你这个思路挺实在的，我回去就试试看。"),
        (("反思", "思考", "分析", "理性"), "这么一理，我好像看清楚自己卡在哪儿了。"),
    ),
    "B": (
        (("急躁", "不耐烦", "急切"), "我就想知道接下来到底该怎么办，能不能说得具体一点？"),
        (("失落", "低落", "失望"), "唉，说来说去，事情好像还是老样子。"),
        (("犹豫", "不确定", "不敢"), "我也不知道该不该跟你说这些……"),
        (("困惑", "迷茫"), "我现在脑子里很乱，不知道自己到底想要什么。"),
        (("抱怨", "不满"), "说实话，这事换谁都会觉得憋屈吧。"),
    ),
    "C": (
        (("激动", "暴躁", "愤怒", "抨击"), "你根本就不明白我在说什么！"),
        (("绝望", "无助", "无力"), "我真的不知道还能怎么办了，能试的都试过了。"),
        (("转移话题", "逃避", "回避"), "算了，这个先不说了，说点别的吧。"),
        (("防御", "排斥", "质疑"), "你这么说，好像都成了我的问题一样。"),
        (("冷淡", "沉默", "简短"), "嗯，可能吧。"),
    ),
}

BAND_FILLERS: dict[str, tuple[str, ...]] = {
    "A": (
        "嗯，听你这么说，我心里踏实多了。",
        "谢谢你一直耐心听我讲，我没那么乱了。",
        "好像真的可以换个角度看这件事。",
    ),
    "B": (
        "嗯，你说的有点道理，可我心里还是放不下。",
        "可能吧，我再想想。",
        "其实最让我难受的，还不是事情本身。",
        "我也说不清，就是觉得堵得慌。",
    ),
    "C": (
        "说这些好像也没什么用。",
        "我觉得你没太听懂我的意思。",
        "每次想到这件事，我就难受得不行。",
        "你说的这些我都知道，可就是做不到。",
    ),
}

GOODBYE_LINE = "谢谢你，今天先聊到这儿吧，我想自己再消化一下。再见啦。"

SHUTDOWN_LINES: dict[str, tuple[str, ...]] = {
    "negative": (
        "果然，跟谁说都一样，没人懂。",
        "行了，别再劝我了。",
        "我不想再说了。",
        "就这样吧，我先下了。",
    ),
    "passive": ("嗯……", "没事了，不用管我。", "我不太想说了。", "就这样吧，再见。"),
    "avoidant": ("算了，不聊这个了。", "我没事，真的，换个话题吧。", "我得去忙了。", "先这样吧，拜拜。"),
}

# Used when a scene has no readable "emotion rises / falls" section. Written for this project.
FALLBACK_REACTIONS: dict[str, tuple[str, str]] = {
    "analyse-both-sides": ("客观地分析事件中各方的问题", "只站在我这边说话，不讲道理"),
    "actionable-advice": ("给出具体、能马上去做的建议", "只说空话安慰，不给办法"),
    "understand-others": ("帮我分析对方为什么会这么做", "只顺着我的情绪骂对方"),
    "guided-reflection": ("用提问引导我自己想明白", "直接替我下结论"),
    "specific-praise": ("具体地肯定我做得好的地方", "泛泛地夸或者挑我的错"),
    "be-heard": ("耐心听我说完，回应我的感受", "我还没说完就急着给建议"),
    "deep-empathy": ("说出我心里那种复杂的感受", "用'都会过去的'这种话敷衍我"),
    "not-at-fault": ("明确认同这不是我的错", "暗示我也有责任"),
}

_HEADER_LABEL = re.compile(r"^[\s#>\-\*\d\.、]*(?P<label>[^：:？?\n]{1,50}?)\**\s*[：:？?]\**")
_LIST_MARK = re.compile(r"^\s*(?:[\-\*]|\d+[\.、])\s+")
# Words in a heading that name the section it opens (checked in this order, on lower-cased text).
_SECTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("A", ("emotion高", "高emotion", "情绪高")),
    ("B", ("emotion一般", "一般emotion", "情绪一般")),
    ("C", ("emotion低", "低emotion", "情绪低")),
    ("up", ("贴合", "上升", "提升")),
    ("down", ("偏离", "下降", "降低")),
)
_LOOSE_WORDS = (
    *_SECTION_WORDS[:3],
    ("up", ("emotion会上升", "emotion上升", "emotion有望上升", "情绪会上升", "好转")),
    ("down", ("emotion会下降", "emotion下降", "情绪会下降", "emotion降低")),
)
_BOLD_ONLY = re.compile(r"^\s*[\-\*\d\.]*\s*\*\*[^*]+\*\*\s*[：:]?\s*$")
_MARKDOWN = re.compile(r"[\*#>`]+")


# --- Reading the file ----------------------------------------------------------------------------


def read_sage_file(path: Path) -> list[Profile]:
    """Convert every line of a SAGE JSONL file. A bad line raises an InputError naming its number."""
    text = read_text(
        path,
        max_bytes=MAX_SAGE_BYTES,
        what="SAGE profile file",
        empty_fix="pass the SAGE profiles, one JSON object a line",
    )
    profiles: list[Profile] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        profile = sage_line_to_profile(line, path=path, number=number)
        if profile.id in seen:
            raise InputError(
                path,
                f"profile id '{profile.id}' repeats line {seen[profile.id]}",
                where=f"line {number}",
                fix="give every SAGE record its own id",
            )
        seen[profile.id] = number
        profiles.append(profile)
    return profiles


def sage_line_to_profile(line: str, *, path: Path, number: int) -> Profile:
    """Parse and convert one JSONL line; errors name the line and, for model errors, the key."""
    where = f"line {number}"
    try:
        record = jsonsafe.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            path,
            f"not JSON: {exc.msg} at column {exc.colno}",
            where=where,
            fix="each line must be one JSON object",
        ) from exc
    except jsonsafe.JsonRefused as exc:
        raise InputError(path, exc.problem, where=where, fix=exc.fix) from None
    data = sage_record_to_data(_checked_record(record, path, where), path=path, where=where)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = validation_errors(path, exc)[0]
        raise InputError(path, first.problem, where=f"{where}, {first.where}", fix=first.fix) from exc


def _checked_record(record: Any, path: Path, where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise InputError(path, f"expected a JSON object, found {type(record).__name__}", where=where)
    missing = [f for f in REQUIRED_FIELDS if f not in record]
    if missing:
        raise InputError(
            path,
            f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            where=where,
            fix=f"a SAGE record has {', '.join(REQUIRED_FIELDS)}",
        )
    for name in REQUIRED_FIELDS:
        value = record[name]
        ok = _is_str_list(value) if name == "cha_group" else isinstance(value, str) and bool(value.strip())
        if not ok:
            kind = "a list of strings" if name == "cha_group" else "a non-empty string"
            raise InputError(path, f"field '{name}' must be {kind}", where=where)
    return record


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)


# --- Mapping one record --------------------------------------------------------------------------


def sage_record_to_data(record: dict[str, Any], *, path: Path, where: str) -> dict[str, Any]:
    """The profile as plain data, ready for `Profile.model_validate`."""
    player = _clean(record["player"])
    scene = _clean(record["scene"])
    personality = map_personality(record["main_cha"], path=path, where=where)
    intention = map_intention(record["task"], path=path, where=where)
    sections = scene_sections(scene)
    return {
        "id": f"sage-{record['id'].strip().lower()[:8]}",
        "language": "zh",
        "persona": parse_persona(player, path=path, where=where),
        "personality": personality,
        "traits": [t.strip() for t in record["cha_group"]],
        "problem_type": best_keyword_match(PROBLEM_KEYWORDS, scene, default="other"),
        "emotion_type": best_keyword_match(
            EMOTION_KEYWORDS, " ".join(record["cha_group"]) + scene, default="unspecified"
        ),
        "intention": intention,
        # The whole persona stays with the story so nothing SAGE wrote is lost.
        "background": f"## 角色设定\n\n{player}\n\n{scene}",
        "first_message": record["first_talk"].strip(),
        "reactions": reactions(sections, intention),
        "lines": band_lines(sections, personality),
        "source": f"sage:{record['id'].strip()}",
    }


def _clean(text: str) -> str:
    # Markdown's trailing-space line breaks would force quoted YAML; they carry no meaning here.
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def map_personality(raw: str, *, path: Path, where: str) -> str:
    """负面型 → negative, 被动型 → passive, 回避型 → avoidant (English ids pass through)."""
    for word, pid in PERSONALITY_WORDS:
        if word in raw or raw.strip() == pid:
            return pid
    raise InputError(path, f"unknown main_cha '{raw}'", where=where, fix="expected 负面型, 被动型 or 回避型")


def map_intention(task: str, *, path: Path, where: str) -> str:
    """Map one of SAGE's 8 task sentences to an intention id by its keywords."""
    text = task.strip()
    scores = {iid: sum(word in text for word in words) for iid, words in INTENTION_KEYWORDS}
    if text in scores:
        return text
    best = max(scores.values())
    winners = [iid for iid, score in scores.items() if score == best]
    if best == 0 or len(winners) > 1:
        raise InputError(
            path,
            f"cannot map task '{text}' to an intention",
            where=where,
            fix="expected one of SAGE's 8 task sentences",
        )
    return winners[0]


def best_keyword_match(table: Iterable[tuple[str, tuple[str, ...]]], text: str, *, default: str) -> str:
    """The label whose keywords occur most often in `text`; the first in the table wins a tie."""
    best, best_count = default, 0
    for label, words in table:
        count = sum(text.count(word) for word in words)
        if count > best_count:
            best, best_count = label, count
    return best


def player_sections(player: str) -> dict[str, str]:
    """Split SAGE's `* 姓名：...` persona Markdown into {label: text}."""
    labels = ("姓名", "年龄", "性别", "职业", "个人爱好", "习惯和行为特点", "说话风格", "说话方式")
    pattern = re.compile(r"^\s*[\*\-]?\s*\**(" + "|".join(labels) + r")\**\s*[：:]\**\s*(.*)$")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in player.splitlines():
        match = pattern.match(line)
        if match:
            current = sections.setdefault(match.group(1), [])
            current.append(match.group(2))
        elif current is not None:
            current.append(line)
    return {label: _join_lines(parts) for label, parts in sections.items()}


def _join_lines(parts: list[str]) -> str:
    # Chinese needs no space between lines that end a sentence; other text keeps one.
    text = ""
    for part in (p.strip() for p in parts):
        if part:
            text += part if not text or text.endswith(_CJK_ENDS) else " " + part
    return text


def parse_persona(player: str, *, path: Path, where: str) -> dict[str, Any]:
    """Name, age, gender, occupation and speaking style from the persona Markdown."""
    sections = player_sections(player)
    age = re.search(r"\d+", sections.get("年龄", ""))
    if not sections.get("姓名") or age is None:
        raise InputError(
            path,
            "player has no 姓名 (name) or 年龄 (age)",
            where=where,
            fix="the persona needs '* 姓名：' and '* 年龄：' lines",
        )
    style = " ".join(s for s in (sections.get("说话风格", ""), sections.get("说话方式", "")) if s)
    return {
        "name": sections["姓名"][:80],
        "age": int(age.group(0)),
        "gender": sections.get("性别", "")[:40],
        "occupation": sections.get("职业", "")[:120],
        "speaking_style": _shorten(style, MAX_STYLE_CHARS),
    }


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Scene reactions -----------------------------------------------------------------------------


def _header(line: str) -> tuple[str | None, str]:
    """Which reaction section a line opens (band A/B/C, 'up', 'down' or None) and the text after it."""
    match = _HEADER_LABEL.match(line)
    if match:
        label, rest = match.group("label"), line[match.end() :]
    elif line.lstrip().startswith("#") or (
        len(line.strip()) <= 40 and ("**" in line or "emotion" in line.lower())
    ):
        label, rest = line, ""  # a heading without a colon, such as "### 角色emotion高时"
    else:
        return None, ""
    return _label_kind(label.lower()), rest


def _label_kind(label: str) -> str | None:
    for kind, words in _SECTION_WORDS:
        if any(word in label for word in words):
            return kind
    return None


def scene_sections(scene: str) -> dict[str, str]:
    """The scene's descriptions of the three emotion levels and of what raises and lowers emotion."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in scene.splitlines():
        kind, rest = _header(line)
        if kind is not None:
            current = sections.setdefault(kind, [])
            current.append(rest)
        elif line.lstrip().startswith("#") or _BOLD_ONLY.match(line):
            current = None  # another heading ends the section
        elif current is not None:
            current.append(line)
        else:
            _loose_reaction(line, sections)
    return {kind: _plain(parts) for kind, parts in sections.items()}


def _loose_reaction(line: str, sections: dict[str, list[str]]) -> None:
    # Some scenes state the reactions as prose ("在emotion高时，……。如果NPC……emotion会上升") with no
    # heading, so each sentence that names a level or a rise or fall goes to that section.
    for sentence in re.split(r"(?<=。)", line):
        lowered = sentence.lower()
        if "emotion" not in lowered and "情绪" not in lowered:
            continue
        kind = next((k for k, words in _LOOSE_WORDS if any(w in lowered for w in words)), None)
        if kind is not None:
            sections.setdefault(kind, []).append(sentence)


def _plain(parts: list[str]) -> str:
    lines = (_LIST_MARK.sub("", part) for part in parts)
    return " ".join(_MARKDOWN.sub(" ", " ".join(lines)).split())


def band_lines(sections: dict[str, str], personality: str) -> dict[str, list[str]]:
    """Lines per band, chosen by the keywords of SAGE's description of that band."""
    lines: dict[str, list[str]] = {}
    for band, cues in BAND_CUES.items():
        description = sections.get(band, "")
        picked = [line for words, line in cues if any(w in description for w in words)][:3]
        for filler in BAND_FILLERS[band]:
            if len(picked) >= 4:
                break
            picked.append(filler)
        lines[band] = picked
    lines["A"].append(GOODBYE_LINE)
    lines["F"] = list(SHUTDOWN_LINES[personality])
    return lines


def reactions(sections: dict[str, str], intention: str) -> dict[str, list[str]]:
    """The first sentences of the scene's 'emotion rises' and 'emotion falls' sections."""
    up, down = FALLBACK_REACTIONS[intention]
    return {
        "raises": _sentences(sections.get("up", "")) or [up],
        "lowers": _sentences(sections.get("down", "")) or [down],
    }


def _sentences(text: str) -> list[str]:
    parts = (p.strip(" ，,。；;") for p in re.split(r"[。；;！!]", text))
    # SAGE scenes sometimes end with a summary sentence about the script itself; it is no reaction.
    return [p for p in parts if len(p) >= 6 and not p.startswith(_SUMMARY_OPENERS)][:MAX_REACTIONS]
