"""A small hand-made IU file for discovery tests: every number in it is chosen by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from esc_cli import taxonomy


def iu(
    number: int,
    state: str,
    action: str,
    delta: float,
    *,
    behaviours: tuple[str, ...] = (),
    text: str = "",
    seeker: str = "",
    turn: int = 2,
    outcome: str = "success",
) -> dict[str, Any]:
    """One IU record as JSON data, in dialogue `number` (its own dialogue, so excerpts differ)."""
    dialogue = f"{number:04d}"
    direction = taxonomy.direction_of_delta(delta)
    return {
        "id": f"esconv:train:{dialogue}:{turn}",
        "source": "esconv",
        "split": "train",
        "dialogue": dialogue,
        "turn": turn,
        "dialogue_outcome": outcome,
        "context": {
            "emotion_type": "sadness",
            "problem_type": "job crisis",
            "situation": "",
            "turns": [{"speaker": "seeker", "text": seeker or f"seeker words {number}"}],
        },
        "state": {"states": [state], "stage": taxonomy.stage_of_state(state), "intensity": 0.5},
        "action": {
            "strategy": taxonomy.strategy_of_action(action),
            "actions": [action],
            "text": text or f"supporter words {number}",
        },
        "outcome": {
            "seeker_reply": "ok",
            "delta": delta,
            "direction": direction,
            "behaviours": list(behaviours),
            "evidence": "affect",
        },
        "labeller": "hand@1",
        "key": direction != "neutral",
    }


def small_ius() -> list[dict[str, Any]]:
    """Reflecting feelings helps venting seekers (4 of 4) and hurts withdrawn ones (3 of 3), where an
    open question does better (3 of 3); suggestions help seekers who ask for advice (3 of 4); one
    neutral IU is not key."""
    records = [
        iu(1, "venting", "reflect-feeling", 5.0, behaviours=("elaborates",), seeker="My boss yelled at me."),
        iu(2, "venting", "reflect-feeling", 8.0, behaviours=("elaborates",)),
        iu(3, "venting", "reflect-feeling", 3.0, behaviours=("expresses-relief",)),
        iu(4, "venting", "reflect-feeling", 5.0),
        iu(5, "withdrawal", "reflect-feeling", -5.0, behaviours=("disengages",), outcome="failure"),
        iu(6, "withdrawal", "reflect-feeling", -8.0, behaviours=("disengages",), outcome="failure"),
        iu(
            7,
            "withdrawal",
            "reflect-feeling",
            -3.0,
            behaviours=("disengages",),
            text="At least you have a job.",
        ),
        iu(8, "seeking-advice", "suggest-option", 5.0, behaviours=("accepts-suggestion",)),
        iu(9, "seeking-advice", "suggest-option", 5.0, behaviours=("accepts-suggestion",)),
        iu(10, "seeking-advice", "suggest-option", 3.0),
        iu(11, "seeking-advice", "suggest-option", -3.0, behaviours=("rejects-suggestion",)),
        iu(12, "venting", "reflect-feeling", 0.0),
        iu(13, "withdrawal", "open-question", 5.0, behaviours=("elaborates",)),
        iu(14, "withdrawal", "open-question", 5.0, behaviours=("shares-new-detail",)),
        iu(15, "withdrawal", "open-question", 3.0, behaviours=("elaborates",)),
    ]
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
