"""Small SVG chart builders: line charts and horizontal bar charts, returned as strings.

Charts are drawn for embedding in an HTML page: each has `role="img"`, a `<title>` and a `<desc>`
that `aria-labelledby` points at, so a screen reader announces it and a mouse shows the title. Every
piece of text is escaped here, so callers may pass transcript text or profile ids as they are.
Coordinates are rounded to one decimal, which keeps a page of a hundred trajectories small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

FONT = 'font-family="system-ui, sans-serif"'
INK = "#1a1a1a"
GRID = "#d4d4d4"
MUTED = "#555555"
CHAR_WIDTH = 6.4  # px per character of 11px system-ui, generous so labels never run off the chart
MAX_LABEL = 40


def num(value: float, digits: int = 1) -> str:
    """A number as short as it can be: 40, 12.5, -3 (never -0, never 40.0)."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: float, digits: int = 1) -> str:
    """A change with its sign: +5, -2.5, 0."""
    text = num(value, digits)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def short(text: str, limit: int = 0) -> str:
    """Text cut to `limit` characters (default `MAX_LABEL`) with an ellipsis."""
    limit = limit or MAX_LABEL
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug(text: str) -> str:
    """A string safe to use in an id attribute: lowercase letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Stroke:
    """How a line is drawn. The dash pattern keeps lines apart where colour cannot (print, colour blindness)."""

    colour: str
    dash: str = ""
    width: float = 1.6

    def attrs(self) -> str:
        dash = f' stroke-dasharray="{escape(self.dash)}"' if self.dash else ""
        return f'stroke="{escape(self.colour)}" stroke-width="{num(self.width)}"{dash}'


@dataclass(frozen=True)
class Line:
    """One polyline: its points in data units and the tooltip that names it."""

    points: Sequence[tuple[float, float]]
    stroke: Stroke
    title: str = ""


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line across the plot, labelled at its right end."""

    y: float
    label: str
    stroke: Stroke


@dataclass(frozen=True)
class Axis:
    """The data range shown on one axis, its tick values and its label."""

    label: str
    low: float
    high: float
    ticks: Sequence[float] = ()

    def scale(self, value: float, start: float, end: float) -> float:
        """Map a data value into the pixel interval [start, end]."""
        span = self.high - self.low or 1.0
        clamped = min(max(value, self.low), self.high)
        return start + (clamped - self.low) / span * (end - start)


