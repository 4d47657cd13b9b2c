"""The one YAML loader of the project: `yaml.SafeLoader` with the limits hostile files need.

Skills and profiles arrive in pull requests from strangers, so on top of `safe_load` (no tags that
build objects) the loader refuses:
- duplicate keys in a mapping (YAML keeps the last one silently, so `status: draft` on line 5 and
  `status: active` on line 20 would pass review as a draft);
- anchors and aliases (`&a` / `*a`): a 29 KB file can expand to megabytes of loaded data;
- nesting deeper than `MAX_DEPTH` (Python's recursion limit would crash the loader);
- more than `MAX_NODES` nodes, so the loaded data stays as small as the text it came from;
- integers longer than `MAX_INT_DIGITS` digits (Python refuses to convert 4,300 and more) and lone
  surrogates in strings (`"\\ud800"`, which no UTF-8 file can hold and which would crash every writer).

The checks live in the composer and the constructor, which stay in Python. Where PyYAML was built
with libyaml, the scanning and parsing (most of the time) run in C: `StrictCLoader` takes libyaml's
events and composes them with the same checks; the pure-Python `StrictSafeLoader` is the fallback and
gives the same data (the tests compare both on every shipped file and on hostile ones). Errors are `YamlRefused`, which `fileio.load_yaml` turns into one line naming file and line.
What a text loads to is memoised (a deep copy goes to each caller): the verify gate reads the same
skills and profiles on base and head.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from esc_cli.jsonsafe import has_surrogate

MAX_DEPTH = 50
MAX_NODES = 20_000
MAX_INT_DIGITS = 100
MEMO_TEXTS = 1024


class YamlRefused(yaml.YAMLError):
    """A YAML document that parses but breaks one of the loader's limits.

    `line` is 0-based within the text given to the loader; `other_line` (also 0-based) names the
    earlier line of a duplicate key.
    """

    def __init__(self, problem: str, line: int, fix: str, other_line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.fix = fix
        self.other_line = other_line


class _Strict(Composer, SafeConstructor):
    """The checks, in front of the composer and the safe constructor of a loader that also has a
    parser (Python's or libyaml's) and a resolver."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser is the loader's other base
        line = event.start_mark.line if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(
                f"YAML alias '*{event.anchor}' not allowed", line, "write the value out in full"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(f"YAML anchor '&{anchor}' not allowed", line, "write the value out in full")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlRefused(
                f"more than {MAX_NODES} YAML values", line, "split the file or shorten its lists"
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlRefused(f"YAML nested more than {MAX_DEPTH} levels deep", line, "flatten the structure")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line
            try:
                first = seen.setdefault(key, line)
            except TypeError:  # an unhashable key: the base constructor names it
                continue
            if first != line:
                raise YamlRefused(
                    f"duplicate key '{key}'",
                    line,
                    "keep one of the two",
                    other_line=first,
                )
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise YamlRefused(
                f"a {digits}-digit integer is too long", node.start_mark.line, "write a smaller number"
            )
        return super().construct_yaml_int(node)

    def construct_yaml_str(self, node: ScalarNode) -> str:
        value = super().construct_yaml_str(node)
        if has_surrogate(value):
            raise YamlRefused(
                "a lone surrogate escape (like \\ud800) is not text",
                node.start_mark.line,
                "write the character itself, or one \\U escape for it (\\U0001F600, not \\ud83d\\ude00)",
            )
        return value


class StrictSafeLoader(_Strict, yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, anchors, aliases, deep nesting and huge documents."""


StrictSafeLoader.add_constructor("tag:yaml.org,2002:int", StrictSafeLoader.construct_yaml_int)  # type: ignore[type-var]
StrictSafeLoader.add_constructor("tag:yaml.org,2002:str", StrictSafeLoader.construct_yaml_str)  # type: ignore[type-var]
Loader: type[Any] = StrictSafeLoader

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml: the pure-Python loader does it all
    pass
else:

    class StrictCLoader(_Strict, CParser, Resolver):
        """libyaml's scanner and parser, with Python's composer (holding the checks) in front of its own."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

    StrictCLoader.yaml_constructors = dict(StrictSafeLoader.yaml_constructors)
    Loader = StrictCLoader


def _load(loader_class: type[Any], text: str) -> Any:
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse(text: str) -> Any:
    """Parse one YAML document now, with the strict loader (raises `yaml.YAMLError` subclasses). A
    text libyaml refuses is read again by the Python loader, so that errors read the same everywhere."""
    try:
        return _load(Loader, text)
    except yaml.YAMLError:
        if Loader is StrictSafeLoader:
            raise
        _load(StrictSafeLoader, text)  # raises its own error; if it does not, libyaml's stands
        raise


@functools.lru_cache(maxsize=MEMO_TEXTS)
def _parsed(text: str) -> Any:
    return parse(text)


def safe_load(text: str) -> Any:
    """`parse`, memoised per text (errors are not); each caller gets its own deep copy."""
    return copy.deepcopy(_parsed(text))
