"""Extraction: dialogues in, Intervention Units out, one IU per supporter turn.

For supporter turn i of a dialogue (turns merged, see `segment`), the IU holds the seeker's turn
before it (state), the supporter's turn (action), the seeker's turn after it (outcome, behaviours)
and the k turns before it (context). Its id is `<dialogue key>:<i>`, e.g. `esconv:train:0012:7`,
stable across runs and across the HF and MultiESC layouts of the same dialogue.

The core never prints: `extract_ius` reports progress through a callback that receives the number of
utterances just processed, so the CLI can draw a bar and the benchmark can count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from esc_cli.data.dialogue import SEEKER, SUPPORTER, Dialogue
from esc_cli.iu.labeller import OfflineLabeller
from esc_cli.iu.outcome import decide_outcome
from esc_cli.iu.records import IU, IUAction, IUContext, IUOutcome, IUState, Utterance
from esc_cli.iu.segment import Turn, merge_turns
from esc_cli.taxonomy import STRATEGY_PRIMARY_ACTION

DEFAULT_CONTEXT = 3
Progress = Callable[[int], None]


def _actions(labeller: OfflineLabeller, turn: Turn) -> list[str]:
    """Cue-read actions led by the annotated strategy's, plus the primary action of every other
    strategy annotated inside the merged turn."""
    actions = labeller.support_actions(turn.text, strategy=turn.strategy or None)
    for strategy in turn.strategies:
        primary = STRATEGY_PRIMARY_ACTION[strategy]
        if not labeller.strategy_actions(strategy).intersection(actions):
            actions.append(primary)
    return actions


def unannotated_texts(dialogues: Iterable[Dialogue]) -> list[str]:
    """The text of every supporter turn with no annotated strategy: what a strategy model must read."""
    return [
        turn.text
        for dialogue in dialogues
        for turn in merge_turns(dialogue)
        if turn.speaker == SUPPORTER and not turn.strategies
    ]


def _initial_intensity(dialogue: Dialogue) -> float:
    if dialogue.initial_intensity is None:
        return 0.5
    return round((dialogue.initial_intensity - 1) / 4, 3)


def dialogue_ius(
    dialogue: Dialogue, labeller: OfflineLabeller, *, context: int = DEFAULT_CONTEXT
) -> list[IU]:
    """Every IU of one dialogue, in turn order."""
    turns = merge_turns(dialogue)
    found: list[IU] = []
    for i, turn in enumerate(turns):
        if turn.speaker != SUPPORTER:
            continue
        before = turns[i - 1] if i > 0 and turns[i - 1].speaker == SEEKER else None
        after = turns[i + 1] if i + 1 < len(turns) else None
        found.append(_one_iu(dialogue, labeller, turns, turn, before, after, context))
    return found


def _one_iu(
    dialogue: Dialogue,
    labeller: OfflineLabeller,
    turns: list[Turn],
    turn: Turn,
    before: Turn | None,
    after: Turn | None,
    context: int,
) -> IU:
    text = turn.text
    if before is not None:
        states = labeller.seeker_states(before.text, turn=before.seeker_index)
        intensity = labeller.intensity(before.text, states)
    else:
        states, intensity = ["opening"], _initial_intensity(dialogue)
    actions = _actions(labeller, turn)
    outcome = decide_outcome(
        feedback=after.feedback if after is not None else None,
        affect_before=labeller.affect(before.text) if before is not None else None,
        affect_after=labeller.affect(after.text) if after is not None else None,
        survey_change=dialogue.survey_change,
        dialogue_outcome=dialogue.outcome,
    )
    reply = after.text if after is not None else ""
    heard = f"{before.text if before is not None else ''} {text}"
    behaviours = (
        labeller.behaviours(reply, actions=actions, before=heard, delta=outcome.delta) if reply else []
    )
    window = turns[max(0, turn.index - context) : turn.index] if context > 0 else []
    return IU(
        id=f"{dialogue.key}:{turn.index}",
        source=dialogue.source,
        split=dialogue.split,
        dialogue=dialogue.name or dialogue.key,
        turn=turn.index,
        dialogue_outcome=dialogue.outcome,
        context=IUContext(
            emotion_type=dialogue.emotion_type,
            problem_type=dialogue.problem_type,
            situation=dialogue.situation,
            turns=[Utterance(speaker=t.speaker, text=t.text, strategy=t.strategy) for t in window],
        ),
        state=IUState(
            states=states,
            text=before.text if before is not None else "",
            stage=labeller.stage(states),
            intensity=intensity,
        ),
        action=IUAction(
            strategy=turn.strategy,
            strategies=list(turn.strategies),
            strategy_predicted="" if turn.strategies else labeller.strategy(text),
            actions=actions,
            text=text,
        ),
        outcome=IUOutcome(
            seeker_reply=reply,
            feedback=after.feedback if after is not None else None,
            delta=outcome.delta,
            direction=outcome.direction,
            behaviours=behaviours,
            evidence=outcome.evidence,
        ),
        labeller=labeller.tag,
        key=outcome.key,
    )


def extract_ius(
    dialogues: Iterable[Dialogue],
    labeller: OfflineLabeller,
    *,
    context: int = DEFAULT_CONTEXT,
    progress: Progress | None = None,
) -> Iterator[IU]:
    """IUs of every dialogue in order; `progress(n)` after each dialogue with its utterance count."""
    for dialogue in dialogues:
        yield from dialogue_ius(dialogue, labeller, context=context)
        if progress is not None:
            progress(len(dialogue.utterances))
