"""The pull-request description of an evolution, as Markdown.

Sections: what ran and the acceptance rule; the table of rounds; each accepted proposal with its
finding, the trace turns before and after the edit, and the paired figures; the proposals that were
dropped and why; every finding; and how to review and merge. Trace text is quoted as data.
"""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.evolve.findings import Finding, TraceEvidence
from esc_cli.evolve.loop import Decision, Evolution


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _quote(item: TraceEvidence) -> list[str]:
    head = (
        f"{item.ref()}, states {', '.join(item.states) or 'none'}, skills {', '.join(item.skills) or 'none'}"
    )
    flags = f", flags {', '.join(item.flags)}" if item.flags else ""
    return [
        f"- {head}{flags}: change {item.change:+d}, emotion {item.emotion}",
        f"  > Seeker: {item.seeker}",
        f"  > Agent: {item.agent}",
    ]


def rounds_table(evolution: Evolution) -> list[str]:
    lines = [
        "| round | score | successes | failures | safety flags | accepted |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for report in evolution.rounds:
        f = report.figures
        accepted = "base" if report.round == 0 else str(len(report.accepted))
        lines.append(
            f"| {report.round} | {f.score:.1f} | {f.successes} | {f.failures} | {f.safety} | {accepted} |"
        )
    return lines


def _accepted(number: int, decision: Decision) -> list[str]:
    finding, proposal = decision.finding, decision.proposal
    lines = [
        f"### {number}. {proposal.summary}",
        "",
        f"- Finding ({finding.category}, `{finding.kind}`, strength {finding.strength:.2f}): {finding.summary}",
        f"- Edit: `{proposal.describe()}` (round {decision.round}, {proposal.proposer} proposer)",
    ]
    if decision.versions:
        versions = ", ".join(
            f"`{k}` {'new' if b == 0 else f'v{b}'} → v{a}" for k, (b, a) in decision.versions.items()
        )
        lines.append(f"- Versions: {versions}")
    if decision.check is not None:
        lines.append(f"- Check: {decision.check.figures_line()}")
    lines += ["", "Before the edit:", ""]
    for item in finding.evidence[:2]:
        lines += _quote(item)
    if decision.after:
        lines += ["", "The same turns with the edit:", ""]
        for item in decision.after:
            lines += _quote(item)
    return [*lines, ""]


def _dropped(decisions: Sequence[Decision]) -> list[str]:
    if not decisions:
        return ["None.", ""]
    lines = ["| round | proposal | edit | why dropped |", "|---:|---|---|---|"]
    for d in decisions:
        lines.append(
            f"| {d.round} | {d.proposal.id} | `{_cell(d.proposal.describe())}` | {_cell(d.reason)} |"
        )
    return [*lines, ""]


def _findings(findings: Sequence[Finding]) -> list[str]:
    if not findings:
        return ["None.", ""]
    lines = [
        "| strength | category | finding | turns | dialogues | mean change |",
        "|---:|---|---|---:|---:|---:|",
    ]
    for f in findings:
        lines.append(
            f"| {f.strength:.2f} | {f.category} | {_cell(f.summary)} | {f.turns} | {f.dialogues} | {f.mean_change:+.1f} |"
        )
    return [*lines, ""]


def pr_description(evolution: Evolution, *, branch: str, base: str, profiles: str, seeds: int) -> str:
    """The Markdown body of the pull request for `branch`."""
    accepted = evolution.accepted
    start, end = evolution.start, evolution.end
    lines = [
        f"# Skill evolution: {len(accepted)} edit(s) from `{base}`",
        "",
        f"`esc evolve` simulated the bank on `{profiles}` ({start.dialogues} dialogues: each profile x {seeds} "
        f"seed(s)), analysed the traces ({evolution.analyst} analyst), proposed edits ({evolution.proposer} "
        "proposer) and checked each one in a paired simulation on the same profiles and seeds.",
        "",
        f"**Train score {start.score:.1f} → {end.score:.1f}**; successes {start.successes} → {end.successes}; "
        f"failures {start.failures} → {end.failures}; safety flags {start.safety} → {end.safety}.",
        "",
        f"Acceptance rule: {evolution.rule}.",
        "",
        "The verify profiles were not read: `esc skill verify` in CI is the independent check of this branch.",
        "",
        "## Rounds",
        "",
        *rounds_table(evolution),
        "",
        "## Accepted edits (one commit each)",
        "",
    ]
    for number, decision in enumerate(accepted, start=1):
        lines += _accepted(number, decision)
    if not accepted:
        lines += ["None: no proposal passed the rule.", ""]
    lines += ["## Dropped proposals", ""]
    lines += _dropped([d for r in evolution.rounds for d in r.decisions if not d.accepted])
    for report in evolution.rounds[1:]:
        lines += [f"## Findings of round {report.round}", ""]
        lines += _findings(report.findings)
    lines += [
        "## Review",
        "",
        "```",
        f"git diff {base} {branch}",
        f"git log --format='%h %s' {base}..{branch}",
        f"esc skill verify --base {base} --head {branch}",
        "```",
        "",
        "This is a research tool, not a clinical tool. Edits to the crisis skill deserve a human reviewer.",
        "",
    ]
    return "\n".join(lines)
