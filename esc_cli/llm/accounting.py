"""Token accounting and an estimated cost, per role and model, from a price table the user can edit.

Prices are US dollars per million tokens. `DEFAULT_PRICES` are public list prices when this was
written and are estimates only; `[tool.esc.prices]` overrides or adds models:

    [tool.esc.prices.claude-sonnet-4-5]
    input = 3.0
    output = 15.0
    cache_read = 0.3
    cache_write = 3.75

A model name matches its own entry, or else the longest entry it starts with, so dated snapshots
("claude-sonnet-4-5-20250929") use their family's price. Cached calls cost nothing.

Calls answered through a provider batch API (`--batch`) cost `batch_rate` times the list price: 0.5
on both Anthropic's Message Batches and OpenAI's Batch API. The usage table then shows the batched
calls and what the discount saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esc_cli.errors import ConfigError
from esc_cli.llm.base import Completion


class Price(BaseModel):
    """US dollars per million tokens of each kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_read: float = Field(default=0.0, ge=0)
    cache_write: float = Field(default=0.0, ge=0)
    batch_rate: float = Field(default=0.5, ge=0, le=1, description="Share of the price paid in a batch.")


DEFAULT_PRICES: dict[str, Price] = {
    "claude-opus-4-5": Price(input=5.0, output=25.0, cache_read=0.5, cache_write=6.25),
    "claude-opus-4-1": Price(input=15.0, output=75.0, cache_read=1.5, cache_write=18.75),
    "claude-sonnet-4-6": Price(input=3.0, output=15.0, cache_read=0.3, cache_write=3.75),
    "claude-sonnet-4-5": Price(input=3.0, output=15.0, cache_read=0.3, cache_write=3.75),
    "claude-haiku-4-5": Price(input=1.0, output=5.0, cache_read=0.1, cache_write=1.25),
    "gpt-4o-mini": Price(input=0.15, output=0.6, cache_read=0.075),
    "gpt-4o": Price(input=2.5, output=10.0, cache_read=1.25),
    "gpt-4.1-mini": Price(input=0.4, output=1.6, cache_read=0.1),
    "gpt-4.1": Price(input=2.0, output=8.0, cache_read=0.5),
    "scripted": Price(input=0.0, output=0.0),
}


class PriceTable:
    """Looks up a model's price: user entries first, then the defaults."""

    def __init__(self, overrides: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self.prices = dict(DEFAULT_PRICES)
        for model, fields in (overrides or {}).items():
            try:
                self.prices[model] = Price.model_validate(dict(fields))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ConfigError(
                    f"tool.esc.prices.{model}.{where}: {first['msg']} "
                    "(give input, output, cache_read, cache_write in USD per million tokens)"
                ) from exc

    def lookup(self, model: str) -> Price | None:
        if model in self.prices:
            return self.prices[model]
        family = max((name for name in self.prices if model.startswith(name)), key=len, default=None)
        return self.prices[family] if family is not None else None


class RoleUsage(BaseModel):
    """Calls and tokens of one role on one model, with the estimated cost."""

    role: str
    backend: str
    model: str
    calls: int = 0
    cached_calls: int = Field(default=0, description="Answered from the call cache: no tokens spent.")
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    batch_calls: int = Field(default=0, description="Answered through a provider batch API.")
    batch_saved_usd: float = Field(default=0.0, description="What the batch discount saved.")
    priced: bool = Field(default=True, description="False when the model has no entry in the price table.")


class Ledger:
    """Accumulates usage over a run. Share one between the clients of a run to get one table."""

    def __init__(self, prices: PriceTable | None = None) -> None:
        self.prices = prices or PriceTable()
        self._rows: dict[tuple[str, str, str], RoleUsage] = {}

    def record(self, role: str, backend: str, model: str, completion: Completion) -> None:
        key = (role, backend, model)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = RoleUsage(role=role, backend=backend, model=model)
        row.calls += 1
        if completion.cached:
            row.cached_calls += 1
            return
        usage = completion.usage
        row.input_tokens += usage.input_tokens
        row.output_tokens += usage.output_tokens
        row.cache_read_tokens += usage.cache_read_tokens
        row.cache_write_tokens += usage.cache_write_tokens
        row.batch_calls += 1 if completion.batch else 0
        price = self.prices.lookup(model)
        if price is None:
            row.priced = False
            return
        cost = (
            usage.input_tokens * price.input
            + usage.output_tokens * price.output
            + usage.cache_read_tokens * price.cache_read
            + usage.cache_write_tokens * price.cache_write
        ) / 1_000_000
        if completion.batch:
            row.batch_saved_usd += cost * (1.0 - price.batch_rate)
            cost *= price.batch_rate
        row.cost_usd += cost

    def merge(self, rows: Iterable[RoleUsage]) -> None:
        """Add usage recorded elsewhere (another process's ledger) to this one."""
        for other in rows:
            key = (other.role, other.backend, other.model)
            row = self._rows.get(key)
            if row is None:
                self._rows[key] = other.model_copy()
                continue
            for name in (
                "calls",
                "cached_calls",
                "input_tokens",
                "output_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "cost_usd",
                "batch_calls",
                "batch_saved_usd",
            ):
                setattr(row, name, getattr(row, name) + getattr(other, name))
            row.priced = row.priced and other.priced

    def rows(self) -> list[RoleUsage]:
        return [self._rows[key].model_copy() for key in sorted(self._rows)]

    @property
    def total_cost(self) -> float:
        return sum(row.cost_usd for row in self._rows.values())

    @property
    def total_calls(self) -> int:
        return sum(row.calls for row in self._rows.values())
