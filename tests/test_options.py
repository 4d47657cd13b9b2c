"""Options that do what they say (issue 19 §1): an explicit --bank, --skills DIR, renamed options with
their deprecation lines, nearest-id suggestions, `latest`, --format json, next-step hints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, commit_repo, git, make_bank

from esc_cli.cli.deprecated import deprecation_line
from esc_cli.scaffold import init_bank

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"
# Three verify profiles keep each simulation short.
VERIFY = ["verify-grad-student-thesis"]


def copy_bank(root: Path, *, train: list[str] | None = None) -> Path:
    """The repository's skills, profiles, prompts and pyproject.toml in `root`, train optionally cut."""
    root.mkdir(parents=True)
    for name in ("skills", "profiles", "prompts"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    for path in (root / "profiles" / "train").glob("*.yaml"):
        if train is not None and path.stem not in train:
            path.unlink()
    return root


def _small_bank(root: Path) -> Path:
    copy_bank(root)
    for path in (root / "profiles" / "verify").glob("*.yaml"):
        if path.stem not in VERIFY:
            path.unlink()
    return root


def test_an_explicit_bank_that_is_not_a_bank_root_is_an_error(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    found = root / "found"
    found.mkdir()
    shutil.copy(root / "skills" / "reflect-feelings.md", found)
    # Inside another bank, the walk up would have found that bank and used it silently.
    for args in (("sim", "run"), ("skill", "list")):
        result = esc("--bank", str(found), *args, cwd=root)
        assert result.code == 2, result.out
        assert result.err.startswith(f"error: --bank {found}: is a skills folder (Markdown skill files)")
        assert "use --skills DIR" in result.err and "Traceback" not in result.err
    missing = esc("--bank", str(tmp_path / "nowhere"), "skill", "list", cwd=root)
    assert missing.code == 2 and "nowhere: does not exist" in missing.err
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    no_table = esc("--bank", str(plain), "skill", "list", cwd=root)
    assert no_table.code == 2 and "has a pyproject.toml without a [tool.esc] table" in no_table.err


def test_sim_run_simulates_a_skills_folder(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    found = tmp_path / "found"
    found.mkdir()
    for name in ("reflect-feelings.md", "crisis-safety-check.md"):
        shutil.copy(root / "skills" / name, found)
    ran = esc("sim", "run", "--skills", str(found), "--seeds", "1", "--format", "json", cwd=root)
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    used = set(data["summary"]["skills"])
    assert used and used <= {"reflect-feelings", "crisis-safety-check"}
    bank = json.loads(esc("sim", "run", "--seeds", "1", "--format", "json", cwd=root).out)
    assert bank["config"]["bank_hash"] != data["config"]["bank_hash"]
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = esc("sim", "run", "--skills", str(empty), cwd=root)
    assert refused.code == 2 and f"{empty}: holds no skill file (*.md)" in refused.err
    both = esc("sim", "run", "--skills", str(found), "--no-skills", cwd=root)
    assert both.code == 2 and "--no-skills and --skills exclude each other" in both.err


def test_iu_extract_format_is_now_layout(esc: EscRunner, tmp_path: Path) -> None:
    data = str(FIXTURES / "hf" / "train.jsonl")
    new = esc("iu", "extract", data, "--layout", "hf-jsonl", "-o", str(tmp_path / "a.jsonl"), cwd=tmp_path)
    assert new.code == 0, new.err
    assert "deprecated" not in new.err
    old = esc("iu", "extract", data, "--format", "hf-jsonl", "-o", str(tmp_path / "b.jsonl"), cwd=tmp_path)
    assert old.code == 0, old.err
    assert deprecation_line("--format", "--layout") in old.err
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    # The old spelling still means the input layout: the HF file read as FailedESConv is refused.
    other = esc("iu", "extract", data, "--format", "failed-esconv", "-o", str(tmp_path / "c.jsonl"))
    assert other.code == 2 and "this layout uses speaker, listener" in other.err


def test_eval_strategy_bank_is_now_skills(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    data = str(FIXTURES / "hf" / "train.jsonl")
    skills = str(root / "skills")
    new = esc("eval", "strategy", "--data", data, "--skills", skills, "--format", "json", cwd=root)
    old = esc("eval", "strategy", "--data", data, "--bank", skills, "--format", "json", cwd=root)
    assert new.code == old.code == 0, old.err
    assert new.out == old.out and json.loads(new.out)[0]["name"] == skills
    assert deprecation_line("--bank", "--skills") in old.err and "deprecated" not in new.err
    text = esc("eval", "strategy", "--data", data, cwd=root)
    assert "note: this measures imitation of ESConv's human supporters, not help" in text.out
    assert "--skills found/" in text.out


def test_profile_show_json_is_now_format_json(esc: EscRunner) -> None:
    new = esc("profile", "show", "verify-grad-student-thesis", "--format", "json", cwd=REPO)
    old = esc("profile", "show", "verify-grad-student-thesis", "--json", cwd=REPO)
    assert new.code == old.code == 0
    assert json.loads(new.out) == json.loads(old.out)
    assert json.loads(new.out)["id"] == "verify-grad-student-thesis"
    assert deprecation_line("--json", "--format json") in old.err and not new.err
    yaml_out = esc("profile", "show", "verify-grad-student-thesis", cwd=REPO)
    assert yaml_out.out.startswith("# ") and "id: verify-grad-student-thesis" in yaml_out.out


def test_old_spellings_are_hidden_from_help(esc: EscRunner) -> None:
    for args, old in (
        (("iu", "extract"), "--format"),
        (("eval", "strategy"), "--bank"),
        (("profile", "show"), "--json"),
    ):
        shown = esc(*args, "--help", cwd=REPO).out
        assert f"  {old} " not in shown, args


@pytest.mark.parametrize("command", [("skill", "why"), ("skill", "show")])
def test_unknown_skill_ids_get_the_nearest_one(esc: EscRunner, command: tuple[str, str]) -> None:
    result = esc(*command, "reflect-feeling", cwd=REPO)
    assert result.code == 2
    assert "no skill 'reflect-feeling' (did you mean 'reflect-feelings'?)" in result.err


def test_unknown_profile_ids_get_the_nearest_one(esc: EscRunner) -> None:
    result = esc("profile", "show", "verify-grad-student-thesys", cwd=REPO)
    assert result.code == 2 and "(did you mean 'verify-grad-student-thesis'?)" in result.err


def test_latest_is_the_newest_run_wherever_a_run_is_expected(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    none_yet = esc("report", "latest", cwd=root)
    assert none_yet.code == 2 and "no run folder here, so 'latest' names none" in none_yet.err
    first = esc("sim", "run", "--seeds", "1", cwd=root)
    assert first.code == 0, first.err
    second = esc("sim", "run", "--seeds", "1", "--no-skills", cwd=root)
    assert "next: esc report latest" in second.err
    runs = sorted((root / "runs").iterdir(), key=lambda p: (p / "run.json").stat().st_mtime_ns)
    newest, older = runs[-1], runs[-2]
    report = esc("report", "latest", cwd=root)
    assert report.code == 0, report.err
    assert (newest / "report.html").is_file() and not (older / "report.html").exists()
    shown = esc("sim", "show", "latest~1", cwd=root)
    assert shown.code == 0 and json.loads((older / "run.json").read_text())["run_id"] in shown.out
    compared = esc("sim", "compare", "latest~1", "latest", "--format", "json", cwd=root)
    data = json.loads(compared.out)
    assert data["a"]["run"] == str(older) and data["b"]["run"] == str(newest)
    # `latest~1` and `latest` name the two runs in order: the change is b minus a over the pairs.
    changes = [p["b"] - p["a"] for p in data["pairs"]]
    assert changes and data["mean_change"] == pytest.approx(sum(changes) / len(changes), abs=0.01)
    analysed = esc("evolve", "analyze", "latest", "--format", "json", cwd=root)
    assert analysed.code == 0, analysed.err


def test_resume_finishes_the_latest_run(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    assert esc("sim", "run", "--seeds", "2", cwd=root).code == 0
    (run,) = (root / "runs").iterdir()
    whole = (run / "dialogues.jsonl").read_bytes()
    (run / "summary.json").unlink()
    (run / "dialogues.jsonl").write_bytes(whole.splitlines(keepends=True)[0])
    resumed = esc("sim", "run", "--seeds", "2", "--resume", "--out", "latest", cwd=root)
    assert resumed.code == 0, resumed.err
    assert (run / "dialogues.jsonl").read_bytes() == whole and (run / "summary.json").is_file()
    assert [p.name for p in (root / "runs").iterdir()] == [run.name]


def test_report_simulates_a_skills_folder_first(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    found = tmp_path / "found"
    shutil.copytree(root / "skills", found)
    done = esc("report", "--skills", str(found), cwd=root)
    assert done.code == 0, done.err
    (run,) = (root / "runs").iterdir()
    assert (run / "report.html").is_file() and f"simulated {found} into {run}" in done.out
    both = esc("report", "latest", "--skills", str(found), cwd=root)
    assert both.code == 2 and "--skills makes its own run" in both.err


def test_json_formats_for_lists_and_stats(esc: EscRunner, tmp_path: Path) -> None:
    skills = json.loads(esc("skill", "list", "--format", "json", cwd=REPO).out)
    assert {"id": "reflect-feelings"}.items() <= next(
        s for s in skills if s["id"] == "reflect-feelings"
    ).items()
    assert all(s["status"] == "active" for s in skills)
    profiles = json.loads(esc("profile", "list", "--format", "json", cwd=REPO).out)
    assert {p["id"] for p in profiles} >= {"verify-grad-student-thesis"}
    assert all(Path(p["path"]).is_file() for p in profiles)
    make_bank(tmp_path)
    stats = json.loads(esc("cache", "stats", "--format", "json", cwd=tmp_path).out)
    assert stats["entries"] == 0 and stats["path"].endswith("cache.sqlite")


def test_evolve_names_the_uncommitted_skill_edits_it_leaves_out(esc: EscRunner, tmp_path: Path) -> None:
    root = copy_bank(tmp_path / "bank", train=["train-bus-driver-grey-months"])
    commit_repo(root)
    edited = root / "skills" / "reflect-feelings.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n- One more pitfall.\n", encoding="utf-8")
    (root / "skills" / "new-draft.md").write_text("draft", encoding="utf-8")
    result = esc(
        "evolve", "--dry-run", "--rounds", "1", "--seeds", "1", "--out", str(tmp_path / "o"), cwd=root
    )
    assert result.code == 0, result.err
    notes = [line for line in result.err.splitlines() if line.startswith("note: evolving HEAD as committed")]
    assert len(notes) == 1
    assert "skills/new-draft.md" in notes[0] and "skills/reflect-feelings.md" in notes[0]
    git(root, "stash", "-u")
    clean = esc(
        "evolve", "--dry-run", "--rounds", "1", "--seeds", "1", "--out", str(tmp_path / "p"), cwd=root
    )
    assert clean.code == 0 and "uncommitted" not in clean.err


def test_evolve_a_skills_folder_without_a_branch(esc: EscRunner, tmp_path: Path) -> None:
    root = copy_bank(tmp_path / "bank", train=["train-bus-driver-grey-months"])
    commit_repo(root)
    folder = tmp_path / "found"
    shutil.copytree(root / "skills", folder)
    (folder / "crisis-safety-check.md").unlink()
    out = tmp_path / "out"
    result = esc(
        "evolve", "--skills", str(folder), "--rounds", "1", "--seeds", "1", "--out", str(out), cwd=root
    )
    assert result.code == 0, result.err
    assert "kept: restore-crisis-safety-check" in result.out
    assert f"branch: none (a skills folder: the evolved files are in {out / 'skills'})" in result.out
    assert (out / "skills" / "crisis-safety-check.md").is_file()
    assert git(root, "branch", "--list", "esc/evolve/*") == ""
    refused = esc("evolve", "--skills", str(folder), "--branch", "x", cwd=root)
    assert refused.code == 2 and "a skills folder evolves without a branch" in refused.err


def test_verify_takes_the_head_skills_from_a_folder(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    commit_repo(root)
    same = tmp_path / "same"
    shutil.copytree(root / "skills", same)
    unchanged = esc("skill", "verify", "--skills", str(same), cwd=root)
    assert unchanged.code == 0 and "nothing changed" in unchanged.out
    broken = tmp_path / "broken"
    shutil.copytree(root / "skills", broken)
    (broken / "crisis-safety-check.md").unlink()
    failed = esc("skill", "verify", "--skills", str(broken), cwd=root)
    assert failed.code == 1, failed.err
    assert "FAIL  lint" in failed.out and "verdict: fail" in failed.out
    assert (root / "skills" / "crisis-safety-check.md").is_file()  # the bank itself is untouched


def test_discover_write_prints_the_next_steps(esc: EscRunner, tmp_path: Path) -> None:
    root = _small_bank(tmp_path / "bank")
    ius = tmp_path / "ius.jsonl"
    assert esc("iu", "extract", str(FIXTURES / "hf" / "train.jsonl"), "-o", str(ius), cwd=root).code == 0
    found = tmp_path / "found"
    dry = esc("skill", "discover", str(ius), "--out", str(found), "--min-support", "1", cwd=root)
    assert dry.code == 0 and not found.exists() and "next:" not in dry.err
    wrote = esc("skill", "discover", str(ius), "--out", str(found), "--min-support", "1", "--write", cwd=root)
    assert wrote.code == 0, wrote.err
    assert f"next: esc sim run --skills {found}" in wrote.err
    assert esc("sim", "run", "--skills", str(found), "--seeds", "1", cwd=root).code == 0


def test_init_ignores_what_esc_writes(tmp_path: Path) -> None:
    init_bank(tmp_path / "new")
    lines = (tmp_path / "new" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"runs/", ".esc/", "ius*.jsonl"} <= set(lines)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / ".gitignore").write_text("node_modules/\nruns/", encoding="utf-8")
    init_bank(mine)
    kept = (mine / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert kept[:2] == ["node_modules/", "runs/"] and kept.count("runs/") == 1
    assert ".esc/" in kept and "ius*.jsonl" in kept
