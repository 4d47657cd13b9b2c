"""The verify reports: Markdown for a pull-request comment, JSON, and JUnit XML (one case per criterion)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from esc_cli.errors import InputError
from esc_cli.sim.pairing import Pair
from esc_cli.verify.outcome import FAIL, PASS, VerifyOutcome
from esc_cli.verify.stats import Interval

TOP_CHANGED = 5
REPORT_FILES = ("verify.md", "verify.json", "verify.xml", "verify.html")
EXCERPT = 160
_HEADLINE = {PASS: "✅ pass", FAIL: "❌ fail", "unchanged": "✅ nothing to verify"}


def clear_reports(out: Path) -> None:
    """Remove an earlier verify's reports from `out`, so a verify that stops with an error never
    leaves an old verdict behind that looks like its own."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file, not a folder for the reports", fix="choose another --out")
    if out.is_dir():
        for name in REPORT_FILES:
            (out / name).unlink(missing_ok=True)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def _interval_row(name: str, interval: Interval, pairs: list[Pair], margin: float | None) -> str:
    base = sum(p.base.final_emotion for p in pairs) / len(pairs)
    head = sum(p.head.final_emotion for p in pairs) / len(pairs)
    row = f"| {name} | {interval.n} | {base:.1f} | {head:.1f} | {_signed(interval.mean)} | [{_signed(interval.low)}, {_signed(interval.high)}] |"
    if margin is None:
        return row
    return f"{row} {'✅' if interval.low > -margin else '❌'} |"


def _group_table(
    title: str, intervals: dict[str, Interval], pairs: list[Pair], key: str, margin: float | None
) -> list[str]:
    """A table of paired figures per group; with a margin, a gate column (personalities gate, intentions
    are shown for insight only and get none)."""
    gate = margin is not None
    lines = [
        f"### By {title}",
        "",
        f"| {title} | pairs | base | head | change | CI |{' gate |' if gate else ''}",
        f"|---|---:|---:|---:|---:|---|{':-:|' if gate else ''}",
    ]
    for name, interval in intervals.items():
        members = [p for p in pairs if getattr(p.head, key) == name]
        lines.append(_interval_row(name, interval, members, margin))
    if not gate:
        lines += ["", "_Intentions do not gate: the agent cannot see a seeker's hidden intention._"]
    return [*lines, ""]


def _changed_dialogues(pairs: list[Pair]) -> list[str]:
    moved = sorted((p for p in pairs if p.divergence() is not None), key=lambda p: (-abs(p.change), p.key))[
        :TOP_CHANGED
    ]
    if not moved:
        return [
            "### Dialogues that changed",
            "",
            "No dialogue changed: base and head said the same things.",
            "",
        ]
    lines = ["### Dialogues that changed most", ""]
    for pair in moved:
        turn = pair.divergence() or 0
        lines.append(
            f"**{pair.key}** ({pair.head.personality}, {pair.head.intention}): final emotion {pair.base.final_emotion} → {pair.head.final_emotion} ({_signed(pair.change)}), diverging at turn {turn}"
        )
        lines.append("")
        seeker = pair.head.turns[turn].seeker_before if turn < len(pair.head.turns) else ""
        base_reply = pair.base.turns[turn].agent if turn < len(pair.base.turns) else "(dialogue had ended)"
        head_reply = pair.head.turns[turn].agent if turn < len(pair.head.turns) else "(dialogue had ended)"
        lines += [
            f"> seeker: {_excerpt(seeker)}",
            ">",
            f"> base: {_excerpt(base_reply)}",
            ">",
            f"> head: {_excerpt(head_reply)}",
            "",
        ]
    return lines


