"""The API keys esc knows, and scrubbing their values out of everything esc writes.

A key can reach a file by many roads: a server that echoes it in an error body, a prompt template
that includes it and a model that repeats it, a traceback that shows a local variable. Rather than
guard each road, every writer (atomic file writes, run logs, the call cache, crash logs) passes its
text through `scrub`, which replaces the value of each known key variable with `***`.

Known variables: ANTHROPIC_API_KEY, OPENAI_API_KEY, and those a bank names in `[tool.esc] key_env`
(registered when the bank is loaded). Values shorter than MIN_SECRET characters are left alone: they
would match ordinary text, and no real key is that short.
"""

from __future__ import annotations

import os

KEY_VARIABLES = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY")
MIN_SECRET = 8
MASK = "***"
_registered: set[str] = set()


def register_key_variables(names: list[str] | tuple[str, ...]) -> None:
    """Add environment variables whose values must never be written (from `[tool.esc] key_env`)."""
    _registered.update(name for name in names if name)


def key_variables() -> tuple[str, ...]:
    return (*KEY_VARIABLES, *sorted(_registered - set(KEY_VARIABLES)))


def known_secrets() -> tuple[str, ...]:
    """The current values of the known key variables, longest first (so no key hides part of another)."""
    values = {os.environ.get(name, "").strip() for name in key_variables()}
    return tuple(sorted((v for v in values if len(v) >= MIN_SECRET), key=len, reverse=True))


def scrub(text: str) -> str:
    """`text` with every known key value replaced by ***."""
    for secret in known_secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def scrub_bytes(data: bytes) -> bytes:
    """`data` with every known key value (as UTF-8) replaced by ***."""
    for secret in known_secrets():
        encoded = secret.encode("utf-8")
        if encoded in data:
            data = data.replace(encoded, MASK.encode("utf-8"))
    return data
