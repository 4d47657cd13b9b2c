"""`esc report`: one self-contained HTML page per run, or per base-against-head comparison.

Inline CSS and inline SVG only: no scripts, no fonts, nothing fetched, so the file opens offline
from a CI artifact.
"""

from __future__ import annotations

from esc_cli.report.render import render_compare, render_run, write_report

__all__ = ["render_compare", "render_run", "write_report"]
