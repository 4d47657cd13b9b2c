"""Downloading ESConv and FailedESConv from their public repository, checked against known hashes.

Files, from github.com/thu-coai/Emotional-Support-Conversation at a pinned commit:

    ESConv.json         the 1,300 dialogues in the original layout, with per-turn feedback
    FailedESConv.json   the 196 failed dialogues
    strategy.json       the 8 strategy labels
    LICENSE             CC BY-NC 4.0

and the train/valid/test split the workflow reads (the Hugging Face export thu-coai/esconv, 70/15/15,
one dialogue a line), from a pinned commit of a repository that redistributes it unchanged:

    hf_splits/train.jsonl, hf_splits/valid.jsonl, hf_splits/test.jsonl

Each file is checked before it is kept: by sha256 where we have read the file ourselves, and by its
git blob hash (the hash GitHub itself names the file by) for ESConv.json. A file already in place
with the right hash is not downloaded again. `ESC_ESCONV_URL` or `--url` points at a mirror (the
tests serve fixture files from 127.0.0.1). The data is CC BY-NC 4.0: non-commercial use only.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from esc_cli.errors import EscError, InputError
from esc_cli.fileio import atomic_write_bytes, ensure_dir

UPSTREAM_REPO = "https://github.com/thu-coai/Emotional-Support-Conversation"
UPSTREAM_COMMIT = "f262d062ad74cb39b17ea476facc81568ddcba24"
DEFAULT_URL = f"https://raw.githubusercontent.com/thu-coai/Emotional-Support-Conversation/{UPSTREAM_COMMIT}"
URL_VARIABLE = "ESC_ESCONV_URL"
DEFAULT_DIR = Path("data/esconv")
TIMEOUT = 30.0
MAX_BYTES = 64 * 1024 * 1024

# The HF export of ESConv (thu-coai/esconv), byte for byte, kept in a public repository at this commit.
SPLITS_REPO = "https://github.com/Dantoro/project_therapy"
SPLITS_COMMIT = "72f2ccd4670a83c00611b90febbdf941be38516d"
SPLITS_URL = f"https://raw.githubusercontent.com/Dantoro/project_therapy/{SPLITS_COMMIT}/datasets/custom_corpus/esconv_data"

LICENCE_NOTICE = (
    "ESConv and FailedESConv (Liu et al., ACL 2021, CoAI Group, Tsinghua University) are licensed "
    "CC BY-NC 4.0: academic, non-commercial use only; cite the paper. Full text: LICENSE in the same folder. "
    "The hf_splits files are the Hugging Face export of the same data, under the same licence."
)


class FetchError(EscError):
    """A download failed or a file did not match its known hash (exit 2)."""


@dataclass(frozen=True)
class RemoteFile:
    """One file to fetch and how to check it: `sha256`, or `git_blob` (sha1 of 'blob <size>\\0' + bytes)."""

    name: str
    sha256: str = ""
    git_blob: str = ""
    url: str = ""
    """Where the file lives upstream, when not at the default base URL (a mirror holds every file by name)."""

    def matches(self, data: bytes) -> bool:
        if self.sha256:
            return hashlib.sha256(data).hexdigest() == self.sha256
        header = f"blob {len(data)}\0".encode()
        return hashlib.sha1(header + data).hexdigest() == self.git_blob


ESCONV_FILES: tuple[RemoteFile, ...] = (
    RemoteFile("ESConv.json", git_blob="2f7a69eeda505053eac68f9ab26fd728d0f6db31"),
    RemoteFile(
        "FailedESConv.json", sha256="d21bad5409d88ecbca18abfee26a8c188d09c34b03962cb53a4c30d8de95b279"
    ),
    RemoteFile("strategy.json", sha256="79d335ea4d5b2e460cf2f1ffab100b2d7486624f9554de7927713e941458c73c"),
    RemoteFile("LICENSE", sha256="82656a050544ab820c9aa7b61433f5181f8e80cacd042377140962a3e3eb5721"),
    *(
        RemoteFile(f"hf_splits/{split}.jsonl", sha256=digest, url=f"{SPLITS_URL}/{split}.json")
        for split, digest in (
            ("train", "e401fc5010879dfec7bb716caf072706877a6863dc9d775d39c7296d74feb4fc"),
            ("valid", "4458152869827ed82e2f0f4a0cdc3e6c33b224f03353f9f1b4ed93d24730b531"),
            ("test", "44ee8e25a5cd08149c9c114d9ddb4bdbb7c0d2f8d503b41a35a8fb4a7ce68777"),
        )
    ),
)


@dataclass(frozen=True)
class Fetched:
    name: str
    path: Path
    status: str  # "downloaded" or "present"
    size: int


def file_url(remote: RemoteFile, override: str | None = None) -> str:
    """Where to fetch one file: `override/name` from a mirror, else its own upstream URL."""
    mirror = override or os.environ.get(URL_VARIABLE)
    if remote.url and not mirror:
        return remote.url
    return f"{base_url(override)}/{remote.name}"


def base_url(override: str | None = None) -> str:
    """The URL files are fetched from: the flag, then $ESC_ESCONV_URL, then the pinned upstream."""
    return (override or os.environ.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")


def _by_hand(folder: Path) -> str:
    names = ", ".join(f.name for f in ESCONV_FILES[:2])
    return f"download {names} by hand from {UPSTREAM_REPO} and put them in {folder}/"


def _download(url: str, folder: Path) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason} ({_by_hand(folder)})") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot reach {url}: {reason} (offline? {_by_hand(folder)})") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url} is larger than {MAX_BYTES // 2**20} MiB; refusing it ({_by_hand(folder)})")
    return data


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except InputError as exc:
        problem = exc.problem.removeprefix("cannot write: ")
        raise FetchError(f"{path}: cannot write: {problem} (choose another --dir)") from None


def fetch_files(
    folder: Path,
    *,
    url: str | None = None,
    files: Sequence[RemoteFile] | None = None,
    on_file: Callable[[Fetched], None] | None = None,
) -> list[Fetched]:
    """Fetch every file (default: `ESCONV_FILES`) into `folder`, keeping only files whose hash matches."""
    root = base_url(url)
    if not root.startswith(("http://", "https://")):
        raise FetchError(f"{root}: only http and https URLs are fetched (check --url or ${URL_VARIABLE})")
    ensure_dir(folder, what="data folder")  # before any download, so a bad --dir costs no traffic
    done: list[Fetched] = []
    for remote in ESCONV_FILES if files is None else files:
        target = folder / remote.name
        if target.is_file() and remote.matches(target.read_bytes()):
            result = Fetched(remote.name, target, "present", target.stat().st_size)
        else:
            source = file_url(remote, url)
            data = _download(source, folder)
            if not remote.matches(data):
                raise FetchError(
                    f"{source}: checksum mismatch, the file differs from the known upstream "
                    f"version (nothing written; check the URL, or {_by_hand(folder)})"
                )
            _write(target, data)
            result = Fetched(remote.name, target, "downloaded", len(data))
        done.append(result)
        if on_file is not None:
            on_file(result)
    return done
