"""The verify reports: Markdown for a pull-request comment, JSON, JUnit XML (one case per criterion), and
the gate block of verify.html. All four carry the verdict, the coverage table, the unmeasured parts and
the findings of the text and routing screens; warnings waived by `--allow-unmeasured` come first."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from esc_cli.errors import InputError
from esc_cli.sim.pairing import Pair
from esc_cli.verify.outcome import FAIL, PASS, Criterion, VerifyOutcome
from esc_cli.verify.screen import TextFinding
from esc_cli.verify.seeds import CORRECTION, looks, seeds_text
from esc_cli.verify.stats import Interval

TOP_CHANGED = 5
REPORT_FILES = ("verify.md", "verify.json", "verify.xml", "verify.html")
EXCERPT = 160
_HEADLINE = {PASS: "✅ pass", FAIL: "❌ fail", "unchanged": "✅ nothing to verify"}
_HEADLINE_TEXT = {PASS: "pass", FAIL: "fail", "unchanged": "nothing to verify"}
MODEL_READS_ALL = "none: the model agent reads every part of a skill"


def _mark(criterion: Criterion) -> str:
    return "⚠️" if criterion.warning else "✅" if criterion.passed else "❌"


def _percent(level: float) -> str:
    """95% as '95%', a corrected 0.98333 as '98.3%' (as the criteria print it)."""
    whole = f"{level:.0%}"
    return whole if abs(level * 100 - round(level * 100)) < 1e-9 else f"{level:.1%}"


def _looks(outcome: VerifyOutcome) -> int:
    """How many looks the adaptive seeds could take (each interval is corrected for them)."""
    return looks(outcome.first_seeds or outcome.seeds, max(outcome.max_seeds, outcome.seeds))


def seeds_line(outcome: VerifyOutcome) -> str:
    """How many seeds the verify used, and why."""
    added = (
        f", grown from {outcome.first_seeds} while a criterion was undecided"
        if outcome.seeds > outcome.first_seeds
        else ""
    )
    return f"{seeds_text(outcome.seeds)} used (adaptive: at most {outcome.max_seeds}{added})"


def coverage_rows(outcome: VerifyOutcome) -> list[dict[str, Any]]:
    """One row per changed skill: routed and spoken turns on base and head, and where."""
    return [
        {
            "skill": row.skill,
            "routed": [row.base.routed, row.head.routed],
            "spoken": [row.base.spoken, row.head.spoken],
            "exercised": row.exercised,
            "enough": row.exercised >= outcome.min_coverage,
            "profiles": list(row.profiles),
            "conditions": row.conditions,
        }
        for row in outcome.coverage
    ]


def unmeasured_rows(outcome: VerifyOutcome) -> list[dict[str, Any]]:
    """Per changed skill, the changed parts the offline agent did not read (none with a model agent)."""
    return [
        {
            "skill": p.skill,
            "unread": list(p.unread),
            "read": list(p.read),
            "only_unread": p.confined_to_unread,
        }
        for p in outcome.parts
        if p.unread
    ]


def text_rows(outcome: VerifyOutcome) -> list[dict[str, Any]]:
    return _finding_rows(outcome.text_findings)


def routing_rows(outcome: VerifyOutcome) -> list[dict[str, Any]]:
    return _finding_rows(outcome.routing_findings)


def _finding_rows(findings: list[TextFinding]) -> list[dict[str, Any]]:
    return [
        {"file": f.file, "line": f.line, "part": f.part, "text": f.text, "reason": f.reason} for f in findings
    ]


def _finding_line(finding: TextFinding) -> str:
    return (
        f"- `{finding.file}:{finding.line}` ({finding.part}): “{_excerpt(finding.text)}” — "
        f"{escape_markdown(finding.reason)}"
    )


def _measure_sections(outcome: VerifyOutcome) -> list[str]:
    lines = ["### Skill coverage", ""]
    if not outcome.coverage:
        lines += ["No skill changed.", ""]
    else:
        lines += [
            f"A changed skill must be exercised on at least {outcome.min_coverage} turns "
            "(spoken by the offline agent, routed to a model agent) on base or head.",
            "",
            "| changed skill | routed (base → head) | spoken (base → head) | enough | profiles |",
            "|---|---:|---:|:-:|---|",
        ]
        for row in coverage_rows(outcome):
            profiles = escape_markdown(", ".join(row["profiles"][:5])) + (
                " …" if len(row["profiles"]) > 5 else ""
            )
            lines.append(
                f"| {row['skill']} | {row['routed'][0]} → {row['routed'][1]} | {row['spoken'][0]} → "
                f"{row['spoken'][1]} | {'✅' if row['enough'] else '❌'} | {profiles or 'none'} |"
            )
        lines.append("")
    lines += ["### Unmeasured parts", ""]
    if not outcome.model_agent:
        rows = unmeasured_rows(outcome)
        if not rows:
            lines.append("None: every changed part is one the offline agent reads.")
        for row in rows:
            status = "the whole change is unmeasured" if row["only_unread"] else "the rest was simulated"
            lines.append(
                f"- **{row['skill']}**: {', '.join(row['unread'])} not read by the offline agent ({status}); "
                "a reviewer must read this text, or verify with `--agent-backend`"
            )
    else:
        lines.append(MODEL_READS_ALL[0].upper() + MODEL_READS_ALL[1:] + ".")
    lines += ["", "### Text screen", ""]
    if not outcome.text_findings:
        lines.append("No changed guidance step or example reply reads as harmful.")
    lines += [_finding_line(f) for f in outcome.text_findings]
    lines += ["", "### Routing screen", ""]
    if not outcome.routing_findings:
        lines.append("No changed skill is routed to seekers two helping stages before its own stage.")
    lines += [_finding_line(f) for f in outcome.routing_findings]
    return [*lines, ""]


def clear_reports(out: Path) -> None:
    """Remove an earlier verify's reports from `out`, so a verify that stops with an error never
    leaves an old verdict behind that looks like its own."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file, not a folder for the reports", fix="choose another --out")
    if out.is_dir():
        for name in REPORT_FILES:
            (out / name).unlink(missing_ok=True)


