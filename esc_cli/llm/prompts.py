"""Rendering the bank's prompt templates (`prompts/*.j2`, Jinja2) and hashing them for run records.

Templates arrive in pull requests like skills do, so they render in Jinja2's sandbox and are read
through `fileio.read_text` (size, encoding and emptiness checks). Variables are data: a skill's text
passed in as a variable is inserted as it is and never rendered as a template itself, so `{{ }}`
inside a skill stays literal. Undefined variables are errors (StrictUndefined), and nothing is
HTML-escaped, since the output is a prompt.

Templates and everything they include, import or extend resolve inside the bank's prompts folder:
an absolute name, a `..` or a symlink that leads out (say to /proc/self/environ, which holds the API
keys) is refused with one line, so no template can put a file from elsewhere into a request.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jinja2 loads only when a prompt is rendered, to keep `esc` start-up fast
    import jinja2

from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.llm.base import Message, Request

TEMPLATE_SUFFIXES = ("", ".j2", ".md.j2", ".jinja")


def prompt_path(prompts_dir: Path, name: str) -> Path:
    """The template file for `name` ("agent" finds agent.j2), kept inside `prompts_dir`.

    Found once per state of the folder (its change time moves when an entry is added, removed or
    replaced): the simulation asks for every model call, and resolving each candidate costs several
    system calls. The file itself is still read every time, so an edited template takes effect."""
    try:
        stamp = prompts_dir.stat().st_mtime_ns
    except OSError:
        stamp = -1  # no folder: the search below says so
    return _find_prompt(prompts_dir, name, stamp)


@functools.lru_cache(maxsize=256)
def _find_prompt(prompts_dir: Path, name: str, stamp: int) -> Path:
    root = prompts_dir.resolve()
    for suffix in TEMPLATE_SUFFIXES:
        candidate = (root / f"{name}{suffix}").resolve()
        if not candidate.is_relative_to(root):
            raise InputError(
                prompts_dir / name, "prompt name points outside the prompts folder", fix="use a plain name"
            )
        if candidate.is_file():
            return candidate
    raise InputError(
        prompts_dir / f"{name}.j2",
        "no such prompt template",
        fix=f"create it, or check [tool.esc] prompts = {prompts_dir.name!r}",
    )


def confined_loader(folder: str) -> jinja2.BaseLoader:
    """A loader of the templates that resolve, symlinks followed, inside `folder`; any other name is
    refused with an InputError (a TemplateNotFound would tell the author nothing)."""
    import jinja2

    root = Path(folder).resolve()

    class Confined(jinja2.BaseLoader):
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            name = template.replace("\\", "/")
            inside = (root / name).resolve()
            if name.startswith("/") or PurePosixPath(name).is_absolute() or not inside.is_relative_to(root):
                raise InputError(
                    Path(folder) / name,
                    "a template may only include templates inside the prompts folder "
                    "(no absolute paths, no .., no symlinks that lead out)",
                    fix="copy what it needs into the prompts folder",
                )
            if not inside.is_file():
                raise jinja2.TemplateNotFound(template)
            source = read_text(inside, what="prompt template")
            mtime = inside.stat().st_mtime
            return source, str(inside), lambda: inside.exists() and inside.stat().st_mtime == mtime

    return Confined()


@functools.lru_cache(maxsize=64)
def _compiled(folder: str, path: str, source: str) -> jinja2.Template:
    """The compiled template, kept per (folder, file, source): an edited template compiles afresh.

    Compiling costs about 25 ms; the simulation renders a template for every model call.
    """
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=confined_loader(folder),
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


def render_prompt(prompts_dir: Path, name: str, **variables: Any) -> str:
    """Render the template `name` from `prompts_dir` with `variables`."""
    import jinja2

    path = prompt_path(prompts_dir, name)
    template = _compiled(str(prompts_dir), str(path), read_text(path, what="prompt template"))
    try:
        return template.render(**variables)
    except jinja2.TemplateNotFound as exc:
        raise InputError(
            path, f"template includes {exc.name!r}, which is not in the prompts folder", fix="create it"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise InputError(
            path, f"template uses an undefined variable: {exc.message}", fix="pass it or remove it"
        ) from exc
    except jinja2.TemplateError as exc:
        raise InputError(path, f"template failed: {exc.message}", fix="fix the template") from exc


def prompt_request(
    prompts_dir: Path,
    name: str,
    variables: Mapping[str, Any],
    *,
    system: str,
    schema: dict[str, Any],
    role: str,
    max_tokens: int,
    temperature: float = 0.0,
) -> Request:
    """A one-message request: template `name` rendered as the user's message, answered as JSON
    that matches `schema` (the shape of the labeller, skill writer, analyst and proposer calls)."""
    return Request(
        system=system,
        messages=(Message(role="user", content=render_prompt(prompts_dir, name, **variables)),),
        max_tokens=max_tokens,
        temperature=temperature,
        json_schema=schema,
        role=role,
    )


def prompt_hash(prompts_dir: Path, name: str) -> str:
    """A short hash of one template's source, recorded in runs to tell prompt versions apart."""
    path = prompt_path(prompts_dir, name)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def prompts_digest(prompts_dir: Path) -> str:
    """One hash over every template in the folder (names and contents), for a whole-run record."""
    digest = hashlib.sha256()
    if prompts_dir.is_dir():
        root = prompts_dir.resolve()
        for path in sorted(p for p in prompts_dir.rglob("*") if p.is_file()):
            digest.update(path.relative_to(prompts_dir).as_posix().encode("utf-8") + b"\0")
            # A link that leads out (say to /proc/self/environ or /dev/zero) is never read: no
            # template may include it, so only its name counts.
            inside = path.resolve().is_relative_to(root)
            digest.update((path.read_bytes() if inside else b"(outside the prompts folder)") + b"\0")
    return digest.hexdigest()[:16]
