"""`json.loads` for untrusted corpora and profile files, with the limits hostile files need.

The standard decoder crashes, rather than reporting, on three kinds of input that parse as JSON:
nesting thousands of levels deep (RecursionError), integers of 4,300 and more digits (ValueError),
and escapes of lone surrogates (`"\\ud800"`), which load as strings no UTF-8 writer can encode. Each
becomes a `JsonRefused` here; the readers turn it into one line naming the file and the line.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

# A high surrogate escape not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)

# A surrogate code point in decoded text: what a lone escape loads as, and what Python makes of bytes
# that were not UTF-8 (surrogateescape). No UTF-8 writer can encode it.
_SURROGATE_CHAR = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """True when decoded text holds a surrogate code point (see `_SURROGATE_CHAR`)."""
    return bool(_SURROGATE_CHAR.search(text))


def kind_of(value: Any) -> str:
    """What a parsed JSON value is, in words for a message: "a string", "an object", "null", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


class JsonRefused(ValueError):
    """JSON that parses but that esc will not load; `problem` and `fix` make the message."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def loads(text: str) -> Any:
    """`json.loads`, raising `json.JSONDecodeError` for bad syntax and `JsonRefused` for the rest."""
    if ("\\ud" in text or "\\uD" in text) and _LONE_SURROGATE.search(text):
        raise JsonRefused("a lone surrogate escape (like \\ud800) is not text", "remove or repair the escape")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise JsonRefused("JSON nested too deeply", "flatten the structure") from None
    except ValueError as exc:  # Python's limit on integer digits
        if "digits" not in str(exc):
            raise
        limit = sys.get_int_max_str_digits()
        raise JsonRefused(f"a number of more than {limit} digits", "write a shorter number") from None
