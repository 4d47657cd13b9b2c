"""The LLM writer through a scripted backend: the model writes prose, the data keeps the facts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from discover_helpers import small_ius, write_jsonl
from testkit import REPO

from esc_cli.bank.load import load_skills
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.pipeline import discover
from esc_cli.discover.validate import require_clean
from esc_cli.discover.writer_llm import LLMWriter
from esc_cli.errors import BackendError
from esc_cli.iu.store import read_ius
from esc_cli.llm.base import Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.retry import RetryPolicy
from esc_cli.llm.scripted import ScriptedBackend

CONFIG = DiscoveryConfig(min_support=3)


def _reply(request: Request) -> dict[str, Any]:
    prompt = request.messages[0].content
    family = prompt.split("ESConv strategy family: ", 1)[1].split("\n", 1)[0]
    return {
        "title": f"Written by the model for {family}",
        "guidance": [
            "Listen first.",
            "Then act on what you heard.",
            "On any crisis cue use the crisis skill.",
        ],
        "pitfalls": ["Rushing."],
        "risks": [{"id": "rushing", "description": "Moving on before the seeker feels heard."}],
    }


def _discover(tmp_path: Path, backend: ScriptedBackend) -> list[Any]:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    client = ModelClient(backend, role="writer", retry=RetryPolicy(max_attempts=1))
    writer = LLMWriter(client, REPO / "prompts", CONFIG)
    current = load_skills(REPO / "skills")
    return discover(ius, current=current, writer=writer, config=CONFIG).skills


def test_the_model_writes_prose_around_the_data(tmp_path: Path) -> None:
    backend = ScriptedBackend(handler=_reply)
    skills = {s.id: s for s in _discover(tmp_path, backend)}
    require_clean(list(skills.values()))
    reflect = skills["reflect-feeling-exploration"]
    assert reflect.meta.title == "Written by the model for Reflection of feelings"
    assert reflect.meta.applies_when.seeker_states == ["venting"]
    assert [r.id for r in reflect.meta.risks] == ["rushing"]
    assert "1. Listen first." in reflect.body
    # The excerpts are the data's, not the model's (which ones: `discover.excerpts.example_ius`).
    assert re.search(r"^### venting, esconv:train:\d{4}:2\nSeeker: seeker words \d+\n", reflect.body, re.M)
    prompts = [r.messages[0].content for r in backend.requests]
    reflect_prompt = next(p for p in prompts if "family: Reflection of feelings" in p)
    assert (
        "[esconv:train:0001:2]\nSeeker: My boss yelled at me.\nSupporter: supporter words 1" in reflect_prompt
    )
    assert "- withdrawal: The seeker gives short, flat or evasive answers" in reflect_prompt
    assert len(backend.requests) == 3  # one call per non-crisis skill; the crisis skill was carried


def test_a_reply_that_breaks_the_schema_twice_is_an_error(tmp_path: Path) -> None:
    bad = {
        "title": "x",
        "guidance": ["a"],
        "pitfalls": [],
        "risks": [{"id": "Not Kebab", "description": "d"}],
    }
    backend = ScriptedBackend(handler=lambda request: bad)
    with pytest.raises(BackendError, match="does not match the JSON schema, even after one repair"):
        _discover(tmp_path, backend)
