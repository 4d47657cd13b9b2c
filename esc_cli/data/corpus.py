"""A corpus: the dialogues of several files, filtered by split, with layout duplicates folded together.

The MultiESC files hold the same valid/test dialogues as the HF files, in the same order, with the
seeker's per-turn feedback that the HF export dropped. When both are read, each dialogue is kept
once: the copy read first stays (pass the HF files first to keep their untokenised text), and the
feedback of a later copy is copied onto it turn by turn. Copies whose turns do not line up are an
error rather than a silent choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from esc_cli.data.dialogue import SEEKER, Dialogue, Utterance
from esc_cli.data.load import NO_SPLIT, dialogue_files, read_dialogues
from esc_cli.errors import InputError

SPLITS: tuple[str, ...] = ("train", "valid", "test", "all")


def _seeker_turns(dialogue: Dialogue) -> list[list[Utterance]]:
    """The seeker's utterances grouped by merged turn (consecutive same-speaker utterances)."""
    groups: list[list[Utterance]] = []
    previous = ""
    for utterance in dialogue.utterances:
        if utterance.speaker == SEEKER:
            if previous != SEEKER:
                groups.append([])
            groups[-1].append(utterance)
        previous = utterance.speaker
    return groups


def _shape(dialogue: Dialogue) -> list[str]:
    shape: list[str] = []
    for utterance in dialogue.utterances:
        if not shape or shape[-1] != utterance.speaker:
            shape.append(utterance.speaker)
    return shape


def fold_duplicate(kept: Dialogue, other: Dialogue) -> None:
    """Copy `other`'s feedback onto `kept` where `kept` has none. Both must have the same turns."""
    if _shape(kept) != _shape(other):
        raise InputError(
            other.origin.rsplit(":", 1)[0],
            f"dialogue {kept.key} is also in {kept.origin.rsplit(':', 1)[0]} but its turns differ",
            where=f"line {other.origin.rsplit(':', 1)[-1]}",
            fix="pass only one layout of this dialogue",
        )
    for mine, theirs in zip(_seeker_turns(kept), _seeker_turns(other), strict=True):
        rating = next((u.feedback for u in reversed(theirs) if u.feedback is not None), None)
        if rating is not None and all(u.feedback is None for u in mine):
            mine[-1].feedback = rating
    kept.relevance_rating = kept.relevance_rating or other.relevance_rating
    if kept.final_intensity is None:
        kept.initial_intensity = kept.initial_intensity or other.initial_intensity
        kept.final_intensity = other.final_intensity


def load_corpus(
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    split: str = "all",
    on_file: Callable[[Path, int], None] | None = None,
) -> list[Dialogue]:
    """Dialogues of every file (folders expand to their .json/.jsonl files), in file order.

    `split` keeps dialogues of that split plus those whose file has no split (e.g. FailedESConv);
    `all` keeps everything. `on_file(path, n)` is told how many dialogues each file gave.
    """
    if split not in SPLITS:
        raise InputError(None, f"unknown split {split!r}", fix=f"use one of {', '.join(SPLITS)}")
    kept: dict[str, Dialogue] = {}
    for path in dialogue_files(paths):
        dialogues = read_dialogues(path, fmt=fmt)
        if on_file is not None:
            on_file(path, len(dialogues))
        for dialogue in dialogues:
            if split != "all" and dialogue.split not in (split, NO_SPLIT):
                continue
            first = kept.get(dialogue.key)
            if first is None:
                kept[dialogue.key] = dialogue
            else:
                fold_duplicate(first, dialogue)
    return list(kept.values())
