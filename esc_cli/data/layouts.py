"""One function per file layout that turns a parsed JSON object into a `Dialogue`.

Layouts (see ../shared/data/esconv/SOURCE.md for the first four):

- `esconv-json`: the original ESConv.json list; items `{"speaker": "seeker"|"supporter",
  "annotation": {"strategy"|"feedback": ...}, "content": str}`.
- `failed-esconv`: the same list layout with speakers `speaker` (seeker) and `listener` (supporter)
  and raw strategy spellings (`Questions`, `Other`, ...). Every dialogue is a failure.
- `hf-jsonl`: one dialogue a line, items `{"text", "speaker": "usr"|"sys", "strategy"}`.
- `multiesc`: one dialogue a line, merged turns with `feedback` on `usr` items and
  `init_intensity`/`final_intensity` at the top.
- `generic`: the layout for your own dialogues, one a line::

    {"id": "chat-17", "source": "mychats", "split": "train", "outcome": "success",
     "emotion_type": "anxiety", "problem_type": "job crisis", "situation": "...",
     "initial_intensity": 4, "final_intensity": 2,
     "turns": [{"speaker": "seeker", "text": "...", "feedback": 4},
               {"speaker": "supporter", "text": "...", "strategy": "Question"}]}

  Only `turns`, and `speaker` and `text` in each turn, are required. `speaker` is `seeker` or
  `supporter`; `strategy` is an ESConv strategy; `feedback` is 1..5; `outcome` success or failure.

A problem raises `LayoutProblem(where, problem, fix)`; the loader adds the file and the line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from esc_cli.data.dialogue import FAILURE, SEEKER, SUCCESS, SUPPORTER, Dialogue, Utterance
from esc_cli.jsonsafe import kind_of
from esc_cli.taxonomy import ESCONV_STRATEGIES, MULTIESC_STRATEGY_ALIASES, normalise_strategy

FORMATS: tuple[str, ...] = ("esconv-json", "failed-esconv", "hf-jsonl", "multiesc", "generic")

ORIGINAL_SPEAKERS = {"seeker": SEEKER, "supporter": SUPPORTER}
FAILED_SPEAKERS = {"speaker": SEEKER, "listener": SUPPORTER}
HF_SPEAKERS = {"usr": SEEKER, "sys": SUPPORTER}
GENERIC_SPEAKERS = ORIGINAL_SPEAKERS  # the generic layout names its speakers as ESConv does


class LayoutProblem(Exception):
    """A dialogue object does not fit its layout: where inside it, what is wrong, how to fix it."""

    def __init__(self, where: str, problem: str, fix: str = "") -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
        self.fix = fix


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise LayoutProblem(where, f"expected an object, found {kind_of(value)}")
    return value


def _items(dialogue: Mapping[str, Any], key: str) -> list[Any]:
    items = dialogue.get(key)
    if not isinstance(items, list):
        found = "missing" if items is None else kind_of(items)
        raise LayoutProblem(key, f"expected a list of utterances, found {found}")
    return items


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        found = "missing" if value is None else kind_of(value)
        raise LayoutProblem(f"{where}.{key}", f"text is {found}", "every utterance needs its text")
    return value.strip()


def _speaker(item: Mapping[str, Any], names: Mapping[str, str], where: str) -> str:
    raw = item.get("speaker")
    if raw is None:
        raise LayoutProblem(f"{where}.speaker", "missing speaker", f"use one of {', '.join(names)}")
    speaker = names.get(str(raw).strip().lower())
    if speaker is None:
        raise LayoutProblem(
            f"{where}.speaker", f"unknown speaker {raw!r}", f"this layout uses {', '.join(names)}"
        )
    return speaker


def _strategy(raw: Any, where: str, aliases: Mapping[str, str] | None = None) -> tuple[str, str]:
    if raw is None or raw == "":
        return "", ""
    if aliases and str(raw) in aliases:
        return aliases[str(raw)], str(raw)
    try:
        return normalise_strategy(str(raw)), str(raw)
    except KeyError:
        raise LayoutProblem(
            f"{where}.strategy", f"unknown strategy {raw!r}", f"use one of {', '.join(ESCONV_STRATEGIES)}"
        ) from None


def _feedback(raw: Any, where: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise LayoutProblem(f"{where}.feedback", f"feedback {raw!r} is not 1..5")
    return value


def _intensity(raw: Any) -> int | None:
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if 1 <= value <= 5 else None


def _seeker_survey(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    survey = obj.get("survey_score", {}) or {}
    seeker = survey.get("seeker", {}) if isinstance(survey, Mapping) else {}
    return seeker if isinstance(seeker, Mapping) else {}


def _survey(dialogue: Dialogue, obj: Mapping[str, Any]) -> None:
    """The seeker's survey: emotion intensity before and after, and how relevant the supporter was."""
    seeker = _seeker_survey(obj)
    dialogue.initial_intensity = _intensity(seeker.get("initial_emotion_intensity"))
    dialogue.final_intensity = _intensity(seeker.get("final_emotion_intensity"))
    dialogue.relevance_rating = _intensity(seeker.get("relevance"))


def _shell(obj: Mapping[str, Any], source: str, split: str, index: int, outcome: str) -> Dialogue:
    return Dialogue(
        source=source,
        split=split,
        index=index,
        utterances=[],
        outcome=outcome,
        emotion_type=str(obj.get("emotion_type") or ""),
        problem_type=str(obj.get("problem_type") or ""),
        situation=str(obj.get("situation") or "").strip(),
    )