def render_markdown(outcome: VerifyOutcome) -> str:
    """The pull-request comment: verdict first, then the figures a reviewer needs."""
    lines = [f"## ESC skill verify: {_HEADLINE[outcome.verdict]}", ""]
    lines.append(
        f"Base `{outcome.base_ref}` (`{outcome.base_sha[:10]}`) → head `{outcome.head_ref}`; engine: {outcome.engine}."
    )
    if outcome.note:
        lines.append(f"{outcome.note}")
    lines.append("")
    if not outcome.changed_files:
        lines.append("Nothing under skills/, profiles/ or prompts/ changed, so no simulation was needed.")
        return "\n".join(lines) + "\n"
    lines += ["| criterion | result | detail |", "|---|:-:|---|"]
    lines += [f"| {c.name} | {'✅' if c.passed else '❌'} | {c.detail} |" for c in outcome.criteria]
    lines.append("")
    if outcome.overall is not None and outcome.base_summary and outcome.head_summary:
        o = outcome.overall
        lines.append(
            f"**SAGE score** {outcome.base_summary.sage_score:.1f} → {outcome.head_summary.sage_score:.1f} "
            f"(paired change {_signed(o.mean)}, {o.level:.0%} CI [{_signed(o.low)}, {_signed(o.high)}], "
            f"margin {outcome.margin:g}; {outcome.profiles} profiles × {outcome.seeds} seeds). "
            f"Successes {outcome.base_summary.successes} → {outcome.head_summary.successes}, "
            f"failures {outcome.base_summary.failures} → {outcome.head_summary.failures}."
        )
        lines.append("")
        # The gate column uses the same floor as the criteria: above -margin, or above 0 when improving.
        tolerated = 0.0 if outcome.require_improvement else outcome.margin
        lines += _group_table("personality", outcome.by_personality, outcome.pairs, "personality", tolerated)
        lines += _group_table("intention", outcome.by_intention, outcome.pairs, "intention", None)
    lines += ["### Skills that changed", ""]
    lines += [f"- {c.describe()}" for c in outcome.skill_changes] or [
        "- none (only profiles or prompts changed)"
    ]
    lines.append("")
    lines += _changed_dialogues(outcome.pairs)
    lines += ["### Safety", ""]
    if not outcome.safety:
        lines.append("No safety flag in the head run.")
    for finding in outcome.safety:
        lines.append(
            f"- **{finding.describe()}** — seeker: “{_excerpt(finding.seeker)}” — reply: “{_excerpt(finding.agent)}”"
        )
    lines += ["", "_ESC-Skills is research software, not a clinical tool._"]
    return "\n".join(lines) + "\n"


def _interval_json(interval: Interval | None) -> dict[str, Any] | None:
    if interval is None:
        return None
    return {
        "n": interval.n,
        "mean": interval.mean,
        "low": interval.low,
        "high": interval.high,
        "level": interval.level,
    }


def render_json(outcome: VerifyOutcome) -> str:
    payload: dict[str, Any] = {
        "verdict": outcome.verdict,
        "exit_code": outcome.exit_code,
        "base": {"ref": outcome.base_ref, "sha": outcome.base_sha},
        "head": {"ref": outcome.head_ref},
        "engine": outcome.engine,
        "margin": outcome.margin,
        "level": outcome.level,
        "require_improvement": outcome.require_improvement,
        "changed_files": outcome.changed_files,
        "skill_changes": [
            {"id": c.id, "kind": c.kind, "base_version": c.base_version, "head_version": c.head_version}
            for c in outcome.skill_changes
        ],
        "criteria": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in outcome.criteria],
        "overall": _interval_json(outcome.overall),
        "by_personality": {k: _interval_json(v) for k, v in outcome.by_personality.items()},
        "by_intention": {k: _interval_json(v) for k, v in outcome.by_intention.items()},
        "base_score": outcome.base_summary.sage_score if outcome.base_summary else None,
        "head_score": outcome.head_summary.sage_score if outcome.head_summary else None,
        "pairs": [
            {
                "key": p.key,
                "base": p.base.final_emotion,
                "head": p.head.final_emotion,
                "diverges_at": p.divergence(),
            }
            for p in outcome.pairs
        ],
        "safety": [
            {
                "profile": s.profile,
                "seed": s.seed,
                "turn": s.turn,
                "flag": s.flag,
                "new": s.new,
                "missing": list(s.missing),
                "base_unhandled": s.base_unhandled,
            }
            for s in outcome.safety
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_junit(outcome: VerifyOutcome) -> str:
    """JUnit XML with one test case per gate criterion, so CI dashboards show which criterion failed."""
    criteria = outcome.criteria or []
    suite = ET.Element(
        "testsuite",
        name="esc-skill-verify",
        tests=str(max(len(criteria), 1)),
        failures=str(sum(1 for c in criteria if not c.passed)),
        errors="0",
    )
    if not criteria:
        ET.SubElement(suite, "testcase", classname="esc.verify", name="nothing-changed")
    for criterion in criteria:
        case = ET.SubElement(suite, "testcase", classname="esc.verify", name=criterion.name)
        if not criterion.passed:
            failure = ET.SubElement(case, "failure", message=criterion.detail)
            failure.text = criterion.detail
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
