"""`esc report`: where it writes, what it prints, and how it refuses bad input."""

from __future__ import annotations

import json
from pathlib import Path

from html_check import parse
from report_fixtures import EscRunner, RunFactory

from esc_cli.sim.runstore import SUMMARY_FILE, load_run


def test_report_writes_into_the_run_folder(esc: EscRunner, make_run: RunFactory) -> None:
    run = make_run()
    result = esc("report", str(run.path))
    assert result.code == 0, result.err
    page = run.path / "report.html"
    assert result.out.startswith(f"wrote {page} (") and result.out.endswith(" KiB)\n")
    assert parse(page.read_text(encoding="utf-8")).find("title")[0].text == "ESC report: run"


def test_report_output_option(esc: EscRunner, make_run: RunFactory, tmp_path: Path) -> None:
    run = make_run()
    target = tmp_path / "out" / "page.html"
    assert esc("report", str(run.path), "-o", str(target)).code == 0
    assert target.is_file() and not (run.path / "report.html").exists()


def test_compare_writes_into_the_head_folder(esc: EscRunner, make_run: RunFactory) -> None:
    base, head = make_run("base"), make_run("head", rng_seed=8)
    result = esc("report", "--compare", str(base.path), str(head.path))
    assert result.code == 0, result.err
    html = (head.path / "compare.html").read_text(encoding="utf-8")
    assert "<h1>Base against head</h1>" in html


def test_wrong_number_of_runs_is_a_usage_error(esc: EscRunner, make_run: RunFactory) -> None:
    run = make_run()
    result = esc("report", str(run.path), str(run.path))
    assert result.code == 2
    assert (
        "expected 1 run folder, got 2: esc report RUN (or --compare RUN_A RUN_B, or --skills DIR)"
        in result.err
    )
    result = esc("report", "--compare", str(run.path))
    assert result.code == 2
    assert "expected 2 run folders, got 1: esc report --compare RUN_A RUN_B" in result.err


def test_a_missing_or_incomplete_run_names_the_file(
    esc: EscRunner, make_run: RunFactory, tmp_path: Path
) -> None:
    result = esc("report", str(tmp_path / "nope"))
    assert (result.code, result.err) == (
        2,
        f"error: {tmp_path / 'nope'}: run folder not found (pass the folder that `esc sim run` wrote)\n",
    )
    run = make_run()
    (run.path / SUMMARY_FILE).unlink()
    result = esc("report", str(run.path))
    assert result.code == 2
    assert f"{run.path / SUMMARY_FILE}: missing: the run is incomplete" in result.err
    assert not (run.path / "report.html").exists()


def test_a_real_offline_run_reports_its_own_numbers(esc: EscRunner, seed_bank: Path) -> None:
    """End to end: `esc sim run` on the seed bank, then `esc report` on what it wrote."""
    for name, extra in (("with-bank", ()), ("no-bank", ("--no-skills",))):
        result = esc("sim", "run", "--seeds", "2", "--out", str(seed_bank / name), *extra, cwd=seed_bank)
        assert result.code == 0, result.err
    assert esc("report", str(seed_bank / "with-bank")).code == 0
    summary = json.loads((seed_bank / "with-bank" / SUMMARY_FILE).read_text(encoding="utf-8"))
    doc = parse((seed_bank / "with-bank" / "report.html").read_text(encoding="utf-8"))
    for group in ("by_personality", "by_intention", "by_profile", "skills"):
        assert doc.values(group) == summary[group], group
    tiles = {e.attrs["data-metric"]: json.loads(e.attrs["data-value"]) for e in doc.find(**{"class": "tile"})}
    assert tiles == {k: summary[k] for k in tiles}
    run = load_run(seed_bank / "with-bank")
    assert len(doc.find("details", **{"class": "transcript flagged"})) == sum(
        1 for d in run.dialogues if d.safety_violations
    )

    assert esc("report", "--compare", str(seed_bank / "no-bank"), str(seed_bank / "with-bank")).code == 0
    compare = parse((seed_bank / "with-bank" / "compare.html").read_text(encoding="utf-8"))
    headline = compare.values("headline")
    assert headline["sage_score"]["head"] == summary["sage_score"]
    assert len(compare.values("pairs")) == len(run.dialogues)


def test_the_report_lists_the_skills_that_never_fired(esc: EscRunner, seed_bank: Path) -> None:
    out = seed_bank / "run"
    assert esc("sim", "run", "--seeds", "1", "--out", str(out), cwd=seed_bank).code == 0
    assert esc("report", str(out)).code == 0
    run = load_run(out)
    used = {skill for d in run.dialogues for t in d.turns for skill in t.skills}
    silent = sorted(set(run.config.skill_hashes) - used)
    assert silent, "the seed bank has skills the verify profiles never reach"
    html = (out / "report.html").read_text(encoding="utf-8")
    note = html.split('data-group="never-fired"', 1)[1].split("</p>", 1)[0]
    assert f"{len(silent)} active skills never fired in this run" in note
    assert [f"<code>{key}</code>" in note for key in silent] == [True] * len(silent)
    assert not any(f"<code>{key}</code>" in note for key in used)