def _original(obj: Any, source: str, split: str, index: int, failed: bool) -> Dialogue:
    obj = _mapping(obj, "dialogue")
    names = FAILED_SPEAKERS if failed else ORIGINAL_SPEAKERS
    dialogue = _shell(obj, source, split, index, FAILURE if failed else SUCCESS)
    _survey(dialogue, obj)
    for i, raw in enumerate(_items(obj, "dialog")):
        where = f"dialog[{i}]"
        item = _mapping(raw, where)
        annotation = item.get("annotation") or {}
        annotation = _mapping(annotation, f"{where}.annotation")
        speaker = _speaker(item, names, where)
        strategy, raw_strategy = (
            _strategy(annotation.get("strategy"), where) if speaker == SUPPORTER else ("", "")
        )
        feedback = _feedback(annotation.get("feedback"), where) if speaker == SEEKER else None
        dialogue.utterances.append(
            Utterance(speaker, _text(item, "content", where), strategy, raw_strategy, feedback)
        )
    return dialogue


def parse_esconv_json(obj: Any, source: str, split: str, index: int) -> Dialogue:
    return _original(obj, source, split, index, failed=False)


def parse_failed_esconv(obj: Any, source: str, split: str, index: int) -> Dialogue:
    return _original(obj, source, split, index, failed=True)


def parse_hf(obj: Any, source: str, split: str, index: int) -> Dialogue:
    obj = _mapping(obj, "dialogue")
    dialogue = _shell(obj, source, split, index, SUCCESS)
    _survey(dialogue, obj)
    for i, raw in enumerate(_items(obj, "dialog")):
        where = f"dialog[{i}]"
        item = _mapping(raw, where)
        speaker = _speaker(item, HF_SPEAKERS, where)
        strategy, raw_strategy = _strategy(item.get("strategy"), where) if speaker == SUPPORTER else ("", "")
        dialogue.utterances.append(Utterance(speaker, _text(item, "text", where), strategy, raw_strategy))
    return dialogue


def parse_multiesc(obj: Any, source: str, split: str, index: int) -> Dialogue:
    obj = _mapping(obj, "dialogue")
    dialogue = _shell(obj, source, split, index, SUCCESS)
    dialogue.initial_intensity = _intensity(obj.get("init_intensity"))
    dialogue.final_intensity = _intensity(obj.get("final_intensity"))
    for i, raw in enumerate(_items(obj, "dialog")):
        where = f"dialog[{i}]"
        item = _mapping(raw, where)
        speaker = _speaker(item, HF_SPEAKERS, where)
        text = _text(item, "text", where)
        if speaker == SUPPORTER:
            strategy, raw_strategy = _strategy(item.get("strategy"), where, MULTIESC_STRATEGY_ALIASES)
            dialogue.utterances.append(Utterance(speaker, text, strategy, raw_strategy))
        else:
            feedback = _feedback(item.get("feedback"), where)
            dialogue.utterances.append(Utterance(speaker, text, feedback=feedback))
    return dialogue


def parse_generic(obj: Any, source: str, split: str, index: int) -> Dialogue:
    obj = _mapping(obj, "dialogue")
    outcome = str(obj.get("outcome") or SUCCESS)
    if outcome not in (SUCCESS, FAILURE):
        raise LayoutProblem("outcome", f"unknown outcome {outcome!r}", "use success or failure")
    dialogue = _shell(obj, str(obj.get("source") or source), str(obj.get("split") or split), index, outcome)
    dialogue.name = str(obj.get("id") or "")
    dialogue.initial_intensity = _intensity(obj.get("initial_intensity"))
    dialogue.final_intensity = _intensity(obj.get("final_intensity"))
    for i, raw in enumerate(_items(obj, "turns")):
        where = f"turns[{i}]"
        item = _mapping(raw, where)
        speaker = _speaker(item, GENERIC_SPEAKERS, where)
        text = _text(item, "text", where)
        strategy, raw_strategy = _strategy(item.get("strategy"), where) if speaker == SUPPORTER else ("", "")
        feedback = _feedback(item.get("feedback"), where) if speaker == SEEKER else None
        dialogue.utterances.append(Utterance(speaker, text, strategy, raw_strategy, feedback))
    return dialogue


Parser = Callable[[Any, str, str, int], Dialogue]

PARSERS: dict[str, Parser] = {
    "esconv-json": parse_esconv_json,
    "failed-esconv": parse_failed_esconv,
    "hf-jsonl": parse_hf,
    "multiesc": parse_multiesc,
    "generic": parse_generic,
}

DEFAULT_SOURCES: dict[str, str] = {
    "esconv-json": "esconv",
    "failed-esconv": "failed-esconv",
    "hf-jsonl": "esconv",
    "multiesc": "esconv",
}


def guess_format(obj: Any) -> str | None:
    """The layout one parsed dialogue object looks like, or None."""
    if not isinstance(obj, Mapping):
        return None
    if isinstance(obj.get("turns"), list):
        return "generic"
    items = obj.get("dialog")
    if not isinstance(items, list):
        return None
    heads = [item for item in items[:50] if isinstance(item, Mapping)]
    speakers = {str(item.get("speaker")) for item in heads}
    if speakers & set(FAILED_SPEAKERS):
        return "failed-esconv"
    if speakers & set(HF_SPEAKERS):
        if "init_intensity" in obj or any("all_strategy" in item for item in heads[:5]):
            return "multiesc"
        return "hf-jsonl"
    if speakers & set(ORIGINAL_SPEAKERS) and any("content" in item for item in heads):
        return "esconv-json"
    return None
