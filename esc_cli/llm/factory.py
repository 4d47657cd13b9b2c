"""Choosing and building the model client of a role from the bank's settings and the command line.

Precedence, for each of backend, model and base URL: the command-line flag, then
`[tool.esc.roles.<role>]`, then the bank-wide default (`engine`, `anthropic_model`/`openai_model`,
`openai_base_url`). A role's model and base URL only apply while the role runs on the backend they
were written for, so `--agent-backend openai` never sends a Claude model name to an OpenAI server.

The JSON mode and the timeout follow the same precedence (flag, role, bank-wide `json_mode` and
`timeout`). Defaults for a server on this machine (see `local_defaults`): 2 calls in flight and a
180 s timeout, unless [tool.esc] sets `concurrency` or `timeout`.

`offline` is not a backend here: each role has its own offline implementation, so callers check
`resolve_role(...).backend` first and only call `make_client` for the model-backed engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from esc_cli.config import ROLES, Bank, RoleSettings, Settings
from esc_cli.errors import ConfigError, InputError
from esc_cli.llm.accounting import Ledger, PriceTable
from esc_cli.llm.base import Backend
from esc_cli.llm.cache import CallCache
from esc_cli.llm.client import Gate, ModelClient
from esc_cli.llm.jsonmode import JsonMode, Notify, ServerModes
from esc_cli.llm.openai_backend import is_local
from esc_cli.llm.retry import RetryPolicy

MODEL_BACKENDS = ("anthropic", "openai", "scripted")
# A server on this machine (llama.cpp's server, Ollama, llama-cpp-python) serves few requests at once:
# 1 to 4 slots by default (llama.cpp --parallel, OLLAMA_NUM_PARALLEL). Calls beyond its slots wait in
# its queue while their own timeout runs, so a long queue turns slow calls into timed-out ones. Two in
# flight keep one slot busy while the next request is read; raise --concurrency for vLLM, which
# batches many. A CPU model may take a minute a call, hence the longer timeout.
LOCAL_CONCURRENCY = 2
LOCAL_TIMEOUT = 180.0


class RoleChoice(BaseModel):
    """The backend, model and base URL one role runs on, after all precedence is applied."""

    model_config = ConfigDict(frozen=True)

    role: str
    backend: str
    model: str
    base_url: str | None = None
    json_mode: JsonMode = "auto"
    timeout: float = 60.0


def _settings_of(bank_or_settings: Bank | Settings) -> tuple[Settings, Path | None]:
    if isinstance(bank_or_settings, Bank):
        return bank_or_settings.settings, bank_or_settings.cache_path
    return bank_or_settings, None


def default_model(settings: Settings, backend: str) -> str:
    if backend == "anthropic":
        return settings.anthropic_model
    if backend == "openai":
        return settings.openai_model
    return backend


def check_base_url(url: str, role: str) -> None:
    """Refuse a base URL that is not an http(s) URL with a host, before any call is made."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise InputError(
            None,
            f"{url!r} is not an http(s) URL with a host",
            where=f"the base URL of the {role} role",
            fix="give the server's URL, e.g. http://127.0.0.1:8080/v1",
        )


def resolve_role(
    bank_or_settings: Bank | Settings,
    role: str,
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    json_mode: str | None = None,
    timeout: float | None = None,
) -> RoleChoice:
    """Which backend, model, base URL, JSON mode and timeout `role` uses. Flags given here win."""
    settings, _ = _settings_of(bank_or_settings)
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r} (roles are: {', '.join(ROLES)})")
    configured = settings.roles.get(role, RoleSettings())
    name = backend or configured.backend or settings.engine
    same_backend = configured.backend in (None, name)
    chosen_model = model or (configured.model if same_backend else None) or default_model(settings, name)
    chosen_url = base_url or (configured.base_url if same_backend else None)
    if chosen_url is None and name == "openai":
        chosen_url = settings.openai_base_url
    if chosen_url is not None:
        check_base_url(chosen_url, role)
    mode = json_mode or (configured.json_mode if same_backend else None) or settings.json_mode
    local = name == "openai" and is_local(chosen_url)
    default_timeout = (
        LOCAL_TIMEOUT if local and "timeout" not in settings.model_fields_set else settings.timeout
    )
    chosen_timeout = timeout or (configured.timeout if same_backend else None) or default_timeout
    return RoleChoice(
        role=role,
        backend=name,
        model=chosen_model,
        base_url=chosen_url,
        json_mode=mode,
        timeout=chosen_timeout,
    )


def default_concurrency(settings: Settings, choice: RoleChoice) -> int:
    """Calls in flight per server when --concurrency is not given: [tool.esc] concurrency when the
    bank sets it, else LOCAL_CONCURRENCY for a server on this machine, else the settings' default."""
    if "concurrency" in settings.model_fields_set:
        return settings.concurrency
    if choice.backend == "openai" and is_local(choice.base_url):
        return LOCAL_CONCURRENCY
    return settings.concurrency


