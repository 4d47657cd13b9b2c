"""The report of one run: it parses, its numbers are summary.json's, and transcript text stays text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from html_check import parse
from report_fixtures import SCRIPT, RunFactory, make_dialogues, write_run

from esc_cli.report import render_run
from esc_cli.sim.runstore import SUMMARY_FILE, Run

MAX_BYTES = 2 * 1024 * 1024


def summary_json(run: Run) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((run.path / SUMMARY_FILE).read_text(encoding="utf-8"))
    return loaded


def test_the_page_is_one_balanced_html_document(fixture_run: Run) -> None:
    doc = parse(render_run(fixture_run))
    assert doc.doctype.lower() == "doctype html"
    assert doc.tags["html"] == doc.tags["head"] == doc.tags["body"] == doc.tags["main"] == 1
    assert next(e.text for e in doc.find("title")) == "ESC report: run"


def test_headline_figures_equal_summary_json(fixture_run: Run) -> None:
    summary = summary_json(fixture_run)
    doc = parse(render_run(fixture_run))
    tiles = {e.attrs["data-metric"]: e for e in doc.elements if "data-metric" in e.attrs}
    assert set(tiles) == {"sage_score", "successes", "failures", "dialogues", "safety_violations"}
    for metric, tile in tiles.items():
        assert json.loads(tile.attrs["data-value"]) == summary[metric], metric
    shown = {dd.inherited("data-metric"): dd.text for dd in doc.find("dd") if dd.inherited("data-metric")}
    assert shown == {
        "sage_score": f"{fixture_run.summary.sage_score:.1f}",
        "successes": str(summary["successes"]),
        "failures": str(summary["failures"]),
        "dialogues": "40",
        "safety_violations": str(summary["safety_violations"]),
    }


def test_group_and_skill_tables_equal_summary_json(fixture_run: Run) -> None:
    summary = summary_json(fixture_run)
    doc = parse(render_run(fixture_run))
    for group in ("by_personality", "by_intention", "by_profile", "skills"):
        assert doc.values(group) == summary[group], group
    assert len(summary["by_personality"]) == 3  # type: ignore[arg-type]
    assert len(summary["skills"]) >= 5  # type: ignore[arg-type]


def test_shown_scores_round_the_exact_ones(fixture_run: Run) -> None:
    doc = parse(render_run(fixture_run))
    for cell in doc.find("td", **{"data_field": "score"}):
        assert abs(float(cell.text) - float(cell.attrs["data-value"])) <= 0.05


def test_transcript_markup_is_shown_as_text(fixture_run: Run) -> None:
    html = render_run(fixture_run)
    doc = parse(html)
    assert doc.tags["script"] == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert any(SCRIPT in e.text for e in doc.find("p", **{"class": "msg"}))
    assert doc.tags["b"] == sum(1 for e in doc.find("b") if e.attrs.get("data-field") == "emotion")


def test_the_page_fetches_nothing(fixture_run: Run) -> None:
    html = render_run(fixture_run)
    doc = parse(html)
    for tag in ("script", "link", "img", "iframe", "object", "embed", "audio", "video", "source"):
        assert doc.tags[tag] == 0, tag
    assert not re.search(r"(?:src|href)=\"(?!#)", html)
    assert (
        "url(" not in html
        and "@import" not in html
        and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_every_dialogue_has_a_folded_transcript(fixture_run: Run) -> None:
    doc = parse(render_run(fixture_run))
    transcripts = [e for e in doc.find("details") if "transcript" in e.attrs.get("class", "")]
    assert sorted(e.attrs["data-key"] for e in transcripts) == sorted(d.key for d in fixture_run.dialogues)
    assert not any("open" in e.attrs for e in transcripts)
    assert len(doc.find("li")) >= sum(len(d.turns) for d in fixture_run.dialogues)


def test_safety_flags_are_highlighted_with_words(fixture_run: Run) -> None:
    doc = parse(render_run(fixture_run))
    flagged_turns = [e for e in doc.find("li") if "flagged" in e.attrs.get("class", "").split()]
    assert len(flagged_turns) == fixture_run.summary.safety_violations > 0
    assert all("⚠ Safety: crisis-cue-unanswered" in e.text for e in flagged_turns)
    first = next(e for e in doc.find("details") if "transcript" in e.attrs.get("class", ""))
    assert "flagged" in first.attrs["class"]  # worst first


def test_one_titled_trajectory_chart_per_personality(fixture_run: Run) -> None:
    doc = parse(render_run(fixture_run))
    charts = [e for e in doc.find("svg") if e.attrs.get("id", "").startswith("traj-")]
    assert sorted(c.attrs["id"] for c in charts) == ["traj-avoidant", "traj-negative", "traj-passive"]
    for chart in charts:
        assert chart.attrs["role"] == "img"
        assert chart.attrs["aria-labelledby"] == f"{chart.attrs['id']}-t {chart.attrs['id']}-d"
    assert len(doc.find("polyline")) == len(fixture_run.dialogues)
    assert len(doc.find("line", **{"class": "rule"})) == 2 * len(charts)


def test_tables_are_semantic(fixture_run: Run) -> None:
    doc = parse(render_run(fixture_run))
    tables = doc.find("table")
    assert len(tables) == len(doc.find("caption")) == 4
    headers = doc.find("th")
    assert headers and all(th.attrs.get("scope") in ("col", "row") for th in headers)


def test_a_hundred_dialogues_stay_under_two_megabytes(tmp_path: Path) -> None:
    run = write_run(tmp_path / "big", make_dialogues(100))
    html = render_run(run)
    assert len(html.encode("utf-8")) < MAX_BYTES
    parse(html)


def test_a_summary_that_disagrees_with_the_dialogues_is_called_out(make_run: RunFactory) -> None:
    run = make_run()
    cut = run.model_copy(update={"dialogues": run.dialogues[:30]})
    html = render_run(cut)
    assert "summary.json counts 40 dialogues but dialogues.jsonl holds 30" in html
    assert 'role="note"' in html


def test_a_run_without_skills_says_so(tmp_path: Path) -> None:
    dialogues = [
        d.model_copy(update={"turns": [t.model_copy(update={"skills": []}) for t in d.turns]})
        for d in make_dialogues(6)
    ]
    run = write_run(tmp_path / "bare", dialogues)
    html = render_run(run)
    assert "No skill was used in this run" in html
    assert parse(html).values("skills") == {}


def test_the_public_api_is_what_all_says() -> None:
    import esc_cli.report as report

    assert sorted(report.__all__) == ["render_compare", "render_run", "write_report"]
    assert all(callable(getattr(report, name)) for name in report.__all__)
