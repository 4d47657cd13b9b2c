"""The export manifest: written last, so an export without it is one that did not finish.

`esc export claude` removes `.esc-export.json` before it writes anything and writes it again only
when every folder (or archive) is in place. A run killed midway (kill -9, a full disk) leaves no
manifest, and `esc import claude` refuses such an export instead of reading a mix of old and new.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from esc_cli import __version__
from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text, read_text

MANIFEST = ".esc-export.json"
FIX = "run `esc export claude` again to finish it"


def start_export(out: Path) -> None:
    """Mark `out` as an export in progress: no manifest until it is complete."""
    (out / MANIFEST).unlink(missing_ok=True)


def finish_export(out: Path, written: Sequence[Path], bank_hash: str) -> Path:
    """Write the manifest naming everything this export wrote; the last file of every export."""
    body = {
        "tool": "esc",
        "version": __version__,
        "bank_hash": bank_hash,
        "entries": sorted(p.name for p in written),
    }
    atomic_write_text(out / MANIFEST, json.dumps(body, indent=2) + "\n")
    return out / MANIFEST


def check_complete(out: Path) -> None:
    """Refuse an export folder whose manifest is missing or unreadable (an unfinished export)."""
    path = out / MANIFEST
    if not path.is_file():
        raise InputError(out, f"an unfinished export (no {MANIFEST}: it was interrupted)", fix=FIX)
    try:
        body = json.loads(read_text(path, what="export manifest"))
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        raise InputError(path, "not a manifest esc wrote", fix=FIX)
