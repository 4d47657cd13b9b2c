"""Benchmark of the strict YAML loader (esc_cli/yamlsafe.py) against plain `yaml.safe_load`.

Loads every skill front matter and profile of the bank with each loader and prints the median of
several runs, so the cost of refusing duplicate keys, aliases and deep nesting is a figure: plain
`yaml.safe_load` (pure Python), the strict loader as esc reads with it (`yamlsafe.parse`: libyaml's
parser under the strict composer, no memo) and the strict pure-Python loader. Also times the refusal
of an alias bomb, which `safe_load` would expand.

    python bench/yaml_loader.py [--bank .] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from esc_cli import yamlsafe
from esc_cli.bank.files import split_front_matter

BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 9)
)


def documents(bank: Path) -> list[str]:
    """Every YAML document the bank holds: skill front matter and profile files."""
    texts = [
        split_front_matter(p.read_text(encoding="utf-8"), p)[0]
        for p in sorted((bank / "skills").glob("*.md"))
    ]
    return texts + [p.read_text(encoding="utf-8") for p in sorted((bank / "profiles").rglob("*.yaml"))]


def seconds(load: Callable[[str], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        load(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=Path("."))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    texts = documents(args.bank)
    loaders: tuple[tuple[str, Callable[[str], Any]], ...] = (
        ("yaml.safe_load", yaml.safe_load),
        ("yamlsafe.parse", yamlsafe.parse),
        ("strict, pure Python", lambda text: yaml.load(text, Loader=yamlsafe.StrictSafeLoader)),
    )
    for name, load in loaders:
        runs = [seconds(load, texts) for _ in range(args.runs)]
        print(
            f"{name:<20} {len(texts)} documents: median {statistics.median(runs) * 1000:.1f} ms over {args.runs} runs"
        )
    started = time.perf_counter()
    try:
        yamlsafe.parse(BOMB)
    except yamlsafe.YamlRefused as exc:
        print(
            f"alias bomb (9 levels of 9): refused in {(time.perf_counter() - started) * 1000:.2f} ms: {exc.problem}"
        )


if __name__ == "__main__":
    main()
