"""The dependency floors: every direct dependency that pyproject.toml declares as `name>=floor` (the
runtime list and the model extras).

    python .ci/floors.py            print them as name==floor, one a line
    python .ci/floors.py --check    check that each installed version is the floor's own release
                                    (3.3.1 for a floor of 3.3 when no 3.3 was released)
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

EXTRAS = ("openai", "anthropic")
# A floor (`name>=1.2`), or an exact pin (`name==1.0.0`, e.g. the encoder's model package, whose file
# is checked by sha256): a pin is its own floor.
_FLOOR = re.compile(r"^([A-Za-z0-9_.-]+)\s*(?:>=|==)\s*([0-9][0-9.]*)$")


def floors() -> dict[str, str]:
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())[
        "project"
    ]
    declared = list(project["dependencies"])
    for extra in EXTRAS:
        declared += project["optional-dependencies"][extra]
    found: dict[str, str] = {}
    for requirement in declared:
        match = _FLOOR.match(requirement.strip())
        if match is None:
            sys.exit(
                f"pyproject.toml: {requirement!r} has no plain >= floor or == pin (declare one, e.g. 'name>=1.2')"
            )
        found[match[1]] = match[2]
    return found


def _parts(text: str) -> list[int]:
    return [int(p) for p in re.sub(r"[^0-9.].*$", "", text).strip(".").split(".") if p]


def _is_floor(installed: str, floor: str) -> bool:
    """True when `installed` is a release of the floor's series: 6.0 for 6, 3.3.1 for 3.3, 1.40.0 for 1.40."""
    have, want = _parts(installed), _parts(floor)
    have += [0] * max(0, len(want) - len(have))
    return have[: len(want)] == want


def check() -> int:
    wrong = []
    for name, floor in floors().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            wrong.append(f"{name} is not installed")
            continue
        if not _is_floor(installed, floor):
            wrong.append(f"{name} {installed} is installed, not the floor {floor}")
        else:
            print(f"floor {name}=={installed}")
    for line in wrong:
        print(f"error: {line}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    print("\n".join(f"{name}=={floor}" for name, floor in floors().items()))
