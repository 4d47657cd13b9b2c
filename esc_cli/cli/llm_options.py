"""Click options for the commands that call models (sim, iu, evolve), defined once and reused.

    @click.command()
    @llm_options("agent", "seeker")
    @click.pass_context
    def run(ctx: click.Context, llm: LLMChoices) -> None:
        bank = get_bank(ctx)
        if llm.backend_for(bank, "agent") == "offline": ...        # the role's offline implementation
        clients = llm.clients(bank, ["agent", "seeker"])          # the model-backed roles

`llm_options(*roles)` adds `--ROLE-backend`, `--ROLE-model`, `--ROLE-base-url`, `--ROLE-json-mode`
and `--ROLE-timeout` for each role, plus `--json-mode`, `--timeout`, `--no-cache` and
`--concurrency N`; with `shared=True` also `--backend`, `--model` and `--base-url`. A shared flag
applies to every listed role unless its own flag says otherwise. The command receives them all as
one `llm: LLMChoices` argument.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import click

from esc_cli.cli.output import err_console
from esc_cli.config import Bank
from esc_cli.errors import InputError
from esc_cli.llm.client import ModelClient
from esc_cli.llm.factory import LOCAL_CONCURRENCY, LOCAL_TIMEOUT, RoleChoice, make_clients, resolve_role
from esc_cli.llm.jsonmode import JSON_MODES

F = TypeVar("F", bound=Callable[..., Any])
BACKEND_CHOICES = ("offline", "anthropic", "openai", "scripted")
FIELDS = ("backend", "model", "base_url", "json_mode", "timeout")
# Fields with a command-wide flag on every command (the others only with shared=True).
ALWAYS_SHARED = ("json_mode", "timeout")
JSON_MODE_HELP = (
    "How an OpenAI-compatible server is asked for JSON: schema (json_schema), object (json_object), "
    "prompt (schema in the prompt only) or auto (the first the server accepts; one line says which)."
)


def announce(line: str) -> None:
    """Print a note from the model layer (the JSON mode a server uses) on stderr, above any progress bar."""
    err_console.print(line, markup=False, highlight=False)


@dataclass(frozen=True)
class LLMChoices:
    """What the command line said about backends; everything unsaid comes from [tool.esc]."""

    flags: dict[str, dict[str, Any]] = field(default_factory=dict)
    common: dict[str, Any] = field(default_factory=dict)
    """--json-mode and --timeout: for every role whose own flag is not given."""
    no_cache: bool = False
    concurrency: int | None = None

    def choice(self, bank: Bank, role: str) -> RoleChoice:
        """The backend, model and base URL `role` runs on."""
        given = self.merged().get(role, {})
        return resolve_role(
            bank,
            role,
            backend=given.get("backend"),
            model=given.get("model"),
            base_url=given.get("base_url"),
            json_mode=given.get("json_mode"),
            timeout=given.get("timeout"),
        )

    def merged(self) -> dict[str, dict[str, Any]]:
        """Each role's flags, with the command-wide --json-mode and --timeout filled in."""
        return {
            role: {**{k: v for k, v in self.common.items() if v is not None}, **given}
            for role, given in self.flags.items()
        }

    def given(self, role: str) -> list[str]:
        """The model options the command line set for `role`, as typed (e.g. `--labeller-model`)."""
        label = role.replace("_", "-")
        return [
            f"--{label}-{name.replace('_', '-')}" for name, value in self.flags.get(role, {}).items() if value
        ]

    def refuse_unused(self, role: str, in_use: bool, switch: str) -> None:
        """A role's model options without the switch that turns the model on would be silently ignored:
        refuse them instead, naming the switch."""
        flags = self.given(role)
        if flags and not in_use:
            raise InputError(
                None,
                f"{', '.join(flags)} {'applies' if len(flags) == 1 else 'apply'} only with {switch}",
                where=flags[0],
                fix=f"add {switch}, or leave them out",
            )

    def backend_for(self, bank: Bank, role: str) -> str:
        """`offline` or the model backend of `role`."""
        return self.choice(bank, role).backend

    def clients(self, bank: Bank, roles: Iterable[str]) -> dict[str, ModelClient]:
        """Clients of the model-backed roles among `roles`, sharing one ledger and per-server gates."""
        return make_clients(
            bank,
            roles,
            overrides=self.merged(),
            no_cache=self.no_cache,
            concurrency=self.concurrency,
            notify=announce,
        )


