"""Old option spellings that keep working for one release, with one deprecation line on stderr.

An option renamed for "one meaning per option name" stays accepted under its old spelling until
`REMOVED_IN`. The old spelling is a hidden option of its own; the command never sees it: the wrapper
moves its value to the new parameter and prints, once, what to type instead.

    @renamed_option("--json", "--format json", dest="fmt", flag_value="json")
    def show(..., fmt: str) -> None: ...

The decorator must sit above (be applied after) the option that defines `dest`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

REMOVED_IN = "0.3"


def deprecation_line(old: str, new: str) -> str:
    """The one line an old spelling prints: what was typed, what to type, and when it goes."""
    return f"warning: {old} is deprecated and will be removed in esc {REMOVED_IN}; use {new}"


def renamed_option(
    old: str,
    new: str,
    *,
    dest: str,
    flag_value: object | None = None,
    multiple: bool = False,
    type: Any = None,
    metavar: str | None = None,
) -> Callable[[F], F]:
    """Accept `old` as a hidden alias of the parameter `dest`, printing the deprecation line when used.

    `flag_value`: the old spelling was a flag that meant `dest=flag_value` (`--json` -> `fmt="json"`).
    `multiple`: the old spelling could repeat; its values are appended to the new option's.
    """
    hidden_name = "deprecated_" + old.lstrip("-").replace("-", "_")

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            value = kwargs.pop(hidden_name, None)
            if value is not None and value != () and value is not False:
                click.echo(deprecation_line(old, new), err=True)
                if flag_value is not None:
                    kwargs[dest] = flag_value
                elif multiple:
                    kwargs[dest] = (*tuple(kwargs.get(dest) or ()), *value)
                else:
                    kwargs[dest] = value
            return function(*args, **kwargs)

        attrs: dict[str, Any] = {"hidden": True, "help": f"Deprecated: use {new}."}
        if flag_value is not None:
            attrs["is_flag"] = True
            attrs["default"] = False
        else:
            attrs["multiple"] = multiple
            attrs["default"] = () if multiple else None
            if type is not None:
                attrs["type"] = type
            if metavar is not None:
                attrs["metavar"] = metavar
        return click.option(old, hidden_name, **attrs)(wrapper)  # type: ignore[return-value]

    return decorate
