"""How a failed model call is classified: worth retrying, or final with one clear line.

Backends translate their SDK's exceptions into these two outcomes so the retry layer never has to
know which SDK raised what:

    TransientFailure   429, 408, 409, 5xx, timeouts, dropped connections, garbled bodies: retry
    BackendError       400, 401, 403, 404, 422 ... : stop now, with a message naming the fix

A 5xx whose body names a request field (llama-cpp-python answers a `response_format` it cannot
handle with a 500) is a request the server will refuse every time, so it is final too. Both kinds
carry the HTTP status and the server's detail, so the JSON-mode fallback (`jsonmode.py`) can read them.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from esc_cli.errors import BackendError

# Statuses a later identical request can succeed on. 408/409 are the server asking us to try again.
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})
DETAIL_LIMIT = 200
# Request fields a server names when it refuses the request itself rather than failing to serve it.
REQUEST_FIELDS = (
    "response_format",
    "json_schema",
    "max_completion_tokens",
    "max_tokens",
    "temperature",
    "seed",
    "messages",
)
_FIELD = re.compile(r"\b(" + "|".join(REQUEST_FIELDS) + r")\b")
T = TypeVar("T")


class TransientFailure(Exception):
    """A call failed in a way that a later attempt may not. Never leaves the retry layer."""

    def __init__(
        self,
        backend: str,
        reason: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        detail: str = "",
        fix: str = "",
    ) -> None:
        super().__init__(f"{backend}: {reason}")
        self.backend = backend
        self.reason = reason
        self.retry_after = retry_after
        self.status = status
        self.detail = detail
        self.fix = fix


def named_field(detail: str) -> str | None:
    """The first request field an error detail names, if any."""
    found = _FIELD.search(detail)
    return found.group(1) if found else None


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Remove API keys from text that came back from a server (some echo the key in 401 bodies)."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return text


def one_line(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A server's error detail as one short, key-free line."""
    flat = " ".join(redact(text, secrets).split())
    return flat if len(flat) <= DETAIL_LIMIT else flat[: DETAIL_LIMIT - 3] + "..."


def parse_retry_after(headers: Mapping[str, str] | None, *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, `retry-after` seconds, or an HTTP date."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _fix_for(status: int, *, key_variable: str, model: str, base_url: str | None) -> tuple[str, str]:
    """(short name of the status, what the user should do about it)."""
    where = f" at {base_url}" if base_url else ""
    if status == 401:
        return "unauthorized", f"check {key_variable}"
    if status == 403:
        return "forbidden", f"check that the key in {key_variable} may use model {model!r}"
    if status == 404:
        return "not found", f"check the model name {model!r} and the base URL{where}"
    if status == 400:
        return "bad request", f"check the model name {model!r} and the request parameters"
    if status == 413:
        return "request too large", "shorten the prompt or the dialogue history"
    if status == 422:
        return "unprocessable request", f"check that the server{where} supports these parameters"
    return f"HTTP {status}", f"check the backend settings in [tool.esc] for model {model!r}"


def status_failure(
    backend: str,
    status: int,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    key_variable: str,
    model: str,
    base_url: str | None = None,
    secrets: tuple[str, ...] = (),
) -> TransientFailure | BackendError:
    """Classify an HTTP error status: a TransientFailure to retry, or a final BackendError to raise."""
    text = one_line(detail, secrets)
    field = named_field(text) if status >= 500 else None
    if status in RETRYABLE_STATUSES or (status >= 500 and field is None):
        return TransientFailure(
            backend,
            f"HTTP {status}: {text}",
            retry_after=parse_retry_after(headers),
            status=status,
            detail=text,
        )
    if field is not None:
        where = f"the server at {base_url}" if base_url else "the server"
        fix = (
            "try --json-mode object, or prompt"
            if field in ("response_format", "json_schema")
            else f"check that {where} supports {field}"
        )
        error = BackendError(f"{backend} refused the request field {field} (HTTP {status}): {text} ({fix})")
    else:
        name, fix = _fix_for(status, key_variable=key_variable, model=model, base_url=base_url)
        error = BackendError(f"{backend} refused the call ({status} {name}): {text} ({fix})")
    error.status, error.detail = status, text
    return error


async def within(seconds: float, call: Awaitable[T], *, backend: str) -> T:
    """`call`, cut off after `seconds` in all: an HTTP read timeout restarts with every byte, so a
    server that drips one byte a second would otherwise never time out."""
    try:
        async with asyncio.timeout(seconds):
            return await call
    except TimeoutError as exc:
        raise TransientFailure(
            backend,
            f"no complete reply within {seconds:g}s",
            fix="raise --timeout or timeout in [tool.esc], or lower --concurrency",
        ) from exc


@contextmanager
def sdk_errors(
    sdk: Any,
    *,
    backend: str,
    detail: Callable[[Any], str],
    key_variable: str,
    model: str,
    base_url: str | None,
    secrets: tuple[str, ...],
    timeout: float,
) -> Iterator[None]:
    """Translate the errors of an official SDK call (anthropic and openai name them alike) into a
    TransientFailure to retry or a final BackendError. `detail` reads the server's message from a
    status error."""
    try:
        yield
    except sdk.APIStatusError as exc:
        raise status_failure(
            backend,
            exc.status_code,
            detail(exc),
            headers=exc.response.headers,
            key_variable=key_variable,
            model=model,
            base_url=base_url,
            secrets=secrets,
        ) from exc
    except sdk.APITimeoutError as exc:
        raise TransientFailure(
            backend,
            f"no reply within {timeout:g}s",
            fix="raise --timeout or timeout in [tool.esc], or lower --concurrency",
        ) from exc
    except sdk.APIConnectionError as exc:
        where = f"the server at {base_url}" if base_url else "the network"
        fix = f"start {where}, or check the base URL" if base_url else "check the network"
        raise TransientFailure(backend, f"connection failed: {exc.message}", fix=fix) from exc
    except (sdk.APIResponseValidationError, ValueError) as exc:
        # A garbled or truncated body (ValueError covers JSON decoding): a proxy or an overloaded
        # server, not our request, so another attempt may well succeed.
        raise TransientFailure(backend, f"malformed response: {type(exc).__name__}") from exc
