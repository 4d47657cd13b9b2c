"""Why a git ref did not resolve, in one line with the fix. Pure text: `gitops` runs git and asks here.

Refs come from the command line and from CI (`origin/${{ github.base_ref }}`), so every form git
accepts can arrive: `@{-1}` (an earlier checkout), `HEAD@{1000 years ago}` (a reflog entry),
`@{upstream}` (the tracking branch), and plain names that a shallow clone does not hold.
"""

from __future__ import annotations

import re

_UPSTREAM = re.compile(r"@\{(u|upstream|push)\}", re.IGNORECASE)
_PREVIOUS = re.compile(r"@\{-(\d+)\}")
_REFLOG = re.compile(r"@\{[^}]*\}")

SHALLOW_FIX = "fetch the history: `git fetch --unshallow`, or `fetch-depth: 0` on actions/checkout"


def unresolved(ref: str, flag: str, *, shallow: bool) -> str:
    """The message for a ref that `git rev-parse --verify` refused."""
    given = f"'{ref}'" + (f" given to {flag}" if flag else "")
    if _UPSTREAM.search(ref):
        return (
            f"{given}: the branch has no upstream or push target "
            "(set one with `git branch --set-upstream-to=origin/main`, or name the base, e.g. origin/main)"
        )
    previous = _PREVIOUS.search(ref)
    if previous:
        return (
            f"{given}: this clone has no branch checked out {previous[1]} switch(es) ago "
            "(name the branch or commit instead)"
        )
    if _REFLOG.search(ref):
        return (
            f"{given}: the reflog holds no such entry "
            "(reflogs are local to a clone and expire; name a branch or commit instead)"
        )
    if shallow:
        return f"{given}: not in this shallow clone ({SHALLOW_FIX})"
    return (
        f"unknown git ref {given} "
        "(fetch it first, e.g. `git fetch origin`, or check the name with `git branch -a`)"
    )


def option_like(ref: str) -> bool:
    """A ref that git would read as an option, or no ref at all."""
    return not ref.strip() or ref.startswith("-")
