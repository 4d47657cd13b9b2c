"""A strict reading of the report's HTML with the stdlib parser: balanced tags, and the data-* cells.

The report writes every end tag, so any mismatch here is a real bug, not an HTML shorthand.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[dict[str, str]]
    text: str = ""
    chunks: list[str] = field(default_factory=list, repr=False)

    def inherited(self, name: str) -> str | None:
        """The attribute on this element or its nearest ancestor that has it."""
        for attrs in [self.attrs, *reversed(self.parents)]:
            if name in attrs:
                return attrs[name]
        return None


@dataclass
class Document:
    elements: list[Element] = field(default_factory=list)
    tags: Counter[str] = field(default_factory=Counter)
    doctype: str = ""

    def find(self, tag: str = "", **attrs: str) -> list[Element]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            e
            for e in self.elements
            if (not tag or e.tag == tag) and all(e.attrs.get(k) == v for k, v in wanted.items())
        ]

    def values(self, group: str) -> dict[str, dict[str, Any]]:
        """`{data-key: {data-field: value}}` of the cells under the element with `data-group=group`."""
        table: dict[str, dict[str, Any]] = {}
        for cell in self.elements:
            if (
                "data-field" in cell.attrs
                and "data-value" in cell.attrs
                and cell.inherited("data-group") == group
            ):
                key = cell.inherited("data-key")
                assert key is not None, f"cell {cell.attrs} has no data-key row"
                table.setdefault(key, {})[cell.attrs["data-field"]] = json.loads(cell.attrs["data-value"])
        return table


class StrictParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Document()
        self.stack: list[Element] = []

    def handle_decl(self, decl: str) -> None:
        self.doc.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, [e.attrs for e in self.stack])
        self.doc.elements.append(element)
        self.doc.tags[tag] += 1
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.doc.elements.append(Element(tag, {k: v or "" for k, v in attrs}, [e.attrs for e in self.stack]))
        self.doc.tags[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack, f"</{tag}> closes nothing at {self.getpos()}"
        top = self.stack.pop()
        assert top.tag == tag, f"</{tag}> closes <{top.tag}> at line {self.getpos()[0]}"
        top.text, top.chunks = "".join(top.chunks), []

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.chunks.append(data)


def parse(html: str) -> Document:
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert not parser.stack, f"unclosed: {[e.tag for e in parser.stack]}"
    return parser.doc
