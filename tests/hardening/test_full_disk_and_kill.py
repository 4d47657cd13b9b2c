"""Issue 18, items 8 (a full disk mid-write) and 12 (kill -9 during export): one line, nothing half-made.

A full disk is simulated with a file-size limit (RLIMIT_FSIZE) in a child process: every write past
the limit fails with EFBIG, as it would with ENOSPC on a full disk, without needing a tmpfs mount.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from testkit import REPO, EscRunner, make_bank, skill_text

FIXTURES = REPO / "tests" / "fixtures" / "dialogues" / "original"
FULL_DISK = "cannot write: File too large (free some disk space or write elsewhere, then run again)"
LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
{body}
"""


def _child(body: str, cwd: Path, limit: int = 2000) -> subprocess.CompletedProcess[str]:
    code = LIMITED.format(limit=limit, body=body)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _esc_child(args: list[str], cwd: Path, limit: int = 2000) -> subprocess.CompletedProcess[str]:
    return _child(f"from esc_cli.cli.main import main\nsys.exit(main({args!r}))", cwd, limit)


def test_iu_extract_on_a_full_disk_is_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "ius.jsonl"
    done = _esc_child(["iu", "extract", str(FIXTURES / "ESConv-mini.json"), "-o", str(out)], tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: {out}: {FULL_DISK}\n"
    assert list(tmp_path.iterdir()) == []  # no temporary file, no half file


def test_export_on_a_full_disk_is_one_line_and_keeps_the_earlier_export(
    tmp_path: Path, esc: EscRunner
) -> None:
    bank = make_bank(tmp_path / "bank")
    out = tmp_path / "out"
    assert esc("--bank", str(bank), "export", "claude", "--out", str(out)).code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (bank / "skills" / "sample-skill.md").write_text(
        skill_text(body="## Guidance\n\n" + "Listen closely. " * 400 + "\n"), encoding="utf-8"
    )
    done = _esc_child(["--bank", str(bank), "export", "claude", "--out", str(out)], tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: {out}: {FULL_DISK}\n"
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # every folder still the earlier export, the manifest too


def test_sim_on_a_full_disk_raises_the_one_line_error(tmp_path: Path, seed_bank: Path) -> None:
    # The CLI renders this error from inside the simulation's task group (issue 18, item 7 unwraps it).
    body = f"""
import asyncio
from pathlib import Path
from esc_cli.bank.load import load_skills
from esc_cli.errors import InputError
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.runfolder import run_config, run_to_folder
root = Path({str(seed_bank)!r})
skills, profiles = load_skills(root / "skills"), load_profile_set(root / "profiles" / "verify")
config = run_config(skills, profiles, 1, SimOptions(), profile_set="profiles/verify")
try:
    asyncio.run(run_to_folder(root / "run", skills, profiles, 1, SimOptions(), config))
except* InputError as group:
    print(group.exceptions[0])
"""
    done = _child(body, tmp_path, limit=6000)
    assert done.returncode == 0, done.stderr
    said = done.stdout.strip()
    assert said.startswith(f"{seed_bank / 'run' / 'dialogues.jsonl'}: cannot write the dialogue "), said
    assert "File too large" in said and "esc sim run --resume --out" in said
    assert not (seed_bank / "run" / "summary.json").exists()  # the run is not marked finished


def test_kill_9_during_the_export_swap_leaves_it_marked_unfinished(tmp_path: Path, esc: EscRunner) -> None:
    bank = make_bank(tmp_path / "bank", {f"skill-{n}": skill_text(f"skill-{n}") for n in range(6)})
    out = tmp_path / "out"
    assert esc("--bank", str(bank), "export", "claude", "--out", str(out)).code == 0
    for path in (bank / "skills").glob("skill-*.md"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8"
        )
    # SIGKILL after the third folder is swapped in: the rest are still at the old version.
    body = f"""
import os, signal
from esc_cli.export import write
real, count = write._swap_in, [0]
def swap_then_die(*args):
    real(*args)
    count[0] += 1
    if count[0] == 3:
        os.kill(os.getpid(), signal.SIGKILL)
write._swap_in = swap_then_die
from esc_cli.cli.main import main
main(["--bank", {str(bank)!r}, "export", "claude", "--out", {str(out)!r}])
"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run(
        [sys.executable, "-c", body], env=env, capture_output=True, text=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert not (out / ".esc-export.json").exists()
    refused = esc("--bank", str(bank), "import", "claude", str(out), "--out", str(tmp_path / "back"))
    assert refused.code == 2
    assert refused.err == (
        f"error: {out}: an unfinished export (no .esc-export.json: it was interrupted) "
        "(run `esc export claude` again to finish it)\n"
    )
    assert not (tmp_path / "back").exists()
    again = esc("--bank", str(bank), "export", "claude", "--out", str(out))
    assert again.code == 0, again.err
    manifest = json.loads((out / ".esc-export.json").read_text(encoding="utf-8"))
    assert len(manifest["entries"]) == 8  # six skills, the crisis skill and the umbrella
    versions = {
        re.search(r"esc-version: '(\d+)'", (p / "SKILL.md").read_text(encoding="utf-8"))[1]  # type: ignore[index]
        for p in out.glob("skill-*")
    }
    assert versions == {"2"}
    assert not [p for p in out.iterdir() if p.name.startswith(".esc-export-")]  # no staging debris


def test_sim_run_on_a_full_disk_at_its_first_file_is_one_line(tmp_path: Path, seed_bank: Path) -> None:
    out = tmp_path / "run"
    args = [
        "--bank",
        str(seed_bank),
        "sim",
        "run",
        "--profiles",
        "profiles/verify",
        "--seeds",
        "1",
        "--out",
        str(out),
    ]
    done = _esc_child(args, seed_bank, limit=200)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: {out / 'run.json'}: {FULL_DISK}\n"
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []
