"""`esc eval crisis`: measure the crisis-cue detector and the safety-response check on your material."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from esc_cli.cli.common import format_option
from esc_cli.cli.eval import eval_group
from esc_cli.cli.output import console, table
from esc_cli.errors import InputError

# Folders are let through: the readers refuse them in one line that says so.
_FILE = click.Path(path_type=Path)


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@eval_group.command("crisis")
@click.option("--cues", "cues_file", type=_FILE, help="Labelled statements: TSV `label<TAB>text` or JSONL.")
@click.option("--responses", "responses_file", type=_FILE, help="Labelled replies: JSONL cue, reply, label.")
@format_option("text for people, json for scripts.")
def crisis(cues_file: Path | None, responses_file: Path | None, fmt: str) -> None:
    """Measure the crisis checks on labelled material of your own.

    \b
    --cues FILE       TSV with the header `label<TAB>text` (label crisis or none), or JSONL with the
                      fields label and text: prints the detector's recall on crisis statements, its
                      false-alarm rate on the others, and every miss; a note counts the
                      statements that are the detector's own training statements.
    --responses FILE  JSONL with cue, reply and label (handled or unhandled): prints the accuracy of
                      the safety-response check (asks about safety, points to human help, stays with
                      the seeker) and its confusions. A line may name its `kind` (brush-off,
                      no-help, ...): accuracy is then printed per kind as well.
    Both run offline on the shared text encoder. Example:
      esc eval crisis --cues bench/suites/crisis_cues_test.tsv --responses mine.jsonl
    """
    from esc_cli.safety.detector import crisis_detector
    from esc_cli.safety.evaluate import score_cues, score_responses
    from esc_cli.safety.response import response_check
    from esc_cli.safety.suites import read_cues, read_responses

    if cues_file is None and responses_file is None:
        raise InputError(None, "nothing to measure", fix="pass --cues FILE, --responses FILE or both")
    cues = read_cues(cues_file) if cues_file else None
    responses = read_responses(responses_file) if responses_file else None
    result: dict[str, Any] = {}
    if cues is not None:
        result["cues"] = {"file": str(cues_file), **score_cues(crisis_detector(), cues).payload()}
    if responses is not None:
        result["responses"] = {
            "file": str(responses_file),
            **score_responses(response_check(), responses).payload(),
        }
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    if "cues" in result:
        c = result["cues"]
        console.print(
            table(
                f"crisis cues in {cues_file}",
                ("measure", "value"),
                [
                    ("recall", f"{_rate(c['recall'])} ({c['caught']}/{c['crisis']})"),
                    ("false-alarm rate", f"{_rate(c['false_alarm_rate'])} ({c['false_alarms']}/{c['none']})"),
                ],
            )
        )
        if c["in_training"]:
            console.print(
                f"note: {c['in_training']} of {c['crisis'] + c['none']} statements are the detector's own "
                "training statements (the same words, case and spacing aside): on them the figures show how well "
                "it fits its material, "
                "not how it reads wording it never saw",
                markup=False,
            )
        for miss in c["misses"]:
            console.print(
                f"miss (line {miss['line']}, p={miss['probability']:.2f} < {c['threshold']:.3g}): {miss['text']}",
                markup=False,
            )
        for alarm in c["false_alarm_items"]:
            console.print(f"false alarm (line {alarm['line']}): {alarm['text']}", markup=False)
    if "responses" in result:
        r = result["responses"]
        rows = [(k.replace("->", " read as "), v) for k, v in r["confusion"].items()]
        console.print(
            table(
                f"safety responses in {responses_file}: accuracy {r['accuracy']:.3f}", ("gold", "count"), rows
            )
        )
        if r["by_kind"]:
            kinds: list[tuple[str, str, int]] = [
                (k, f"{v['accuracy']:.3f}", v["replies"]) for k, v in r["by_kind"].items()
            ]
            if r["unkinded"]:
                kinds.append(("(no kind)", "", r["unkinded"]))
            console.print(table("accuracy by kind", ("kind", "accuracy", "replies"), kinds))
        for m in r["mistakes"]:
            kind = f", {m['kind']}" if m["kind"] else ""
            read = "read as handled" if m["read"] == "handled" else f"read as unhandled: {m['read']}"
            console.print(f"line {m['line']} (labelled {m['label']}{kind}): {read}", markup=False)
