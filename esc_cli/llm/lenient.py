"""Reading a model's JSON the way small models write it, and checking it against the schema.

Small local models get the shape right more often than the syntax. What is read leniently:

    raw control characters inside strings    a newline or tab typed into a string value
    JSON inside prose or a code fence         "Sure! ```json {...} ``` Hope this helps."
    enum values off by case or spacing        "Question " or "question" for "Question"

Nothing else is guessed: a missing field or a wrong type stays an error, and every error is named
(path and problem) so the one repair round can quote them back to the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\r?\n?(?P<body>.*?)```", re.DOTALL)
MAX_ERRORS = 5
_DECODER = json.JSONDecoder(strict=False)


class ReplyError(ValueError):
    """The reply is not JSON, or not JSON that fits the schema. The message says where."""


def _loads(text: str) -> Any:
    """Strict JSON syntax, except that control characters are allowed inside strings."""
    return _DECODER.decode(text.strip())


def _embedded(text: str) -> Any:
    """The first JSON object or array inside `text`, found by decoding from each opening bracket."""
    for index, char in enumerate(text):
        if char in "{[":
            try:
                value, _end = _DECODER.raw_decode(text, index)
            except json.JSONDecodeError:
                continue
            return value
    raise ValueError("no JSON object in the reply")


def loads_lenient(text: str) -> Any:
    """The JSON value of a reply: plain, fenced, or embedded in prose. Raises ReplyError naming why not."""
    try:
        return _loads(text)
    except json.JSONDecodeError as exc:
        first = exc
    for fenced in FENCE.finditer(text):
        try:
            return _loads(fenced.group("body"))
        except json.JSONDecodeError:
            continue
    try:
        return _embedded(text)
    except ValueError:
        pass
    if not text.strip():
        raise ReplyError("the reply is empty") from first
    raise ReplyError(f"not valid JSON: {first.msg} at line {first.lineno} column {first.colno}") from first


def _norm(value: str) -> str:
    return "".join(value.split()).casefold()


def _fix_enum(value: Any, schema: dict[str, Any]) -> Any:
    options = schema.get("enum")
    if not isinstance(value, str) or not isinstance(options, list) or value in options:
        return value
    matches = [o for o in options if isinstance(o, str) and _norm(o) == _norm(value)]
    return matches[0] if len(matches) == 1 else value


def coerce(value: Any, schema: Any) -> Any:
    """`value` with enum strings that differ from an allowed value only in case or spacing replaced by
    that value, through objects, arrays and anyOf/oneOf branches. Nothing else changes."""
    if not isinstance(schema, dict):
        return value
    value = _fix_enum(value, schema)
    for combinator in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(combinator) or []:
            value = coerce(value, branch)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        return {
            key: coerce(item, props.get(key, extra if isinstance(extra, dict) else {}))
            for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [coerce(item, schema["items"]) for item in value]
    return value


def _where(path: Any) -> str:
    tail = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return "$" + tail


def schema_errors(data: Any, schema: dict[str, Any]) -> list[str]:
    """Every place (up to MAX_ERRORS) where `data` breaks `schema`, as "at $.path: problem"."""
    # Imported here so only calls with a schema pay for it.
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_cls(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"at {_where(e.absolute_path)}: {e.message}" for e in errors[:MAX_ERRORS]]


def check_schema(data: Any, schema: dict[str, Any]) -> None:
    """Raise ReplyError naming every place (up to MAX_ERRORS) where `data` breaks `schema`."""
    problems = schema_errors(data, schema)
    if problems:
        raise ReplyError("; ".join(problems))


def read_reply(text: str, schema: dict[str, Any]) -> Any:
    """The reply's JSON, read leniently, enum spellings mended, and checked against the schema."""
    data = coerce(loads_lenient(text), schema)
    check_schema(data, schema)
    return data
