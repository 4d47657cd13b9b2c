"""Prompt templates compiled once per process, for the simulation's hot loop.

`esc_cli.llm.prompts.render_prompt` compiles the template on every call (about 25 ms each for the
seeker and agent templates), which dominated the LLM path's overhead: 29 calls per dialogue, 100
dialogues. This renders with the same sandbox settings (no autoescape, StrictUndefined, variables as
data) but keeps the compiled template, keyed on the template file and its source text, so an edited
template is recompiled. Errors become the same one-line InputErrors.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.llm.prompts import prompt_path


@functools.lru_cache(maxsize=64)
def _compiled(folder: str, path: str, source: str) -> jinja2.Template:
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            path, f"template syntax: {exc.message}", where=f"line {exc.lineno}", fix="fix the template"
        ) from exc


def render(prompts_dir: Path, name: str, **variables: Any) -> str:
    """Render template `name` of `prompts_dir` with `variables`, compiling it at most once."""
    path = prompt_path(prompts_dir, name)
    template = _compiled(str(prompts_dir), str(path), read_text(path, what="prompt template"))
    try:
        return template.render(**variables)
    except jinja2.UndefinedError as exc:
        raise InputError(
            path, f"template uses an undefined variable: {exc.message}", fix="pass it or remove it"
        ) from exc
    except jinja2.TemplateError as exc:
        raise InputError(path, f"template failed: {exc.message}", fix="fix the template") from exc
