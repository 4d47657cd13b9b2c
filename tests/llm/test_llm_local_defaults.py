"""How JSON mode, timeout and concurrency are chosen per role, and the defaults for a local server."""

from __future__ import annotations

from esc_cli.config import Settings
from esc_cli.llm.factory import (
    LOCAL_CONCURRENCY,
    LOCAL_TIMEOUT,
    default_concurrency,
    make_clients,
    resolve_role,
)

LOCAL = "http://127.0.0.1:8080/v1"
REMOTE = "https://models.example.invalid/v1"


def test_json_mode_and_timeout_follow_flag_then_role_then_bank() -> None:
    settings = Settings.model_validate(
        {
            "engine": "openai",
            "json_mode": "object",
            "timeout": 30,
            "roles": {"seeker": {"backend": "openai", "json_mode": "prompt", "timeout": 90}},
        }
    )
    agent = resolve_role(settings, "agent", base_url=REMOTE)
    seeker = resolve_role(settings, "seeker", base_url=REMOTE)
    flagged = resolve_role(settings, "seeker", base_url=REMOTE, json_mode="schema", timeout=5)
    assert (agent.json_mode, agent.timeout) == ("object", 30)
    assert (seeker.json_mode, seeker.timeout) == ("prompt", 90)
    assert (flagged.json_mode, flagged.timeout) == ("schema", 5)
    assert resolve_role(Settings(), "agent", backend="openai").json_mode == "auto"


def test_a_local_server_gets_two_calls_in_flight_and_a_longer_timeout_unless_the_bank_says() -> None:
    plain = Settings.model_validate({"engine": "openai"})
    local, remote = (
        resolve_role(plain, "agent", base_url=LOCAL),
        resolve_role(plain, "agent", base_url=REMOTE),
    )
    assert (local.timeout, default_concurrency(plain, local)) == (LOCAL_TIMEOUT, LOCAL_CONCURRENCY)
    assert (remote.timeout, default_concurrency(plain, remote)) == (60.0, 8)
    chosen = Settings.model_validate({"engine": "openai", "concurrency": 6, "timeout": 20})
    mine = resolve_role(chosen, "agent", base_url=LOCAL)
    assert (mine.timeout, default_concurrency(chosen, mine)) == (20, 6)
    local_roles = {"agent": {"base_url": LOCAL}, "seeker": {"base_url": LOCAL}}
    clients = make_clients(plain, ["agent", "seeker"], overrides=local_roles, no_cache=True)
    assert clients["agent"].gate.limit == LOCAL_CONCURRENCY
    assert clients["agent"].backend.timeout == LOCAL_TIMEOUT  # type: ignore[attr-defined]
    # Roles of one run share one memory of each server's JSON mode.
    assert clients["agent"].backend.modes is clients["seeker"].backend.modes  # type: ignore[attr-defined]
