"""Choosing and building the model client of a role from the bank's settings and the command line.

Precedence, for each of backend, model and base URL: the command-line flag, then
`[tool.esc.roles.<role>]`, then the bank-wide default (`engine`, `anthropic_model`/`openai_model`,
`openai_base_url`). A role's model and base URL only apply while the role runs on the backend they
were written for, so `--agent-backend openai` never sends a Claude model name to an OpenAI server.

`offline` is not a backend here: each role has its own offline implementation, so callers check
`resolve_role(...).backend` first and only call `make_client` for the model-backed engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from esc_cli.config import ROLES, Bank, RoleSettings, Settings
from esc_cli.errors import ConfigError
from esc_cli.llm.accounting import Ledger, PriceTable
from esc_cli.llm.base import Backend
from esc_cli.llm.cache import CallCache
from esc_cli.llm.client import Gate, ModelClient
from esc_cli.llm.retry import RetryPolicy

MODEL_BACKENDS = ("anthropic", "openai", "scripted")


class RoleChoice(BaseModel):
    """The backend, model and base URL one role runs on, after all precedence is applied."""

    model_config = ConfigDict(frozen=True)

    role: str
    backend: str
    model: str
    base_url: str | None = None


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


def resolve_role(
    bank_or_settings: Bank | Settings,
    role: str,
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
) -> RoleChoice:
    """Which backend, model and base URL `role` uses. Flags given here win over the settings."""
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
    return RoleChoice(role=role, backend=name, model=chosen_model, base_url=chosen_url)


def make_backend(choice: RoleChoice, *, timeout: float) -> Backend:
    """The backend object for a resolved choice. The SDK is imported only here, when used."""
    if choice.backend == "anthropic":
        from esc_cli.llm.anthropic_backend import AnthropicBackend

        return AnthropicBackend(choice.model, base_url=choice.base_url, timeout=timeout)
    if choice.backend == "openai":
        from esc_cli.llm.openai_backend import OpenAIBackend

        return OpenAIBackend(choice.model, base_url=choice.base_url, timeout=timeout)
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
    no_cache: bool = False,
    concurrency: int | None = None,
    cache_path: Path | None = None,
    ledger: Ledger | None = None,
    gate: Gate | None = None,
) -> ModelClient:
    """The client for `role`, with the bank's cache, retries, concurrency and prices.

    A bank's cache is `.esc/cache.sqlite`; with bare Settings pass `cache_path`, or there is none.
    Pass one `ledger` (and `gate`) to several clients to account (and bound) them together, or use
    `make_clients`.
    """
    settings, bank_cache = _settings_of(bank_or_settings)
    choice = resolve_role(bank_or_settings, role, backend=backend, model=model, base_url=base_url)
    made = make_backend(choice, timeout=settings.timeout)
    path = cache_path or bank_cache
    cache = None if no_cache or path is None else CallCache(path)
    return ModelClient(
        made,
        role=role,
        cache=cache,
        retry=RetryPolicy(max_attempts=settings.max_attempts),
        gate=gate or Gate(concurrency or settings.concurrency),
        ledger=ledger or Ledger(PriceTable(settings.prices)),
        owns_cache=cache is not None,
    )


def make_clients(
    bank_or_settings: Bank | Settings,
    roles: Iterable[str],
    *,
    overrides: dict[str, dict[str, str | None]] | None = None,
    no_cache: bool = False,
    concurrency: int | None = None,
    cache_path: Path | None = None,
) -> dict[str, ModelClient]:
    """Clients for several roles of one run: one ledger, and one gate per backend and server.

    `overrides` maps a role to its flags, e.g. {"agent": {"backend": "openai", "model": "qwen"}}.
    Roles that resolve to `offline` are left out; the caller uses their offline implementation.
    """
    settings, _ = _settings_of(bank_or_settings)
    ledger = Ledger(PriceTable(settings.prices))
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
        )
        if choice.backend == "offline":
            continue
        gate = gates.setdefault((choice.backend, choice.base_url), Gate(concurrency or settings.concurrency))
        clients[role] = make_client(
            bank_or_settings,
            role,
            backend=choice.backend,
            model=choice.model,
            base_url=choice.base_url,
            no_cache=no_cache,
            cache_path=cache_path,
            ledger=ledger,
            gate=gate,
        )
    return clients
