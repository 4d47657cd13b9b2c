"""The LLM labeller against a scripted backend: labels from the model, taxonomy checks, cache, order."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from testkit import REPO

from esc_cli.data.load import read_dialogues
from esc_cli.errors import BackendError
from esc_cli.iu.extract import extract_ius
from esc_cli.iu.labeller import default_labeller
from esc_cli.iu.llm_labeller import LABEL_SCHEMA, LLMLabeller
from esc_cli.iu.records import IU
from esc_cli.llm.base import Request
from esc_cli.llm.cache import CallCache
from esc_cli.llm.client import Gate, ModelClient
from esc_cli.llm.scripted import ScriptedBackend

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir()
    shutil.copy(REPO / "prompts" / "iu_label.j2", folder / "iu_label.j2")
    return folder


@pytest.fixture
def ius() -> list[IU]:
    return list(extract_ius(read_dialogues(FIXTURES / "original" / "ESConv-mini.json"), default_labeller()))


def _labels(request: Request) -> dict[str, object]:
    prompt = request.messages[-1].content
    crisis = "scared" in prompt.split("Supporter's reply:")[1].split("\n")[0]
    return {
        "seeker_states": ["worry-future", "venting"],
        "support_actions": ["reflect-feeling"] if crisis else ["suggest-option", "closed-question"],
        "strategy": "Reflection of feelings",
        "seeker_behaviours": ["agrees"],
    }


def test_labels_come_from_the_model_and_evidence_stays(prompts: Path, ius: list[IU]) -> None:
    backend = ScriptedBackend(handler=_labels)
    labeller = LLMLabeller(ModelClient(backend, role="labeller", gate=Gate(3)), prompts)
    done: list[int] = []
    labelled = asyncio.run(labeller.label_all(ius, progress=done.append))
    assert [iu.id for iu in labelled] == [iu.id for iu in ius]  # input order, whatever finished first
    assert sum(done) == len(ius) == len(backend.requests)
    second = labelled[1]
    assert second.state.states == ["worry-future", "venting"] and second.state.stage == "comforting"
    assert second.action.actions == ["reflect-feeling"]
    assert second.action.strategy == "Reflection of feelings"  # the annotation is kept
    assert second.outcome.behaviours == ["agrees"]
    assert (second.outcome.evidence, second.outcome.direction) == (
        ius[1].outcome.evidence,
        ius[1].outcome.direction,
    )
    assert labelled[-1].outcome.behaviours == []  # no reply, no behaviour, whatever the model says
    assert all(
        iu.labeller == labeller.tag and iu.labeller.startswith("llm@scripted:scripted:") for iu in labelled
    )
    prompt = backend.requests[1].messages[-1].content
    assert "Supporter's reply: It sounds like you feel scared about what comes next." in prompt
    assert "- crisis-risk: " in prompt and "- greet-close: " in prompt
    assert backend.requests[1].json_schema == LABEL_SCHEMA


def test_replies_outside_the_taxonomy_are_repaired_once_then_refused(prompts: Path, ius: list[IU]) -> None:
    bad = {
        "seeker_states": ["sadd"],
        "support_actions": ["hug"],
        "strategy": "Question",
        "seeker_behaviours": [],
    }
    backend = ScriptedBackend([json.dumps(bad), json.dumps(bad)])
    labeller = LLMLabeller(ModelClient(backend, role="labeller"), prompts)
    with pytest.raises(BackendError, match="does not match the JSON schema, even after one repair"):
        asyncio.run(labeller.label(ius[0]))
    assert len(backend.requests) == 2


def test_a_second_run_is_served_from_the_cache(prompts: Path, ius: list[IU], tmp_path: Path) -> None:
    async def run() -> list[IU]:
        cache = CallCache(tmp_path / "cache.sqlite")
        backend = ScriptedBackend(handler=_labels)
        client = ModelClient(backend, role="labeller", cache=cache, owns_cache=True)
        async with client:
            labelled = await LLMLabeller(client, prompts).label_all(ius)
        calls.append(len(backend.requests))
        return labelled

    calls: list[int] = []
    first = asyncio.run(run())
    second = asyncio.run(run())
    assert calls == [len(ius), 0]
    assert [iu.model_dump() for iu in first] == [iu.model_dump() for iu in second]
