"""The report in a real headless Chromium: no console errors, nothing fetched, charts with real size.

Chromium must be installed (`.ci/run` installs the Debian `chromium` package when it runs as root).
Without it these tests fail with the line that installs it: they never skip.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from chromium_cdp import Page, find_chromium, open_page, screenshot
from report_fixtures import SCRIPT, RunFactory

from esc_cli.report import render_compare, render_run

MEASURE_CHARTS = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  return {id: svg.id, width: box.width, height: box.height,
          lines: svg.querySelectorAll('polyline').length, bars: svg.querySelectorAll('rect').length};
}))"""


INSTALL_LINE = (
    "chromium is not installed, and the browser tests need it: install it with "
    "`sudo apt-get install chromium` (Debian, Ubuntu), or run `bash .ci/run` as root, which does"
)


def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.fail(INSTALL_LINE)
    return found


def png_summary(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct row patterns of an 8-bit RGB(A) PNG, with stdlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, header = 8, b"", b""
    while offset < len(data):
        (length,) = struct.unpack("!I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        offset += 12 + length
    width, height, depth, colour = struct.unpack("!IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    stride = width * (3 if colour == 2 else 4) + 1
    raw = zlib.decompress(chunks)
    rows = {raw[i * stride + 1 : (i + 1) * stride] for i in range(0, height, 7)}
    return width, height, len(rows)


def open_report(html: str, tmp_path: Path, name: str) -> tuple[Path, str]:
    page = tmp_path / name
    page.write_text(html, encoding="utf-8")
    return page, page.resolve().as_uri()


def check_page(page: Page, url: str) -> list[dict[str, object]]:
    assert page.problems() == []
    assert page.requests() == [url]
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    charts: list[dict[str, object]] = json.loads(page.evaluate(MEASURE_CHARTS))
    assert charts
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 100, chart  # type: ignore[operator]
    return charts


def test_run_report_renders_in_chromium(make_run: RunFactory, tmp_path: Path) -> None:
    binary = chromium()
    run = make_run()
    _, url = open_report(render_run(run), tmp_path, "report.html")
    with open_page(url, binary=binary) as page:
        charts = check_page(page, url)
        assert {c["id"] for c in charts} == {
            "traj-avoidant",
            "traj-negative",
            "traj-passive",
            "skill-uses",
            "skill-change",
        }
        assert sum(c["lines"] for c in charts) == len(run.dialogues)  # type: ignore[misc]
        texts = page.evaluate("[...document.querySelectorAll('p.msg')].map(p => p.textContent).join('\\n')")
        assert SCRIPT in texts
        closed = page.evaluate(
            "[...document.querySelectorAll('details.transcript')].filter(d => !d.open).length"
        )
        assert closed == len(run.dialogues)
        shot = screenshot(page, tmp_path / "report.png")
    width, height, patterns = png_summary(shot)
    assert width > 1200 and height > 2000  # the page width less a scrollbar
    assert patterns > 50  # a blank or single-colour page has one or two


def test_compare_report_renders_in_chromium(make_run: RunFactory, tmp_path: Path) -> None:
    binary = chromium()
    base, head = make_run("base"), make_run("head", rng_seed=8, bias=1)
    _, url = open_report(render_compare(base, head), tmp_path, "compare.html")
    with open_page(url, binary=binary) as page:
        charts = check_page(page, url)
        ids = {c["id"] for c in charts}
        assert {"profile-change", "base-negative", "head-negative"} <= ids
        boxes = json.loads(
            page.evaluate(
                "JSON.stringify(['base-negative', 'head-negative'].map(id => "
                "document.getElementById(id).getBoundingClientRect().toJSON()))"
            )
        )
        left, right = boxes
        assert left["top"] == right["top"] and left["right"] <= right["left"]  # side by side
        shot = screenshot(page, tmp_path / "compare.png")
    assert png_summary(shot)[2] > 50


def test_the_browser_check_sees_errors_and_requests(tmp_path: Path) -> None:
    """The harness is not vacuous: a page that logs an error and fetches an image is caught."""
    binary = chromium()
    bad = "<!DOCTYPE html><title>bad</title><script>console.error('boom')</script><img src='missing.png'>"
    _, url = open_report(bad, tmp_path, "bad.html")
    with open_page(url, binary=binary) as page:
        problems = page.problems()
        assert any("console.error" in p and "boom" in p for p in problems), problems
        assert any(p.startswith("log error:") and "missing.png" in p for p in problems), problems
        assert page.requests() == [url, (tmp_path / "missing.png").resolve().as_uri()]