def make_backend(
    choice: RoleChoice, *, timeout: float | None = None, modes: ServerModes | None = None
) -> Backend:
    """The backend object for a resolved choice. The SDK is imported only here, when used.

    `timeout` overrides the choice's; `modes` is the run's shared memory of each server's JSON mode.
    """
    seconds = timeout or choice.timeout
    if choice.backend == "anthropic":
        from esc_cli.llm.anthropic_backend import AnthropicBackend

        return AnthropicBackend(choice.model, base_url=choice.base_url, timeout=seconds)
    if choice.backend == "openai":
        from esc_cli.llm.openai_backend import OpenAIBackend

        return OpenAIBackend(
            choice.model, base_url=choice.base_url, timeout=seconds, json_mode=choice.json_mode, modes=modes
        )
    if choice.backend == "scripted":
        from esc_cli.llm.scripted import ScriptedBackend, echo_reply

        return ScriptedBackend(handler=echo_reply, model=choice.model)
    if choice.backend == "offline":
        raise ConfigError(
            f"the {choice.role} role is set to the offline engine, which is not a model backend "
            "(use the role's offline implementation, or choose --backend anthropic or openai)"
        )
    raise ConfigError(
        f"unknown backend {choice.backend!r} for the {choice.role} role (choose one of: "
        f"offline, {', '.join(MODEL_BACKENDS)})"
    )


def make_client(
    bank_or_settings: Bank | Settings,
    role: str,
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    json_mode: str | None = None,
    timeout: float | None = None,
    no_cache: bool = False,
    concurrency: int | None = None,
    cache_path: Path | None = None,
    ledger: Ledger | None = None,
    gate: Gate | None = None,
    modes: ServerModes | None = None,
) -> ModelClient:
    """The client for `role`, with the bank's cache, retries, concurrency and prices.

    A bank's cache is `.esc/cache.sqlite`; with bare Settings pass `cache_path`, or there is none.
    Pass one `ledger` (and `gate`) to several clients to account (and bound) them together, or use
    `make_clients`.
    """
    settings, bank_cache = _settings_of(bank_or_settings)
    choice = resolve_role(
        bank_or_settings,
        role,
        backend=backend,
        model=model,
        base_url=base_url,
        json_mode=json_mode,
        timeout=timeout,
    )
    made = make_backend(choice, modes=modes)
    path = cache_path or bank_cache
    cache = None if no_cache or path is None else CallCache(path)
    return ModelClient(
        made,
        role=role,
        cache=cache,
        retry=RetryPolicy(max_attempts=settings.max_attempts),
        gate=gate or Gate(concurrency or default_concurrency(settings, choice)),
        ledger=ledger or Ledger(PriceTable(settings.prices)),
        owns_cache=cache is not None,
    )


def make_clients(
    bank_or_settings: Bank | Settings,
    roles: Iterable[str],
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    no_cache: bool = False,
    concurrency: int | None = None,
    cache_path: Path | None = None,
    notify: Notify | None = None,
) -> dict[str, ModelClient]:
    """Clients for several roles of one run: one ledger, one gate per backend and server, and one
    memory of each server's JSON mode (announced through `notify`).

    `overrides` maps a role to its flags, e.g. {"agent": {"backend": "openai", "model": "qwen",
    "json_mode": "object", "timeout": 120.0}}. Roles that resolve to `offline` are left out; the
    caller uses their offline implementation.
    """
    settings, _ = _settings_of(bank_or_settings)
    ledger = Ledger(PriceTable(settings.prices))
    modes = ServerModes(notify)
    gates: dict[tuple[str, str | None], Gate] = {}
    clients: dict[str, ModelClient] = {}
    for role in roles:
        flags = (overrides or {}).get(role, {})
        choice = resolve_role(
            bank_or_settings,
            role,
            backend=flags.get("backend"),
            model=flags.get("model"),
            base_url=flags.get("base_url"),
            json_mode=flags.get("json_mode"),
            timeout=flags.get("timeout"),
        )
        if choice.backend == "offline":
            continue
        gate = gates.setdefault(
            (choice.backend, choice.base_url), Gate(concurrency or default_concurrency(settings, choice))
        )
        clients[role] = make_client(
            bank_or_settings,
            role,
            backend=choice.backend,
            model=choice.model,
            base_url=choice.base_url,
            json_mode=choice.json_mode,
            timeout=choice.timeout,
            no_cache=no_cache,
            cache_path=cache_path,
            ledger=ledger,
            gate=gate,
            modes=modes,
        )
    return clients