def _role_flags(role: str) -> list[Callable[[F], F]]:
    label = role.replace("_", "-")
    return [
        click.option(
            f"--{label}-backend",
            f"llm_{role}_backend",
            type=click.Choice(BACKEND_CHOICES),
            help=f"Backend of the {role} role. Default: [tool.esc.roles.{role}], then engine.",
        ),
        click.option(
            f"--{label}-model", f"llm_{role}_model", metavar="NAME", help=f"Model of the {role} role."
        ),
        click.option(
            f"--{label}-base-url",
            f"llm_{role}_base_url",
            metavar="URL",
            help=f"Server of the {role} role (openai backend: vLLM, Ollama, DashScope ...).",
        ),
        click.option(
            f"--{label}-json-mode",
            f"llm_{role}_json_mode",
            type=click.Choice(JSON_MODES),
            help=f"JSON mode of the {role} role. Default: --json-mode, [tool.esc.roles.{role}], json_mode.",
        ),
        click.option(
            f"--{label}-timeout",
            f"llm_{role}_timeout",
            type=click.FloatRange(0.1, 3600),
            metavar="SECONDS",
            help=f"Deadline of one {role} call. Default: --timeout, [tool.esc.roles.{role}], timeout.",
        ),
    ]


def _shared_flags() -> list[Callable[[F], F]]:
    return [
        click.option(
            "--backend", "llm_backend", type=click.Choice(BACKEND_CHOICES), help="Backend of every role."
        ),
        click.option("--model", "llm_model", metavar="NAME", help="Model of every role."),
        click.option("--base-url", "llm_base_url", metavar="URL", help="Server of every role."),
    ]


def _common_flags() -> list[Callable[[F], F]]:
    return [
        click.option(
            "--json-mode",
            "llm_json_mode",
            type=click.Choice(JSON_MODES),
            help=JSON_MODE_HELP + " Default: [tool.esc] json_mode, auto.",
        ),
        click.option(
            "--timeout",
            "llm_timeout",
            type=click.FloatRange(0.1, 3600),
            metavar="SECONDS",
            help=(
                "Deadline of one model call, whole reply included. Default: [tool.esc] timeout, 60 "
                f"({LOCAL_TIMEOUT:g} for a server on this machine)."
            ),
        ),
        click.option(
            "--no-cache", "llm_no_cache", is_flag=True, help="Call the models even for repeated requests."
        ),
        click.option(
            "--concurrency",
            "llm_concurrency",
            type=click.IntRange(1, 512),
            metavar="N",
            help=(
                "Model calls in flight at once, per server. Default: [tool.esc] concurrency, 8 "
                f"({LOCAL_CONCURRENCY} for a server on this machine, which serves few calls at once)."
            ),
        ),
    ]


def _collect(roles: tuple[str, ...], shared: bool, values: dict[str, Any]) -> LLMChoices:
    """Pop the llm_* values out of a command's keyword arguments into one LLMChoices."""
    flags: dict[str, dict[str, Any]] = {}
    for role in roles:
        per_role: dict[str, Any] = {}
        for name in FIELDS:
            value = values.pop(f"llm_{role}_{name}", None)
            if value is None and shared and name not in ALWAYS_SHARED:
                value = values.get(f"llm_{name}")
            if value is not None:
                per_role[name] = value
        flags[role] = per_role
    common = {name: values.get(f"llm_{name}") for name in ALWAYS_SHARED}
    for name in FIELDS:
        values.pop(f"llm_{name}", None)
    return LLMChoices(
        flags=flags,
        common=common,
        no_cache=bool(values.pop("llm_no_cache", False)),
        concurrency=values.pop("llm_concurrency", None),
    )


def llm_options(*roles: str, shared: bool = False) -> Callable[[F], F]:
    """Add the model flags for `roles` to a command; it receives them as `llm: LLMChoices`."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs["llm"] = _collect(roles, shared, kwargs)
            return command(*args, **kwargs)

        decorated: Callable[..., Any] = wrapper
        options = [option for role in roles for option in _role_flags(role)]
        options += _shared_flags() if shared else []  # --json-mode and --timeout are in the common flags
        options += _common_flags()
        for option in reversed(options):  # reversed so --help lists them in this order
            decorated = option(decorated)
        return cast(F, decorated)

    return decorate
