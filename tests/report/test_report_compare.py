"""The compare page: dialogues paired by profile and seed, figures of both runs, side-by-side charts."""

from __future__ import annotations

import json
from pathlib import Path

from html_check import parse
from report_fixtures import SCRIPT, RunFactory, make_dialogues, write_run

from esc_cli.report import render_compare
from esc_cli.report.compare import pair_runs, profile_changes
from esc_cli.sim.runstore import SUMMARY_FILE, Run

MAX_BYTES = 2 * 1024 * 1024


def runs(make_run: RunFactory) -> tuple[Run, Run]:
    return make_run("base"), make_run("head", rng_seed=8, bias=1)


def test_pairs_are_matched_by_profile_and_seed() -> None:
    base, head = make_dialogues(9), make_dialogues(12, rng_seed=8)[3:]
    pairing = pair_runs(base, head)
    assert [p.key for p in pairing.pairs] == sorted(d.key for d in base[3:])
    assert pairing.only_base == [d.key for d in base[:3]]
    assert pairing.only_head == [d.key for d in head[6:]]
    assert all(p.change == p.head.final_emotion - p.base.final_emotion for p in pairing.pairs)
    assert pairing.mean_change == sum(p.change for p in pairing.pairs) / 6


def test_profile_changes_average_over_seeds_worst_first() -> None:
    pairing = pair_runs(make_dialogues(12), make_dialogues(12, rng_seed=8, bias=1))
    changes = profile_changes(pairing.pairs)
    assert len(changes) == 4 and all(c.pairs == 3 for c in changes)
    assert [c.change for c in changes] == sorted(c.change for c in changes)
    first = [p for p in pairing.pairs if p.base.profile == changes[0].profile]
    assert changes[0].change == sum(p.change for p in first) / 3


def test_the_page_shows_both_summaries_and_every_pair(make_run: RunFactory) -> None:
    base, head = runs(make_run)
    doc = parse(render_compare(base, head))
    a = json.loads((base.path / SUMMARY_FILE).read_text(encoding="utf-8"))
    b = json.loads((head.path / SUMMARY_FILE).read_text(encoding="utf-8"))
    headline = doc.values("headline")
    for metric in ("sage_score", "successes", "failures", "dialogues", "safety_violations"):
        assert headline[metric] == {"base": a[metric], "head": b[metric], "delta": b[metric] - a[metric]}
    assert doc.values("by_personality") == {
        k: {"base": a["by_personality"][k]["score"], "head": b["by_personality"][k]["score"]}
        for k in a["by_personality"]
    }
    pairs = doc.values("pairs")
    assert pairs == {
        d.key: {"base": d.final_emotion, "head": h.final_emotion, "change": h.final_emotion - d.final_emotion}
        for d, h in zip(base.dialogues, head.dialogues, strict=True)
    }
    tile = doc.find(data_metric="mean_paired_change")[0]
    assert json.loads(tile.attrs["data-value"]) == sum(r["change"] for r in pairs.values()) / 40


def test_trajectories_are_drawn_side_by_side(make_run: RunFactory) -> None:
    base, head = runs(make_run)
    doc = parse(render_compare(base, head))
    rows = [e for e in doc.find("div", **{"class": "pair"})]
    assert len(rows) == 3
    ids = [svg.attrs["id"] for svg in doc.find("svg") if svg.attrs.get("role") == "img"]
    for personality in ("avoidant", "negative", "passive"):
        assert f"base-{personality}" in ids and f"head-{personality}" in ids
    assert len(doc.find("polyline")) == 80


def test_changed_dialogues_are_folded_side_by_side_and_escaped(make_run: RunFactory) -> None:
    base, head = runs(make_run)
    html = render_compare(base, head)
    doc = parse(html)
    changed = [e for e in doc.find("details") if "transcript" in e.attrs.get("class", "")]
    expected = {
        d.key
        for d, h in zip(base.dialogues, head.dialogues, strict=True)
        if d.final_emotion != h.final_emotion or d.safety_violations != h.safety_violations
    }
    assert {e.attrs["data-key"] for e in changed} == expected
    assert doc.tags["script"] == 0
    if "p03-negative#0" in expected:
        assert any(SCRIPT in e.text for e in doc.find("p", **{"class": "msg"}))


def test_new_safety_violations_lead_the_page(tmp_path: Path) -> None:
    dialogues = make_dialogues(18)
    clean = [
        d.model_copy(update={"turns": [t.model_copy(update={"safety": []}) for t in d.turns]})
        for d in dialogues
    ]
    base = write_run(tmp_path / "base", clean, run_id="base")
    head = write_run(tmp_path / "head", dialogues, run_id="head")
    flagged = [d.key for d in dialogues if d.safety_violations]
    assert flagged
    html = render_compare(base, head)
    assert f"⚠ {len(flagged)} new safety violation" in html
    assert html.index("new safety violation") < html.index('id="scores"')
    details = [e for e in parse(html).find("details") if "transcript" in e.attrs.get("class", "")]
    assert sorted(e.attrs["data-key"] for e in details[: len(flagged)]) == sorted(flagged)


def test_unpaired_dialogues_are_listed_and_labels_are_used(tmp_path: Path) -> None:
    base = write_run(tmp_path / "a", make_dialogues(9), run_id="a")
    head = write_run(tmp_path / "b", make_dialogues(12)[3:], run_id="b")
    html = render_compare(base, head, labels=("before", "after"))
    assert "6 pairs, 3 only in before, 3 only in after" in html
    assert "only in before: p00-negative#0, p00-negative#1, p00-negative#2." in html
    assert "<h1>Before against after</h1>" in html


def test_identical_runs_show_no_change(make_run: RunFactory) -> None:
    run = make_run("same")
    html = render_compare(run, run)
    assert "No paired dialogue changed." in html
    assert parse(html).find(data_metric="mean_paired_change")[0].attrs["data-value"] == "0.0"


def test_a_hundred_pairs_stay_under_two_megabytes(tmp_path: Path) -> None:
    base = write_run(tmp_path / "a", make_dialogues(100), run_id="a")
    head = write_run(tmp_path / "b", make_dialogues(100, rng_seed=8, bias=1), run_id="b")
    html = render_compare(base, head)
    assert len(html.encode("utf-8")) < MAX_BYTES
    parse(html)


def test_a_personality_in_one_run_only_gets_an_empty_partner(tmp_path: Path) -> None:
    dialogues = make_dialogues(6)
    base = write_run(tmp_path / "a", dialogues[:3], run_id="a")  # p00: negative
    head = write_run(tmp_path / "b", dialogues[3:], run_id="b")  # p01: passive
    doc = parse(render_compare(base, head))
    captions = [e.text for e in doc.find("figcaption") if e.inherited("class") == "pair"]
    assert captions == [
        "base: negative seekers: 3 dialogues",
        "head: no dialogues",
        "base: no dialogues",
        "head: passive seekers: 3 dialogues",
    ]
    assert doc.values("pairs") == {}
