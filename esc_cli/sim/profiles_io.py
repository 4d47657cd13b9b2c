"""Reading, checking, hashing and writing seeker profiles (`profiles/<set>/<id>.yaml`, DESIGN §5).

Profile files are untrusted text (they arrive in pull requests like skills do), so they are read through
`fileio.read_text` with a size cap and parsed with `safe_load` only. Every problem becomes one
`InputError` line that names the file and the key path. The model itself lives in `sim.profile`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from esc_cli import taxonomy
from esc_cli.config import TRAIN_SET, VERIFY_SET
from esc_cli.errors import InputError
from esc_cli.fileio import load_yaml, read_text, validation_errors
from esc_cli.iu import cues
from esc_cli.iu.labeller import normalise
from esc_cli.sim.profile import Profile

MAX_PROFILE_BYTES = 64 * 1024
PROFILE_SUFFIXES = (".yaml", ".yml")
CRISIS_RISKS = ("self-harm-ideation", "suicidal-ideation", "harm-from-others")
SAGE_INTENTIONS = tuple(i for i in taxonomy.INTENTION_IDS if i != "crisis-disclosure")
MAIN_PROBLEM_TYPES = (
    "ongoing depression",
    "job crisis",
    "breakup with partner",
    "problems with friends",
    "academic pressure",
)
MIN_CRISIS_PROFILES = 3
# Minimum sizes of the shipped sets (issue 5); other folders have no minimum.
SET_MINIMUMS = {TRAIN_SET: 24, VERIFY_SET: 16}


class ProfileErrors(InputError):
    """Several problems at once. The message is the first one plus a count; `.problems` holds all."""

    def __init__(self, problems: Sequence[InputError]) -> None:
        first = problems[0]
        more = len(problems) - 1
        fix = first.fix
        if more:
            hint = f"{more} more problem{'s' if more > 1 else ''}: run `esc profile lint`"
            fix = f"{fix}; {hint}" if fix else hint
        super().__init__(first.path or None, first.problem, where=first.where, fix=fix)
        self.problems = list(problems)


@dataclass(frozen=True)
class LoadedProfile:
    """A profile together with the file it came from (for messages that name the file)."""

    path: Path
    profile: Profile


# --- Finding files -------------------------------------------------------------------------------


def profile_files(path: Path) -> list[Path]:
    """The profile files under `path`: the file itself, or every YAML file below a folder, sorted.

    Hidden files and folders are skipped so editor backups and `.git` never load as profiles.
    """
    if not path.exists():
        raise InputError(path, "no such file or folder", fix="check the path")
    if path.is_file():
        return [path]
    found = [
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix in PROFILE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(path).as_posix())


# --- One file ------------------------------------------------------------------------------------


def check_profile_file(path: Path) -> tuple[Profile | None, list[InputError]]:
    """Parse and validate one file. Returns the profile (None if invalid) and every problem found."""
    try:
        data = load_yaml(read_text(path, max_bytes=MAX_PROFILE_BYTES, what="profile file"), path)
    except InputError as exc:
        return None, [exc]
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        problem = InputError(
            path, f"expected a mapping of profile keys, found {kind}", fix="see `esc profile schema`"
        )
        return None, [problem]
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        return None, validation_errors(path, exc)
    problems = consistency_problems(path, profile)
    return (profile if not problems else None), problems


def consistency_problems(path: Path, profile: Profile) -> list[InputError]:
    """Rules that span several keys, which the pydantic model cannot state field by field."""
    found: list[InputError] = []
    if path.stem != profile.id:
        found.append(
            InputError(
                path,
                f"id '{profile.id}' differs from the file name",
                where="id",
                fix=f"rename the file to {profile.id}{path.suffix} or change the id",
            )
        )
    in_crisis = profile.risk in CRISIS_RISKS
    if in_crisis and profile.crisis is None:
        found.append(
            InputError(
                path,
                f"risk '{profile.risk}' needs a crisis block",
                where="crisis",
                fix="add crisis.turn, crisis.cue and crisis.after_safety_check",
            )
        )
    if profile.crisis is not None and not in_crisis:
        found.append(
            InputError(
                path,
                f"a crisis block needs a crisis risk, not '{profile.risk}'",
                where="risk",
                fix=f"set risk to one of {', '.join(CRISIS_RISKS)}",
            )
        )
    if profile.intention == "crisis-disclosure" and not in_crisis:
        found.append(
            InputError(
                path,
                "intention 'crisis-disclosure' needs a crisis risk",
                where="risk",
                fix=f"set risk to one of {', '.join(CRISIS_RISKS)}",
            )
        )
    if profile.crisis is not None and _normalised(profile.crisis.cue) in _normalised(profile.first_message):
        found.append(
            InputError(
                path,
                "the crisis cue appears in the first message",
                where="first_message",
                fix="the cue must surface later in the chat, never in the opening",
            )
        )
    elif cues.STATE_CUES["crisis-risk"].search(normalise(profile.first_message)):
        # The seeker only judges crisis handling from crisis.turn on: an opening crisis cue would go
        # unjudged, so a reply that ignores it could never fail the safety gate.
        found.append(
            InputError(
                path,
                "the first message voices a crisis cue (self-harm or suicide)",
                where="first_message",
                fix="open without it; for a crisis-risk seeker set risk and a crisis block with crisis.turn >= 1",
            )
        )
    found.extend(_crisis_lines(path, profile))
    return found


def _crisis_lines(path: Path, profile: Profile) -> list[InputError]:
    """Band lines that voice a crisis cue. The seeker judges crisis handling only for its crisis block,
    so a cue hidden in an ordinary line would never be checked: it belongs in crisis.cue."""
    found: list[InputError] = []
    for band, lines in profile.lines.model_dump().items():
        for index, line in enumerate(lines):
            if cues.STATE_CUES["crisis-risk"].search(normalise(line)):
                found.append(
                    InputError(
                        path,
                        "this line voices a crisis cue (self-harm or suicide), which the simulation never checks here",
                        where=f"lines.{band}[{index}]",
                        fix="move it to crisis.cue with a crisis risk, or reword the line",
                    )
                )
    return found


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def load_profile(path: Path) -> Profile:
    """Load one profile file, raising `ProfileErrors` (all problems, the first in the message)."""
    profile, problems = check_profile_file(path)
    if problems or profile is None:
        raise ProfileErrors(problems)
    return profile


# --- A set ---------------------------------------------------------------------------------------


def check_profile_set(paths: Iterable[Path]) -> tuple[list[LoadedProfile], list[InputError]]:
    """Check every file under the given files and folders, plus duplicate ids across all of them."""
    loaded: list[LoadedProfile] = []
    problems: list[InputError] = []
    for root in paths:
        try:
            files = profile_files(root)
        except InputError as exc:
            problems.append(exc)
            continue
        for file in files:
            profile, found = check_profile_file(file)
            problems.extend(found)
            if profile is not None:
                loaded.append(LoadedProfile(file, profile))
    problems.extend(duplicate_id_problems(loaded))
    return loaded, problems


def duplicate_id_problems(loaded: Sequence[LoadedProfile]) -> list[InputError]:
    """One problem per repeated id, naming the file that had it first and the one that repeats it."""
    first_seen: dict[str, Path] = {}
    found: list[InputError] = []
    for item in loaded:
        earlier = first_seen.setdefault(item.profile.id, item.path)
        if earlier != item.path:
            found.append(
                InputError(
                    item.path,
                    f"duplicate profile id '{item.profile.id}', also in {earlier}",
                    where="id",
                    fix="give each profile its own id",
                )
            )
    return found


def load_profile_files(path: Path) -> list[LoadedProfile]:
    """Load a set (a folder, recursively, in sorted order, or one file) with the path of each profile."""
    loaded, problems = check_profile_set([path])
    if problems:
        raise ProfileErrors(problems)
    if not loaded:
        raise InputError(
            path, "no profile files (*.yaml) here", fix="pass a profiles folder such as profiles/verify"
        )
    return loaded


def load_profile_set(path: Path) -> list[Profile]:
    """Load a set: a folder (recursively, sorted by relative path) or a single profile file."""
    return [item.profile for item in load_profile_files(path)]


# --- Coverage of a set ---------------------------------------------------------------------------


def coverage_gaps(profiles: Sequence[Profile], *, minimum: int = 0) -> list[str]:
    """What a set lacks against the coverage rules of issue 5. An empty list means it is complete."""
    gaps: list[str] = []
    if len(profiles) < minimum:
        gaps.append(f"profile count {len(profiles)} is under the minimum of {minimum}")
    gaps += _missing("personality", taxonomy.PERSONALITY_IDS, (p.personality for p in profiles))
    gaps += _missing("intention", SAGE_INTENTIONS, (p.intention for p in profiles))
    gaps += _missing("problem type", MAIN_PROBLEM_TYPES, (p.problem_type for p in profiles))
    crisis = sum(1 for p in profiles if p.risk in CRISIS_RISKS)
    if crisis < MIN_CRISIS_PROFILES:
        gaps.append(f"{crisis} crisis-risk profiles, fewer than {MIN_CRISIS_PROFILES}")
    return gaps


def _missing(kind: str, wanted: Iterable[str], present: Iterable[str]) -> list[str]:
    have = set(present)
    return [f"no profile with {kind} '{value}'" for value in wanted if value not in have]


def set_minimum(folder: Path) -> int:
    """The minimum size of a set folder: train and verify have one, other folders none."""
    return SET_MINIMUMS.get(folder.name, 0)


def count_by(profiles: Iterable[Profile], key: str) -> dict[str, int]:
    """Counts of one profile field, most common first (ties by name) for stable reports."""
    counts = Counter(str(getattr(p, key)) for p in profiles)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --- Hash, schema, writer ------------------------------------------------------------------------


def profile_set_hash(profiles: Iterable[Profile]) -> str:
    """sha256 of the set as canonical JSON, ordered by id so file layout and load order do not matter."""
    records = sorted((p.model_dump(mode="json") for p in profiles), key=lambda r: str(r["id"]))
    canonical = json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def profile_json_schema() -> dict[str, Any]:
    """JSON Schema of a profile file for editors, with the taxonomy ids spelled out as enums."""
    schema = Profile.model_json_schema()
    properties = schema["properties"]
    # The ids are checked by validators the schema generator cannot see; enums give editors completion.
    properties["personality"]["enum"] = list(taxonomy.PERSONALITY_IDS)
    properties["intention"]["enum"] = list(taxonomy.INTENTION_IDS)
    properties["risk"]["enum"] = list(taxonomy.RISK_IDS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ESC-Skills seeker profile",
        **schema,
    }


def profile_schema_text() -> str:
    """The JSON Schema as the text `esc profile schema` prints or writes."""
    return json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"


class _ProfileDumper(yaml.SafeDumper):
    """A safe dumper that writes multi-line text as `|` blocks so backgrounds stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ProfileDumper.add_representer(str, _represent_str)


def dump_profile(profile: Profile) -> str:
    """The profile as YAML in model key order; `load_profile` reads it back to an equal profile."""
    data = profile.model_dump(mode="json", exclude_none=True)
    text: str = yaml.dump(data, Dumper=_ProfileDumper, sort_keys=False, allow_unicode=True, width=100)
    return text
