"""The package surface: `__all__` is honest, and importing the layer loads no SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

import esc_cli.llm
from esc_cli.errors import ConfigError
from esc_cli.llm.accounting import Ledger, PriceTable
from esc_cli.llm.base import Completion, Usage


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(esc_cli.llm) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(esc_cli.llm, name)).__name__ == "module"}
    assert set(esc_cli.llm.__all__) == public - modules - {"annotations"}
    for name in esc_cli.llm.__all__:
        assert getattr(esc_cli.llm, name) is not None


def test_importing_the_layer_and_the_cli_loads_no_sdk() -> None:
    code = (
        "import sys, esc_cli.llm, esc_cli.cli.cache, esc_cli.cli.llm_options;"
        "print(sorted(m for m in ('anthropic', 'openai', 'jsonschema', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_costs_per_role_from_the_price_table() -> None:
    ledger = Ledger(PriceTable({"my-local-model": {"input": 1.0, "output": 2.0}}))
    usage = Usage(
        input_tokens=1_000_000, output_tokens=500_000, cache_read_tokens=1_000_000, cache_write_tokens=0
    )
    ledger.record("agent", "anthropic", "claude-sonnet-4-5-20250929", Completion(text="", usage=usage))
    ledger.record("seeker", "openai", "my-local-model", Completion(text="", usage=usage))
    ledger.record("seeker", "openai", "my-local-model", Completion(text="", usage=usage, cached=True))
    ledger.record("writer", "openai", "mystery", Completion(text="", usage=usage))
    agent, seeker, writer = ledger.rows()
    assert agent.cost_usd == pytest.approx(3.0 + 7.5 + 0.3)  # dated snapshot priced as its family
    assert (seeker.calls, seeker.cached_calls) == (2, 1)
    assert seeker.cost_usd == pytest.approx(2.0)
    assert (writer.priced, writer.cost_usd) == (False, 0.0)
    assert ledger.total_cost == pytest.approx(12.8) and ledger.total_calls == 4


def test_a_bad_price_entry_names_its_key() -> None:
    with pytest.raises(ConfigError) as caught:
        PriceTable({"gpt-x": {"input": 1.0, "ouput": 2.0}})
    assert str(caught.value).startswith("tool.esc.prices.gpt-x.output: Field required (give input, output")
