"""Structured output: asking for JSON, reading it back, checking it against the schema, and repairing.

Every backend asks for JSON the same way (an instruction with the schema, plus the API's JSON mode
where it has one), and the client checks every reply here with `jsonschema`. A reply that fails
gets exactly one repair request that quotes the error; `repair_request` builds it.
"""

from __future__ import annotations

import json
from typing import Any

from esc_cli.llm.base import Message, Request
from esc_cli.llm.lenient import ReplyError, check_schema, loads_lenient, read_reply

__all__ = [
    "ReplyError",
    "check_schema",
    "minimal_instance",
    "parse_json_text",
    "parse_reply",
    "repair_request",
    "schema_instruction",
]


SCHEMA_MARKER = "that matches this JSON Schema:\n"


def schema_instruction(schema: dict[str, Any]) -> str:
    """The sentence appended to the system prompt when a reply must be JSON."""
    return (
        "Reply with one JSON value only, with no prose and no code fence, "
        + SCHEMA_MARKER
        + json.dumps(schema, sort_keys=True, ensure_ascii=False)
    )


def schema_from_instruction(system: str) -> dict[str, Any] | None:
    """The schema that `schema_instruction` put at the end of a system prompt, if there is one.

    Only the fake server needs this: it sees wire requests, not our Request objects.
    """
    _, found, tail = system.rpartition(SCHEMA_MARKER)
    if not found:
        return None
    try:
        schema = json.loads(tail)
    except json.JSONDecodeError:
        return None
    return schema if isinstance(schema, dict) else None


def with_schema_instruction(system: str, schema: dict[str, Any] | None) -> str:
    """The system prompt, with the JSON instruction after it when a schema is given."""
    if schema is None:
        return system
    instruction = schema_instruction(schema)
    return f"{system}\n\n{instruction}" if system else instruction


def parse_json_text(text: str) -> Any:
    """Parse a reply as JSON: plain, in a code fence, or inside prose (see `lenient.py`)."""
    return loads_lenient(text)


def parse_reply(text: str, schema: dict[str, Any]) -> Any:
    """The reply's JSON, read leniently and checked against the schema."""
    return read_reply(text, schema)


def repair_request(request: Request, bad_reply: str, problem: str) -> Request:
    """The one follow-up that shows the model its reply and the validation error."""
    note = (
        f"Your reply did not match the JSON Schema: {problem}. "
        "Reply again with one JSON value only that matches the schema."
    )
    messages = (
        *request.messages,
        Message(role="assistant", content=bad_reply or "(empty)"),
        Message(role="user", content=note),
    )
    return request.model_copy(update={"messages": messages})


def minimal_instance(schema: dict[str, Any]) -> Any:
    """A small value that satisfies simple schemas; the fake server and scripted echo reply with it."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for combinator in ("anyOf", "oneOf", "allOf"):
        options = schema.get(combinator)
        if isinstance(options, list) and options and isinstance(options[0], dict):
            return minimal_instance(options[0])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: minimal_instance(props.get(name, {})) for name in schema.get("required", list(props))}
    if kind == "array":
        item = schema.get("items", {})
        return [minimal_instance(item) for _ in range(int(schema.get("minItems", 0)))]
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None
