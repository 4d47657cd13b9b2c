"""The SVG builders: compact numbers, escaped text, accessible charts, correct geometry."""

from __future__ import annotations

import pytest
from html_check import parse

from esc_cli.report.charts import _count_axis, _symmetric_axis, nice_step
from esc_cli.report.svg import (
    Axis,
    Bar,
    Line,
    Rule,
    Segment,
    Stroke,
    bar_chart,
    line_chart,
    num,
    short,
    signed,
    slug,
)

EVIL = "<script>alert(\"x\")</script> & 'q'"


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (40, 1, "40"),
        (40.0, 1, "40"),
        (12.54, 1, "12.5"),
        (-0.04, 1, "0"),
        (-3.0, 1, "-3"),
        (0.125, 2, "0.12"),
        (7.5, 0, "8"),
    ],
)
def test_num_is_compact(value: float, digits: int, text: str) -> None:
    assert num(value, digits) == text


def test_signed_and_slug_and_short() -> None:
    assert [signed(5), signed(-2.5), signed(0), signed(-0.01)] == ["+5", "-2.5", "0", "0"]
    assert slug("Passive & <avoidant>") == "passive-avoidant"
    assert slug("***") == "x"
    assert short("a" * 50) == "a" * 39 + "…"
    assert short("abc") == "abc"


def chart(**overrides: object) -> str:
    args: dict[str, object] = {
        "title": f"Trajectories {EVIL}",
        "desc": "one line per dialogue",
        "x": Axis("turn", 0, 10, (0, 5, 10)),
        "y": Axis("emotion", 0, 100, (0, 50, 100)),
        "rules": (Rule(100, "success", Stroke("#000", "4 3")), Rule(10, "failure", Stroke("#000", "4 3"))),
        "width": 360,
        "height": 220,
    }
    args.update(overrides)
    lines = [
        Line([(0, 40), (1, 45), (2, 100)], Stroke("#0072b2"), f"p1#0 {EVIL}"),
        Line([(0, 40), (10, 0)], Stroke("#d55e00", "6 3"), "p2#0"),
    ]
    return line_chart("traj <x>", lines, **args)  # type: ignore[arg-type]


def test_line_chart_is_accessible_and_escaped() -> None:
    svg = chart()
    doc = parse(svg)
    root = doc.find("svg")[0]
    assert root.attrs["role"] == "img" and root.attrs["id"] == "traj-x"
    assert root.attrs["aria-labelledby"] == "traj-x-t traj-x-d"
    assert doc.find("title", id="traj-x-t")[0].text == f"Trajectories {EVIL}"
    assert doc.tags["script"] == 0 and "<script>" not in svg
    assert [t.text for t in doc.find("title")][1:] == [f"p1#0 {EVIL}", "p2#0"]
    texts = [t.text for t in doc.find("text")]
    assert {"turn", "emotion", "success", "failure", "0", "50", "100", "5", "10"} <= set(texts)


def test_line_chart_maps_data_into_the_plot_box() -> None:
    doc = parse(chart())
    # plot box: x from 40 to 290, y from 12 (100) to 186 (0)
    first, second = (p.attrs["points"] for p in doc.find("polyline"))
    assert first == "40,116.4 65,107.7 90,12"
    assert second == "40,116.4 290,186"
    assert doc.find("polyline")[1].attrs["stroke-dasharray"] == "6 3"
    rules = doc.find("line", **{"class": "rule"})
    assert [(r.attrs["y1"], r.attrs["stroke-dasharray"]) for r in rules] == [("12", "4 3"), ("168.6", "4 3")]


def test_points_outside_the_axes_are_clamped() -> None:
    svg = line_chart(
        "c",
        [Line([(-1, 150), (20, -5)], Stroke("#000"))],
        title="t",
        desc="d",
        x=Axis("x", 0, 10),
        y=Axis("y", 0, 100),
        width=360,
        height=220,
    )
    assert parse(svg).find("polyline")[0].attrs["points"] == "40,12 290,186"


def test_bar_chart_stacks_segments_and_draws_negatives_leftwards() -> None:
    bars = [
        Bar(
            "reflect-feelings",
            (Segment(6, "#0f0", "6 helpful"), Segment(2, "#ccc", "2 none"), Segment(2, "#f00", "2 harmful")),
            "10 uses",
        ),
        Bar("down <b>", (Segment(-5, "#f00", "-5"),), "-5"),
        Bar("nothing", (Segment(0, "#0f0", "0"),)),
    ]
    svg = bar_chart(
        "bars",
        bars,
        title="t",
        desc="d",
        axis=Axis("change", -10, 10, (-10, 0, 10)),
        width=500,
        note_width=100,
    )
    doc = parse(svg)
    rects = doc.find("rect")
    # label column: 12 + 6.4 * len("reflect-feelings") = 114.4; plot 114.4..400, zero at 257.2
    widths = [(r.attrs["x"], r.attrs["width"]) for r in rects]
    assert widths[:3] == [("257.2", "85.7"), ("342.9", "28.6"), ("371.4", "28.6")]
    assert widths[3] == ("185.8", "71.4")
    assert widths[4] == ("256.7", "1")  # a zero bar is a hairline at zero
    assert [t.text for t in doc.find("title")][1:4] == ["reflect-feelings: 10 uses", "6 helpful", "2 none"]
    assert "down <b>: -5" in [t.text for t in doc.find("title")]
    assert doc.tags["b"] == 0


def test_long_bar_labels_are_cut_but_kept_in_the_title() -> None:
    label = "a-very-long-skill-id-" * 3
    doc = parse(
        bar_chart("b", [Bar(label, (Segment(1, "#000", "1"),))], title="t", desc="d", axis=Axis("u", 0, 1))
    )
    assert short(label) in [t.text for t in doc.find("text")]
    assert label in [t.text for t in doc.find("title")]


def test_axes_use_round_ticks() -> None:
    assert nice_step(64) == 20 and nice_step(12) == 2.5 and nice_step(12, whole=True) == 5
    assert _count_axis("uses", 64).ticks == (0, 20, 40, 60, 80)
    assert _count_axis("uses", 0).ticks == (0, 1)
    assert _symmetric_axis("change", 5.62, 2).ticks == (-10, -5, 0, 5, 10)
    assert _symmetric_axis("change", 0, 2).ticks == (-2, -1, 0, 1, 2)