@dataclass(frozen=True)
class Segment:
    """One piece of a stacked bar. A negative value is drawn leftwards from zero."""

    value: float
    fill: str
    label: str


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label, its stacked segments and a note written after the bar."""

    label: str
    segments: Sequence[Segment]
    note: str = ""


def _open(ident: str, width: int, height: int, title: str, desc: str) -> str:
    ident = slug(ident)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="11">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, rotate: bool = False
) -> str:
    turn = f' transform="rotate(-90 {num(x)} {num(y)})"' if rotate else ""
    return f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" fill="{fill}"{turn}>{escape(text)}</text>'


def _points(line: Line, x: Axis, y: Axis, box: tuple[float, float, float, float]) -> str:
    left, top, right, bottom = box
    return " ".join(
        f"{num(x.scale(px, left, right))},{num(y.scale(py, bottom, top))}" for px, py in line.points
    )


def line_chart(
    ident: str,
    lines: Iterable[Line],
    *,
    title: str,
    desc: str,
    x: Axis,
    y: Axis,
    rules: Sequence[Rule] = (),
    width: int = 360,
    height: int = 220,
) -> str:
    """A line chart: axes with ticks and labels, dashed reference rules, one polyline per `Line`."""
    box = (40.0, 12.0, width - 70.0, height - 34.0)
    left, top, right, bottom = box
    parts = [_open(ident, width, height, title, desc)]
    for tick in y.ticks:
        ty = y.scale(tick, bottom, top)
        parts.append(
            f'<line x1="{num(left)}" x2="{num(right)}" y1="{num(ty)}" y2="{num(ty)}" stroke="{GRID}"/>'
        )
        parts.append(_text(left - 4, ty + 4, num(tick), anchor="end"))
    for tick in x.ticks:
        tx = x.scale(tick, left, right)
        parts.append(_text(tx, bottom + 14, num(tick), anchor="middle"))
    parts.append(
        f'<path d="M{num(left)},{num(top)}V{num(bottom)}H{num(right)}" fill="none" stroke="{MUTED}"/>'
    )
    for rule in rules:
        ry = y.scale(rule.y, bottom, top)
        parts.append(
            f'<line class="rule" x1="{num(left)}" x2="{num(right)}" y1="{num(ry)}" y2="{num(ry)}" {rule.stroke.attrs()}/>'
        )
        parts.append(_text(right + 4, ry + 4, rule.label))
    parts.append(_text((left + right) / 2, height - 4, x.label, anchor="middle"))
    parts.append(_text(12, (top + bottom) / 2, y.label, anchor="middle", rotate=True))
    parts.append('<g fill="none" stroke-linejoin="round" stroke-opacity="0.75">')
    for line in lines:
        tooltip = f"<title>{escape(line.title)}</title>" if line.title else ""
        parts.append(
            f'<polyline points="{_points(line, x, y, box)}" {line.stroke.attrs()}>{tooltip}</polyline>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _segments(bar: Bar, axis: Axis, left: float, right: float, y: float, height: float) -> list[str]:
    """Stack positive segments rightwards from zero and negative ones leftwards."""
    zero = axis.scale(0.0, left, right)
    cursor = {True: 0.0, False: 0.0}
    out: list[str] = []
    for segment in bar.segments:
        if segment.value == 0:
            continue
        positive = segment.value > 0
        start = cursor[positive]
        cursor[positive] = start + segment.value
        x0, x1 = sorted((axis.scale(start, left, right), axis.scale(cursor[positive], left, right)))
        out.append(
            f'<rect x="{num(x0)}" y="{num(y)}" width="{num(max(x1 - x0, 0.5))}" height="{num(height)}" '
            f'fill="{escape(segment.fill)}" stroke="{INK}" stroke-width="0.5"><title>{escape(segment.label)}</title></rect>'
        )
    if not out:  # a zero-length bar still shows where zero is
        out.append(
            f'<rect x="{num(zero - 0.5)}" y="{num(y)}" width="1" height="{num(height)}" fill="{INK}"/>'
        )
    return out


def bar_chart(
    ident: str,
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    axis: Axis,
    width: int = 720,
    note_width: int = 200,
    bar_height: int = 16,
) -> str:
    """A horizontal bar chart: one labelled row per `Bar`, ticks along the bottom, a line at zero.

    The label column is as wide as the longest label needs, up to `MAX_LABEL` characters; longer
    labels are cut with an ellipsis.
    """
    label_width = 12 + CHAR_WIDTH * max((len(short(b.label)) for b in bars), default=4)
    row = bar_height + 8
    height = 20 + row * max(len(bars), 1) + 30
    left, right = float(label_width), float(width - note_width)
    top, bottom = 10.0, 10.0 + row * max(len(bars), 1)
    parts = [_open(ident, width, height, title, desc)]
    for tick in axis.ticks:
        tx = axis.scale(tick, left, right)
        parts.append(
            f'<line x1="{num(tx)}" x2="{num(tx)}" y1="{num(top)}" y2="{num(bottom)}" stroke="{GRID}"/>'
        )
        parts.append(_text(tx, bottom + 14, num(tick), anchor="middle"))
    for index, bar in enumerate(bars):
        y = top + index * row + 4
        heading = f"{bar.label}: {bar.note}" if bar.note else bar.label
        parts.append(f"<g><title>{escape(heading)}</title>")
        parts.append(_text(left - 6, y + bar_height - 4, short(bar.label), anchor="end"))
        parts.extend(_segments(bar, axis, left, right, y, bar_height))
        if bar.note:
            parts.append(_text(right + 6, y + bar_height - 4, bar.note, fill=MUTED))
        parts.append("</g>")
    if axis.low < 0 < axis.high:
        zero = axis.scale(0.0, left, right)
        parts.append(
            f'<line x1="{num(zero)}" x2="{num(zero)}" y1="{num(top)}" y2="{num(bottom)}" stroke="{INK}"/>'
        )
    parts.append(_text((left + right) / 2, height - 4, axis.label, anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def swatch(stroke: Stroke | None = None, fill: str = "") -> str:
    """A tiny decorative sample of a line style or a fill, for legends written in HTML."""
    inner = (
        f'<line x1="1" x2="27" y1="6" y2="6" {stroke.attrs()}/>'
        if stroke is not None
        else f'<rect x="4" y="1" width="20" height="10" fill="{escape(fill)}" stroke="{INK}" stroke-width="0.5"/>'
    )
    return f'<svg class="swatch" width="28" height="12" viewBox="0 0 28 12" aria-hidden="true">{inner}</svg>'
