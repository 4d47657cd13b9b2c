"""The `esc` entry point: the root group, its subcommand groups, and the one place errors become exits.

Exit codes: 0 ok, 1 a check failed or regressed, 2 bad input or usage, 3 a crash (with a log), 130 Ctrl-C.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

import click

from esc_cli import __version__
from esc_cli.cli.common import State, save_embedding_store
from esc_cli.cli.groups import ROOT, LazyGroup, load_all
from esc_cli.errors import EscError
from esc_cli.secrets import scrub

EXIT_CRASH = 3
EXIT_INTERRUPT = 130


@click.group(
    cls=LazyGroup,
    lazy=ROOT,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="esc")
@click.option(
    "--bank",
    "bank_path",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ESC_BANK",
    help="Bank root: a folder whose pyproject.toml has [tool.esc] (any other folder is an error; for a "
    "folder of skills, use the command's --skills). Default: found by walking up from here.",
)
@click.pass_context
def cli(ctx: click.Context, bank_path: Path | None) -> None:
    """ESC-Skills: emotional-support skills kept as code.

    \b
    The pipeline, each step a command group:
      esc iu extract     cut real support dialogues into Intervention Units
      esc skill discover turn Intervention Units into skill files with evidence
      esc sim run        talk the agent with simulated SAGE seekers and score it
      esc evolve         propose skill edits on a git branch, checked in simulation
      esc skill verify   the CI gate: base vs head on the verify profiles
      esc export claude  write Agent Skills folders for Claude-style agents

    Everything runs offline by default, with no network and no API key.
    This is a research tool, not a clinical tool.
    """
    ctx.obj = State(bank_path)


def _register() -> None:
    """Import every command now (they load on first use otherwise): for tools that walk the tree."""
    load_all(cli)


def _crash_log(exc: BaseException) -> Path:
    """Write the traceback to a log ready for a bug report; the terminal gets one line. The whole log
    is scrubbed of known API key values: a server may echo a key in an error body the traceback shows."""
    text = f"esc {__version__}\nargv: {sys.argv!r}\n\n" + "".join(traceback.format_exception(exc))
    with tempfile.NamedTemporaryFile("w", prefix="esc-crash-", suffix=".log", delete=False) as handle:
        handle.write(scrub(text))
    return Path(handle.name)


def _first(group: BaseExceptionGroup[BaseException], kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in a (nested) exception group, in the order they were raised."""
    for inner in group.exceptions:
        if isinstance(inner, kind):
            return inner
        if isinstance(inner, BaseExceptionGroup):
            found = _first(inner, kind)
            if found is not None:
                return found
    return None


def _unwrap(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """What a group stands for: its first esc error, else its first interrupt, else the group itself
    (a bug: it gets a crash log with every traceback in it)."""
    return _first(group, EscError) or _first(group, KeyboardInterrupt) or group


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map every outcome to an exit code. Returns the code (also used by tests)."""
    try:
        # Without standalone mode, click returns the code given to ctx.exit() instead of raising.
        try:
            returned = cli.main(args=argv, prog_name="esc", standalone_mode=False)
            save_embedding_store()
        except BaseExceptionGroup as group:
            # Concurrent work (asyncio task groups) raises groups; the user sees its first esc error.
            raise _unwrap(group) from None
    except EscError as exc:
        click.echo(f"error: {scrub(str(exc))}".replace("\n", " "), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_INTERRUPT
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPT
    except Exception as exc:
        log = _crash_log(exc)
        summary = scrub(" ".join(f"{type(exc).__name__}: {exc}".split()))
        click.echo(f"esc crashed: {summary} (details in {log}; please report it)", err=True)
        return EXIT_CRASH
    return returned if isinstance(returned, int) else 0


# esc's matrices are small (a batch of 32 embeddings at most), where OpenBLAS's worker threads spin
# without gaining time: a one-skill verify took 4.5 s of CPU for 2.7 s of wall with them and 2.5 s
# of CPU with one. A user's own setting wins. (The encoder's onnxruntime has its own threads.)
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}


def entry() -> None:
    """The `esc` script: one BLAS thread unless the user set it (numpy is not imported yet here)."""
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    sys.exit(main())
