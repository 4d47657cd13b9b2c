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


class RoleSettings(BaseModel):
    """Backend and model for one role (labeller, writer, agent, seeker, analyst)."""

    model_config = ConfigDict(extra="forbid")

    backend: EngineName | None = None
    model: str | None = None
    base_url: str | None = None


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
    workers: int | None = Field(
        default=None, ge=1, le=64, description="sim run: worker processes; unset: one per 48 calls in flight."
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


def load_bank(path: Path | None = None) -> Bank:
    """Locate the bank (walking up from `path` or the cwd) and validate its settings."""
    root = find_root(path)
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
    return Bank(root=root, settings=settings)
