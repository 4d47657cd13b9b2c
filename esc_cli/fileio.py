"""Reading untrusted text files safely and writing outputs atomically.

Every reader in the project goes through `read_text` so that empty, binary, oversized and non-UTF-8
files fail the same way: one `InputError` naming the file and the fix. Writers go through
`atomic_write_text` so a crash never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import yaml
from pydantic import ValidationError

from esc_cli import yamlsafe
from esc_cli.errors import InputError
from esc_cli.secrets import scrub, scrub_bytes

DEFAULT_MAX_BYTES = 64 * 1024


def _umask_mode() -> int:
    """The mode a plain `open()` gives a new file (0666 less the umask), read once at import:
    reading the umask means setting it, which must not happen while threads write files."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


# mkstemp creates 0600 files; outputs get the mode a plain open() would give them.
_FILE_MODE = _umask_mode()


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def read_text(
    path: Path, *, max_bytes: int | None = DEFAULT_MAX_BYTES, what: str = "file", empty_fix: str | None = None
) -> str:
    """Read a UTF-8 text file, refusing missing, empty, oversized, binary and badly encoded files.

    `empty_fix` is the fix printed for an empty file. The default suits a file that lives in a bank
    or a profile folder ("write the skill file or delete it"); a file passed on the command line says
    what it should hold instead."""
    try:
        info = path.stat()
        size, mode = info.st_size, info.st_mode
    except FileNotFoundError as exc:
        raise InputError(path, f"no such {what}", fix="check the path") from exc
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}", fix="check the permissions") from exc
    if path.is_dir():
        raise InputError(path, f"is a folder, not {_article(what)} {what}", fix="pass a file")
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            path,
            f"{size} bytes is over the {max_bytes // 1024} KiB limit",
            fix="split or shorten the file",
        )
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        # /dev/zero and friends report size 0 and never end: the cap above cannot see them.
        raise InputError(path, f"is a device, not {_article(what)} {what}", fix="pass a regular file")
    try:
        with path.open("rb") as handle:  # a pipe has no size either: never read past the cap
            raw = handle.read(-1 if max_bytes is None else max_bytes + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}", fix=f"pass a readable {what}") from exc
    if max_bytes is not None and len(raw) > max_bytes:
        raise InputError(path, f"over the {max_bytes // 1024} KiB limit", fix="split or shorten the file")
    if not raw.strip():
        raise InputError(path, f"empty {what}", fix=empty_fix or f"write the {what} or delete it")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, f"UTF-16 text, not a UTF-8 {what}", fix="re-save the file as UTF-8")
    if b"\x00" in raw:
        raise InputError(path, f"binary data, not a text {what}", fix="save it as UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            fix="re-save the file as UTF-8",
        ) from exc
    return text.removeprefix("\ufeff")


if TYPE_CHECKING:
    SafeDumper = yaml.SafeDumper
else:
    # The base of our dumpers: libyaml's C emitter when PyYAML has it. With no line folding
    # (a large width) it writes the same text as the Python one; tests compare them on every skill.
    SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _constructor_problem(problem: str) -> tuple[str, str]:
    """The one line and fix for what the safe constructor refused."""
    if "tag:yaml.org,2002:merge" in problem:
        return "YAML merge keys ('<<') are not allowed", "write the values out in full"
    if "unhashable key" in problem:
        return "a mapping key that is a list or a mapping", "use a plain word or number as the key"
    if "constructor for the tag" in problem:
        return (
            f"YAML tag not allowed: {problem}",
            "use plain YAML values; tags that build objects are refused",
        )
    return f"YAML value not allowed: {problem}", "use plain YAML values"


def load_yaml(text: str, path: Path, *, line_offset: int = 0) -> Any:
    """Load YAML with the strict safe loader (`esc_cli.yamlsafe`), with errors that name the file and
    line. Python object tags, duplicate keys, anchors, aliases and deep nesting are refused."""
    try:
        return yamlsafe.safe_load(text)
    except yamlsafe.YamlRefused as exc:
        problem = exc.problem
        if exc.other_line is not None:
            problem = f"{problem}, first on line {exc.other_line + 1 + line_offset}"
        raise InputError(path, problem, where=f"line {exc.line + 1 + line_offset}", fix=exc.fix) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1 + line_offset}" if mark is not None else ""
        problem, fix = _constructor_problem(str(exc.problem or ""))
        raise InputError(path, problem, where=where, fix=fix) from exc
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark
        if "another document" not in str(exc.problem):
            raise InputError(path, f"malformed YAML: {exc.problem}", fix="fix the YAML syntax") from exc
        raise InputError(
            path,
            "a second YAML document ('---') in one file",
            where=f"line {mark.line + 1 + line_offset}" if mark is not None else "",
            fix="keep one document per file",
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1 + line_offset}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(path, f"malformed YAML: {problem}", where=where, fix="fix the YAML syntax") from exc
    except RecursionError:  # a deep flow collection nests inside the parser, before any node is composed
        raise InputError(
            path, "YAML nested too deeply", fix=f"flatten the structure (at most {yamlsafe.MAX_DEPTH} levels)"
        ) from None


