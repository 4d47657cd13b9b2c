"""The exception tree. The core raises these; only `esc_cli.cli` turns them into messages.

    EscError                  base; exit_code 2 unless a subclass says otherwise
    ├── InputError            a file or value the user gave is unreadable or invalid (exit 2)
    ├── ConfigError           the bank or its [tool.esc] settings are missing or wrong (exit 2)
    ├── BackendError          a model backend failed for good (exit 2)
    │   └── MissingKeyError   the API key variable is not set (exit 2)
    ├── GitError              a git operation was refused or failed (exit 2)
    ├── IncompleteRun         some dialogues of a simulation failed; the others finished (exit 2)
    └── CheckFailed           a check ran and found problems: lint, verify, regression (exit 1)

Every message is one line that names the place (file, key path, line) and the fix.
"""

from __future__ import annotations

from pathlib import Path


class EscError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(EscError):
    """A file or value is unreadable or invalid. The message names the file, the place and the fix."""

    def __init__(self, path: str | Path | None, problem: str, *, where: str = "", fix: str = "") -> None:
        self.path = str(path) if path is not None else ""
        self.where = where
        self.problem = problem
        self.fix = fix
        head = self.path
        if where:
            head = f"{head} -> {where}" if head else where
        text = f"{head}: {problem}" if head else problem
        if fix:
            text = f"{text} ({fix})"
        super().__init__(text)


class ConfigError(EscError):
    """The bank root or its settings are missing or invalid."""


class BackendError(EscError):
    """A model backend failed and retrying will not help. `status` and `detail` are the HTTP status
    and the server's message when a server refused the call."""

    status: int | None = None
    detail: str = ""


class MissingKeyError(BackendError):
    """The environment variable that holds an API key is not set."""

    def __init__(self, variable: str, backend: str) -> None:
        super().__init__(
            f"{variable} is not set: the {backend} backend needs it "
            f"(export {variable}=..., or run that role on the offline engine, the default)"
        )
        self.variable = variable


class IncompleteRun(EscError):
    """Some dialogues of a simulation could not finish (their model calls failed for good); the
    others did. `failed` maps each failed dialogue's key to its error."""

    def __init__(self, message: str, failed: dict[str, str]) -> None:
        super().__init__(message)
        self.failed = failed


class GitError(EscError):
    """A git operation failed or would have touched user work."""


class CheckFailed(EscError):
    """A check ran to completion and found problems (lint rule, verify gate)."""

    exit_code = 1
