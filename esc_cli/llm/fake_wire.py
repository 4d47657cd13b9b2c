"""The bodies the fake server sends: just enough of the OpenAI chat-completions and Anthropic
messages wire formats for the official SDKs to parse them as real replies and real errors.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any, Literal

from esc_cli.llm.scripted import rough_tokens
from esc_cli.llm.structured import minimal_instance, schema_from_instruction

Wire = Literal["openai", "anthropic"]
# How the fake writes a JSON reply, as the small models behind local servers do (see `styled`).
ReplyStyle = Literal["clean", "prose", "fence", "control", "wrong-shape", "wrong-once"]
REPLY_STYLES: tuple[str, ...] = ("clean", "prose", "fence", "control", "wrong-shape", "wrong-once")
REPAIR_OPENING = "Your reply did not match the JSON Schema"

# Anthropic's error `type` for each status, which the SDK exposes as `APIStatusError.type`.
ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def _text_of(content: Any) -> str:
    """A message's text, whether the content is a string or a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


def system_text(wire: Wire, body: dict[str, Any]) -> str:
    if wire == "anthropic":
        return _text_of(body.get("system", ""))
    return "".join(_text_of(m.get("content")) for m in body.get("messages", []) if m.get("role") == "system")


def requested_schema(wire: Wire, body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema a request asks for: its API field, or else our instruction in the system prompt."""
    if wire == "openai":
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema")
    else:
        schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    if isinstance(schema, dict):
        return schema
    return schema_from_instruction(system_text(wire, body))


def echo_text(wire: Wire, body: dict[str, Any]) -> str:
    """The default reply: a value that fits the schema when one is asked for, else an echo."""
    schema = requested_schema(wire, body)
    if schema is not None:
        return json.dumps(minimal_instance(schema))
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return f"echo: {_text_of(users[-1].get('content')) if users else ''}"


def prompt_tokens(wire: Wire, body: dict[str, Any]) -> int:
    text = system_text(wire, body) if wire == "anthropic" else ""
    text += "".join(_text_of(m.get("content")) for m in body.get("messages", []))
    return rough_tokens(text)


class PromptCacheModel:
    """Anthropic's prompt cache, roughly: a marked prefix is written on first use and read after."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def split(self, body: dict[str, Any]) -> tuple[int, int]:
        """(cache_read_tokens, cache_write_tokens) for a request."""
        blocks = body.get("system")
        if not isinstance(blocks, list):
            return 0, 0
        marked = [i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("cache_control")]
        if not marked:
            return 0, 0
        prefix = _text_of(blocks[: marked[-1] + 1])
        digest = hashlib.sha256(f"{body.get('model')}\0{prefix}".encode()).hexdigest()
        with self._lock:
            seen = digest in self._seen
            self._seen.add(digest)
        tokens = rough_tokens(prefix)
        return (tokens, 0) if seen else (0, tokens)


def openai_reply(body: dict[str, Any], text: str, number: int) -> dict[str, Any]:
    prompt = prompt_tokens("openai", body)
    output = rough_tokens(text)
    return {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": 0},
        },
    }


def anthropic_reply(body: dict[str, Any], text: str, number: int, cache: PromptCacheModel) -> dict[str, Any]:
    read, write = cache.split(body)
    return {
        "id": f"msg_fake_{number}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "fake"),
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": max(0, prompt_tokens("anthropic", body) - read - write),
            "output_tokens": rough_tokens(text),
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": write,
        },
    }


def error_body(wire: Wire, status: int, message: str) -> dict[str, Any]:
    if wire == "anthropic":
        kind = ANTHROPIC_ERROR_TYPES.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": "fake_error", "param": None, "code": str(status)}}


def _with_control_characters(value: Any) -> Any:
    if isinstance(value, str):
        return f"{value}\n\t(said softly)"
    if isinstance(value, dict):
        return {key: _with_control_characters(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_control_characters(item) for item in value]
    return value


def is_repair(wire: Wire, body: dict[str, Any]) -> bool:
    """True for the client's one repair request (its last user message quotes the schema errors)."""
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return bool(users) and _text_of(users[-1].get("content")).startswith(REPAIR_OPENING)


def styled(text: str, style: str, *, repair: bool = False) -> str:
    """A JSON reply as a small model might write it:

    clean        as it is
    prose        inside a sentence before and after
    fence        in a ```json code fence
    control      raw newlines and tabs inside its strings (not escaped, so not strict JSON)
    wrong-shape  valid JSON of the wrong shape, every time
    wrong-once   the wrong shape, then the right one when the client asks for a repair
    """
    if style == "prose":
        return f"Sure! Here is my answer:\n{text}\nI hope this helps."
    if style == "fence":
        return f"```json\n{text}\n```"
    if style == "control":
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return text
        escaped = json.dumps(_with_control_characters(data), ensure_ascii=False)
        return escaped.replace("\\n", "\n").replace("\\t", "\t")
    if style == "wrong-shape" or (style == "wrong-once" and not repair):
        return json.dumps({"answer": text})
    return text
