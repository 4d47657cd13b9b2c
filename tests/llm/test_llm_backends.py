"""The two real backends through their SDKs, and the factory that picks one per role."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from esc_cli.config import Bank, RoleSettings, Settings
from esc_cli.errors import BackendError, ConfigError, MissingKeyError
from esc_cli.llm.anthropic_backend import AnthropicBackend
from esc_cli.llm.factory import make_client, resolve_role
from esc_cli.llm.fake_server import FakeServer
from esc_cli.llm.openai_backend import LOCAL_PLACEHOLDER_KEY, OpenAIBackend, is_local

from .llm_helpers import ask, client_for, run


def test_missing_anthropic_key_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(MissingKeyError) as caught:
        AnthropicBackend("claude-test", base_url="http://127.0.0.1:9")
    assert str(caught.value) == (
        "ANTHROPIC_API_KEY is not set: the anthropic backend needs it "
        "(export ANTHROPIC_API_KEY=..., or run that role on the offline engine, the default)"
    )
    assert caught.value.exit_code == 2


def test_missing_openai_key_is_needed_for_remote_servers_only(
    monkeypatch: pytest.MonkeyPatch, server: FakeServer
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(MissingKeyError, match=r"^OPENAI_API_KEY is not set: the openai backend needs it"):
        OpenAIBackend("qwen-plus", base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")
    client = client_for("openai", server)  # 127.0.0.1: no key needed
    assert run(client.complete(ask())).text == "echo: hello"
    assert server.authorizations == [f"Bearer {LOCAL_PLACEHOLDER_KEY}"]


def test_local_addresses() -> None:
    assert is_local("http://localhost:11434/v1") and is_local("http://127.0.0.1:8000/v1")
    assert not is_local("https://api.openai.com/v1") and not is_local(None)


def test_missing_sdk_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # what `import anthropic` sees when not installed
    with pytest.raises(
        BackendError, match=r"needs the anthropic package \(pip install 'esc-skills\[anthropic\]'\)"
    ):
        AnthropicBackend("claude-test")


@pytest.mark.usefixtures("keys")
def test_anthropic_marks_the_system_prefix_for_prompt_caching(server: FakeServer) -> None:
    client = client_for("anthropic", server)
    first = run(client.complete(ask("one", temperature=0.7, seed=5)))
    second = run(client.complete(ask("two")))
    body = server.bodies[0]
    assert body["system"] == [
        {"type": "text", "text": "You are a kind listener.", "cache_control": {"type": "ephemeral"}}
    ]
    # API 2026-10-21 refuses sampling parameters, and there is no seed: neither is sent.
    assert "temperature" not in body and "seed" not in body
    assert first.usage.cache_write_tokens > 0 and first.usage.cache_read_tokens == 0
    assert second.usage.cache_read_tokens == first.usage.cache_write_tokens
    [row] = client.ledger.rows()
    assert row.cache_read_tokens == second.usage.cache_read_tokens


@pytest.mark.usefixtures("keys")
def test_no_cache_hint_no_cache_control(server: FakeServer) -> None:
    run(client_for("anthropic", server).complete(ask(cache_prefix=False)))
    assert "cache_control" not in server.bodies[0]["system"][0]


@pytest.mark.usefixtures("keys")
def test_openai_passes_seed_temperature_and_max_tokens(server: FakeServer) -> None:
    reply = run(client_for("openai", server).complete(ask(seed=7, temperature=0.3, max_tokens=99)))
    body = server.bodies[0]
    assert (body["seed"], body["temperature"], body["max_tokens"]) == (7, 0.3, 99)
    assert body["messages"] == [
        {"role": "system", "content": "You are a kind listener."},
        {"role": "user", "content": "hello"},
    ]
    assert reply.model == "gpt-test" and reply.usage.input_tokens > 0 and reply.latency > 0


def test_role_choice_precedence() -> None:
    settings = Settings.model_validate(
        {
            "engine": "offline",
            "openai_base_url": "http://localhost:8000/v1",
            "roles": {"seeker": {"backend": "anthropic", "model": "claude-haiku-4-5"}},
        }
    )
    assert resolve_role(settings, "agent").backend == "offline"
    seeker = resolve_role(settings, "seeker")
    assert (seeker.backend, seeker.model, seeker.base_url) == ("anthropic", "claude-haiku-4-5", None)
    # A flag wins; the role's Claude model does not follow it to another backend.
    flagged = resolve_role(settings, "seeker", backend="openai")
    assert (flagged.backend, flagged.model, flagged.base_url) == (
        "openai",
        "gpt-4o-mini",
        "http://localhost:8000/v1",
    )
    assert resolve_role(settings, "seeker", model="claude-opus-4-5").model == "claude-opus-4-5"


def test_offline_and_unknown_roles_are_refused(tmp_path: Path) -> None:
    bank = Bank(root=tmp_path, settings=Settings(roles={"agent": RoleSettings(backend="offline")}))
    with pytest.raises(
        ConfigError, match=r"^the agent role is set to the offline engine, which is not a model backend"
    ):
        make_client(bank, "agent")
    with pytest.raises(
        ConfigError, match=r"^unknown role 'judge' \(roles are: labeller, writer, agent, seeker, analyst\)$"
    ):
        make_client(bank, "judge", backend="scripted")


def test_scripted_factory_client_uses_the_bank_cache(tmp_path: Path) -> None:
    bank = Bank(root=tmp_path, settings=Settings())
    client = make_client(bank, "writer", backend="scripted")
    assert run(client.complete(ask())).text == "echo: hello"
    assert client.cache is not None and client.cache.path == bank.cache_path
    assert run(client.complete(ask())).cached
    run(client.aclose())