def key_path(loc: Sequence[int | str]) -> str:
    """Render a pydantic location tuple as `applies_when.seeker_states[2]`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validation_errors(path: Path, exc: ValidationError, *, prefix: str = "") -> list[InputError]:
    """One InputError per pydantic error, each with its key path and a readable message."""
    found: list[InputError] = []
    for error in exc.errors():
        loc = [p for p in error["loc"] if p not in ("function-after",)]
        where = key_path([prefix, *loc] if prefix else loc)
        kind = error["type"]
        if kind == "extra_forbidden":
            message, fix = "unknown key", "remove it or check its spelling"
        elif kind == "missing":
            message, fix = "required key is missing", "add it"
        elif kind == "invalid_key":
            shown = "~ (null)" if loc and loc[-1] == "None" else str(loc[-1]) if loc else "?"
            where = key_path([prefix, *loc[:-1]] if prefix else loc[:-1])
            message = f"a key that is not text: {shown}"
            fix = "write every key as a word (quote it if it looks like a number or ~)"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            fix = ""
        found.append(InputError(path, message, where=where, fix=fix))
    return found


def describe_path(path: Path) -> str:
    """What stands at a path, in words: 'a file', 'a folder', 'a pipe', 'something else' or 'nothing'."""
    if path.is_symlink() and not path.exists():
        return "a dangling link"
    if not path.exists():
        return "nothing"
    if path.is_file():
        return "a file"
    if path.is_dir():
        return "a folder"
    return "a pipe" if path.is_fifo() else "something else (a device or a socket)"


def ensure_dir(path: Path, *, what: str = "output folder") -> Path:
    """Create `path` (and its parents) as a folder, or one `InputError` saying why it cannot be.

    A parent that is a file, a missing permission or a read-only disk is the user's path to fix,
    not a crash.
    """
    if path.exists() and not path.is_dir():
        raise InputError(path, f"is a file, not a folder (wanted as the {what})", fix="choose another path")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        problem = f"{blocker} is a file" if blocker else f"cannot create it: {exc.strerror or exc}"
        raise InputError(path, f"cannot be used as the {what}: {problem}", fix="choose another path") from exc
    return path


# Errors of a disk that cannot take more: full, over a quota or a file-size limit, read-only, failing.
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EIO})


@contextmanager
def disk_errors(path: Path) -> Iterator[None]:
    """Turn a full disk (or a file-size limit, a read-only disk) met while writing `path` into one
    InputError; other errors pass through."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _DISK_ERRNOS:
            raise
        raise InputError(
            path,
            f"cannot write: {exc.strerror or exc}",
            fix="free some disk space or write elsewhere, then run again",
        ) from None


@contextmanager
def _atomic(path: Path, *, binary: bool) -> Iterator[IO[Any]]:
    """A handle whose content replaces `path` only when the block ends without an error."""
    mode = "wb" if binary else "w"
    encoding, newline = (None, None) if binary else ("utf-8", "\n")
    if path.is_dir():
        raise InputError(path, "is a folder", fix="pass a file path to write")
    if path.exists() and not path.is_file():
        # A device or a pipe (/dev/null, /dev/stdout): write into it. Renaming a temporary file over
        # it would replace the device itself with a regular file.
        try:
            with path.open(mode, encoding=encoding, newline=newline) as stream:
                yield stream
        except OSError as exc:
            raise InputError(path, f"cannot write: {exc.strerror or exc}", fix="choose another path") from exc
        return
    ensure_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(
            path, f"cannot write: {exc.strerror or exc}", fix="check the permissions or choose another path"
        ) from exc
    try:
        with disk_errors(path), os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Scrubbing:
    """A text handle that scrubs known API key values out of everything written through it."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def write(self, text: str) -> int:
        return self._handle.write(scrub(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """A text handle whose content replaces `path` only when the block ends without an error; the
    values of known API keys are scrubbed out of what is written (`secrets.py`)."""
    with _atomic(path, binary=False) as handle:
        yield cast(IO[str], _Scrubbing(handle))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename (downloads, archives), with the
    values of known API keys scrubbed out (`secrets.py`)."""
    with _atomic(path, binary=True) as handle:
        handle.write(scrub_bytes(data))


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename, so readers never see half a file;
    the values of known API keys are scrubbed out (`secrets.py`)."""
    with atomic_writer(path) as handle:
        handle.write(text)