def escape_markdown(text: str) -> str:
    """Text from skills, profiles and replies as inert Markdown: HTML entities for `&` and `<` (GitHub renders
    raw HTML in comments) and backslashes before the punctuation that makes links, images, code and
    table cells, so a pull request cannot dress its own text up as the verdict."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")  # no tag can open without '<'
    return re.sub(r"([\\`*_\[\]|!~#])", r"\\\1", text)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    flat = flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"
    return escape_markdown(flat)


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def _interval_row(name: str, interval: Interval, pairs: list[Pair], passed: bool | None) -> str:
    base = sum(p.base.final_emotion for p in pairs) / len(pairs)
    head = sum(p.head.final_emotion for p in pairs) / len(pairs)
    row = f"| {name} | {interval.n} | {base:.1f} | {head:.1f} | {_signed(interval.mean)} | [{_signed(interval.low)}, {_signed(interval.high)}] |"
    if passed is None:
        return row
    return f"{row} {'✅' if passed else '❌'} |"


def _group_table(
    title: str, intervals: dict[str, Interval], pairs: list[Pair], key: str, gates: dict[str, bool] | None
) -> list[str]:
    """A table of paired figures per group; with `gates` (each group's criterion result), a gate column
    (personalities gate, intentions are shown for insight only and get none)."""
    gate = gates is not None
    lines = [
        f"### By {title}",
        "",
        f"| {title} | pairs | base | head | change | CI |{' gate |' if gate else ''}",
        f"|---|---:|---:|---:|---:|---|{':-:|' if gate else ''}",
    ]
    for name, interval in intervals.items():
        members = [p for p in pairs if getattr(p.head, key) == name]
        lines.append(_interval_row(name, interval, members, None if gates is None else gates.get(name)))
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
        lines.append(escape_markdown(outcome.note))
    lines.append("")
    if not outcome.changed_files:
        lines.append("Nothing under skills/, profiles/ or prompts/ changed, so no simulation was needed.")
        return "\n".join(lines) + "\n"
    if outcome.warnings:
        lines += [
            f"> ⚠️ **Warning** (passed with `--allow-unmeasured`): {escape_markdown(w)}"
            for w in outcome.warnings
        ]
        lines.append("")
    lines += ["| criterion | result | detail |", "|---|:-:|---|"]
    lines += [f"| {c.name} | {_mark(c)} | {escape_markdown(c.detail)} |" for c in outcome.criteria]
    lines += ["", seeds_line(outcome) + ".", ""]
    if outcome.overall is not None and outcome.base_summary and outcome.head_summary:
        o = outcome.overall
        lines.append(
            f"**SAGE score** {outcome.base_summary.sage_score:.1f} → {outcome.head_summary.sage_score:.1f} "
            f"(paired change {_signed(o.mean)}, {_percent(o.level)} CI [{_signed(o.low)}, {_signed(o.high)}], "
            f"margin {outcome.margin:g}; {outcome.profiles} profiles × {outcome.seeds} seeds). "
            f"Successes {outcome.base_summary.successes} → {outcome.head_summary.successes}, "
            f"failures {outcome.base_summary.failures} → {outcome.head_summary.failures}."
        )
        lines.append("")
        # The gate column shows each personality's criterion, so table and criteria never disagree.
        gates = {c.name[6:-1]: c.passed for c in outcome.criteria if c.name.startswith("score[")}
        lines += _group_table("personality", outcome.by_personality, outcome.pairs, "personality", gates)
        lines += [
            f"_Personality intervals are at the {CORRECTION} level 1 − (1 − {outcome.level:g}) / "
            f"({len(outcome.by_personality)} types × {_looks(outcome)} looks); a type fails only when its "
            "interval lies wholly below 0 and reaches the floor._",
            "",
        ]
        lines += _group_table("intention", outcome.by_intention, outcome.pairs, "intention", None)
    lines += ["### Skills that changed", ""]
    lines += [f"- {c.describe()}" for c in outcome.skill_changes] or [
        "- none (only profiles or prompts changed)"
    ]
    lines.append("")
    lines += _profile_set_lines(outcome)
    lines += _measure_sections(outcome)
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


def _profile_set_json(outcome: VerifyOutcome) -> dict[str, Any] | None:
    diff = outcome.profile_set
    if diff is None:
        return None
    return {
        "base_missing": diff.base_missing,
        "added": diff.added,
        "removed": diff.removed,
        "changed": diff.changed,
        "base_crisis_profiles": diff.base_crisis,
        "head_crisis_profiles": diff.head_crisis,
    }


def _profile_set_lines(outcome: VerifyOutcome) -> list[str]:
    diff = outcome.profile_set
    if diff is None or not (diff.changed_any or diff.base_missing):
        return []
    lines = ["### Profiles that changed (under review: both sides ran on the base's set)", ""]
    return [*lines, *(f"- {_excerpt(line)}" for line in diff.lines()), ""]


def render_json(outcome: VerifyOutcome) -> str:
    payload: dict[str, Any] = {
        "verdict": outcome.verdict,
        "exit_code": outcome.exit_code,
        "base": {"ref": outcome.base_ref, "sha": outcome.base_sha},
        "head": {"ref": outcome.head_ref, "sha": outcome.head_sha or None},
        "engine": outcome.engine,
        "margin": outcome.margin,
        "level": outcome.level,
        "require_improvement": outcome.require_improvement,
        "changed_files": outcome.changed_files,
        "skill_changes": [
            {"id": c.id, "kind": c.kind, "base_version": c.base_version, "head_version": c.head_version}
            for c in outcome.skill_changes
        ],
        "criteria": [
            {"name": c.name, "passed": c.passed, "warning": c.warning, "detail": c.detail}
            for c in outcome.criteria
        ],
        "warnings": outcome.warnings,
        "seeds": outcome.seeds,
        "max_seeds": outcome.max_seeds,
        "personality_correction": CORRECTION,
        "min_coverage": outcome.min_coverage,
        "coverage": coverage_rows(outcome),
        "unmeasured": unmeasured_rows(outcome),
        "agent_reads_every_part": outcome.model_agent,
        "text_findings": text_rows(outcome),
        "routing_findings": routing_rows(outcome),
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
        "profile_set": _profile_set_json(outcome),
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
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("verdict", outcome.verdict),
        ("seeds", str(outcome.seeds)),
        ("coverage", json.dumps(coverage_rows(outcome), ensure_ascii=False)),
        ("unmeasured", json.dumps(unmeasured_rows(outcome), ensure_ascii=False)),
        ("text_findings", json.dumps(text_rows(outcome), ensure_ascii=False)),
        ("routing_findings", json.dumps(routing_rows(outcome), ensure_ascii=False)),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    if not criteria:
        ET.SubElement(suite, "testcase", classname="esc.verify", name="nothing-changed")
    for criterion in criteria:
        case = ET.SubElement(suite, "testcase", classname="esc.verify", name=criterion.name)
        if not criterion.passed:
            failure = ET.SubElement(case, "failure", message=criterion.detail)
            failure.text = criterion.detail
        elif criterion.warning:
            ET.SubElement(case, "system-out").text = f"warning: {criterion.detail}"
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def gate_context(outcome: VerifyOutcome) -> dict[str, Any]:
    """What verify.html shows above the paired figures: verdict, criteria and what was measured."""
    return {
        "verdict": outcome.verdict,
        "headline": _HEADLINE_TEXT[outcome.verdict],
        "warnings": outcome.warnings,
        "criteria": [
            {"name": c.name, "mark": _mark(c), "passed": c.passed, "detail": c.detail}
            for c in outcome.criteria
        ],
        "seeds": seeds_line(outcome),
        "min_coverage": outcome.min_coverage,
        "coverage": coverage_rows(outcome),
        "offline_agent": not outcome.model_agent,
        "model_reads_all": MODEL_READS_ALL,
        "unmeasured": unmeasured_rows(outcome),
        "text_findings": text_rows(outcome),
        "routing_findings": routing_rows(outcome),
    }
