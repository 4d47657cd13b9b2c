"""Model backends and the client every model call goes through.

    client = make_client(bank, "seeker")                  # backend per role: flag > [tool.esc.roles] > engine
    reply = await client.complete(Request(system=..., messages=(Message(role="user", content=...),)))
    data = await client.complete_json(request_with_json_schema)   # validated JSON, repaired once

Backends: `anthropic` and `openai` (imported lazily, only when used) and `scripted` for tests.
The offline engine is not here: each role has its own offline implementation.

Batch mode (`batch.py`): `enable_batch(clients, BatchRound(journal))` sends the clients' calls through
the providers' batch APIs, one batch per step of all running dialogues, journaled for resuming.
"""

from __future__ import annotations

from esc_cli.llm.accounting import DEFAULT_PRICES, Ledger, Price, PriceTable, RoleUsage
from esc_cli.llm.base import Backend, Completion, Message, Request, Usage
from esc_cli.llm.cache import CacheStats, CallCache, cache_key, read_stats
from esc_cli.llm.client import Gate, ModelClient
from esc_cli.llm.factory import RoleChoice, make_backend, make_client, make_clients, resolve_role
from esc_cli.llm.prompts import prompt_hash, prompts_digest, render_prompt
from esc_cli.llm.retry import RetryPolicy
from esc_cli.llm.scripted import ScriptedBackend

__all__ = [
    "DEFAULT_PRICES",
    "Backend",
    "CacheStats",
    "CallCache",
    "Completion",
    "Gate",
    "Ledger",
    "Message",
    "ModelClient",
    "Price",
    "PriceTable",
    "Request",
    "RetryPolicy",
    "RoleChoice",
    "RoleUsage",
    "ScriptedBackend",
    "Usage",
    "cache_key",
    "make_backend",
    "make_client",
    "make_clients",
    "prompt_hash",
    "prompts_digest",
    "read_stats",
    "render_prompt",
    "resolve_role",
]
