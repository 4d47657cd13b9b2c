"""Render a run, or base against head, into one self-contained HTML page.

The templates live in `esc_cli/report/templates/` as package data. Autoescaping is on for every
template, so transcript text, profile ids and skill ids reach the page as text; only the SVG that
`svg.py` builds (which escapes its own text) is passed through as markup.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from esc_cli import __version__
from esc_cli.fileio import atomic_write_text
from esc_cli.report.compare import compare_context
from esc_cli.report.svg import num, signed
from esc_cli.report.view import run_context
from esc_cli.sim.runstore import Run


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("esc_cli.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = num
    env.filters["signed"] = signed
    env.globals["generator"] = __version__
    return env


def render_run(run: Run) -> str:
    """The report of one run: scores, trajectories, skill credit and every transcript."""
    return environment().get_template("run.html.j2").render(run_context(run))


def render_compare(
    run_a: Run,
    run_b: Run,
    *,
    labels: tuple[str, str] = ("base", "head"),
    gate: dict[str, Any] | None = None,
) -> str:
    """Base (`run_a`) against head (`run_b`): paired changes per profile and seed, trajectories side by side.

    `gate` (from `esc_cli.verify.reports.gate_context`) adds the verify verdict and what it measured on top."""
    context = compare_context(run_a, run_b, labels)
    context["gate"] = gate
    return environment().get_template("compare.html.j2").render(context)


def write_report(html: str, path: Path) -> Path:
    """Write the page atomically, so a reader never opens half a report."""
    atomic_write_text(path, html)
    return path
