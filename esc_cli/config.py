"""Finding the bank root and reading its `[tool.esc]` settings from pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esc_cli.errors import ConfigError

ROLES = ("labeller", "writer", "agent", "seeker", "analyst")
# The two profile sets under the profiles folder: evolution trains on one, the verify gate uses the other.
TRAIN_SET = "train"
VERIFY_SET = "verify"
EngineName = Literal["offline", "anthropic", "openai", "scripted"]
# How an OpenAI-compatible server is asked for JSON (esc_cli/llm/jsonmode.py explains each).
JsonModeName = Literal["auto", "schema", "object", "prompt"]


class RoleSettings(BaseModel):
    """Backend and model for one role (labeller, writer, agent, seeker, analyst)."""

    model_config = ConfigDict(extra="forbid")

    backend: EngineName | None = None
    model: str | None = None
    base_url: str | None = None
    json_mode: JsonModeName | None = None
    timeout: float | None = Field(default=None, gt=0)


class Settings(BaseModel):
    """The `[tool.esc]` table of a bank's pyproject.toml. Paths are relative to the bank root."""

    model_config = ConfigDict(extra="forbid")

    skills: str = "skills"
    profiles: str = "profiles"
    prompts: str = "prompts"
    runs: str = "runs"
    cache: str = ".esc/cache.sqlite"
    engine: EngineName = "offline"
    concurrency: int = Field(default=8, ge=1, le=512)
    anthropic_model: str = "claude-sonnet-4-6"
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    max_attempts: int = Field(default=5, ge=1, le=20)
    timeout: float = Field(default=60.0, gt=0)
    json_mode: JsonModeName = "auto"
    key_env: list[str] = Field(
        default_factory=list,
        description="More environment variables holding keys; their values are scrubbed from every file esc writes.",
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="sim run: worker processes; unset: one per 100 calls in flight.",
    )
    batch_poll: float = Field(
        default=60.0, gt=0, le=3600, description="--batch: longest wait between two polls, in seconds."
    )
    roles: dict[str, RoleSettings] = Field(default_factory=dict)
    prices: dict[str, dict[str, float]] = Field(default_factory=dict)


class Bank(BaseModel):
    """A located bank: its root folder and settings, with resolved paths."""

    root: Path
    settings: Settings

    @property
    def skills_dir(self) -> Path:
        return self.root / self.settings.skills

    @property
    def profiles_dir(self) -> Path:
        return self.root / self.settings.profiles

    @property
    def prompts_dir(self) -> Path:
        return self.root / self.settings.prompts

    @property
    def runs_dir(self) -> Path:
        return self.root / self.settings.runs

    @property
    def cache_path(self) -> Path:
        return self.root / self.settings.cache

    @property
    def embeddings_path(self) -> Path:
        """The embedding store (`esc_cli.text.store`), beside the call cache."""
        from esc_cli.text.store import STORE_NAME

        return self.cache_path.parent / STORE_NAME


def _read_tool_table(pyproject: Path) -> dict[str, object] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read it as TOML: {exc} (fix the file)") from exc
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return None
    table = tool.get("esc")
    return table if isinstance(table, dict) else None


def find_root(start: Path | None = None) -> Path:
    """Walk up from `start` to the first folder whose pyproject.toml has a `[tool.esc]` table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _read_tool_table(candidate) is not None:
            return folder
    raise ConfigError(
        f"no bank found from {here}: no pyproject.toml with [tool.esc] above it "
        "(run inside a bank, pass --bank PATH, or create one with `esc init DIR`)"
    )


def _what_it_is(path: Path) -> str:
    """Name what a folder that is not a bank root holds, so the error says what was given."""
    if not path.exists():
        return "does not exist"
    if not path.is_dir():
        return "is a file, not a folder"
    if (path / "pyproject.toml").is_file():
        return "has a pyproject.toml without a [tool.esc] table"
    if any(path.glob("*.md")):
        return "is a skills folder (Markdown skill files), not a bank root"
    if any(path.glob("*/*.md")):
        return "holds skill files one level down (a discovered bank?) but no pyproject.toml with [tool.esc]"
    return "has no pyproject.toml with [tool.esc]"


def exact_root(path: Path) -> Path:
    """An explicit `--bank PATH` must be a bank root itself: never a folder inside another bank."""
    pyproject = path / "pyproject.toml"
    if path.is_dir() and pyproject.is_file() and _read_tool_table(pyproject) is not None:
        return path.resolve()
    raise ConfigError(
        f"--bank {path}: {_what_it_is(path)} (pass a bank root, a folder whose pyproject.toml has "
        "[tool.esc]; to simulate a folder of skills, use --skills DIR; to make a bank, `esc init DIR`)"
    )


def load_bank(path: Path | None = None, *, exact: bool = False) -> Bank:
    """Locate the bank and validate its settings.

    With `exact`, `path` must be the bank root (an explicit --bank); otherwise walk up from `path` or
    the cwd to the first bank root.
    """
    root = exact_root(path) if exact and path is not None else find_root(path)
    pyproject = root / "pyproject.toml"
    table = _read_tool_table(pyproject) or {}
    try:
        settings = Settings.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{pyproject} -> tool.esc.{where}: {first['msg']} (fix the [tool.esc] table)"
        ) from exc
    from esc_cli.secrets import register_key_variables

    register_key_variables(settings.key_env)
    return Bank(root=root, settings=settings)
