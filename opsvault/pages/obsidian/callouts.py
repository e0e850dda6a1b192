"""Callouts: `> [!warning] Title` → `!!! warning "Title"`; foldable `> [!tip]- Title` → a
collapsed `??? tip "Title"` and `> [!tip]+` → an open one (admonition and pymdownx.details,
which MkDocs with Material, ProperDocs and Zensical all render)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .escape import escape_text
from .headings import plain_text
from .layout import indent
from .tree import Node

if TYPE_CHECKING:
    from .render import Renderer

CALLOUT = re.compile(r"^\[!([\w-]+)\]([+-]?)[ \t]*(.*)$")
MARKER = re.compile(r"^[ \t]*\[![\w-]+\][+-]?[ \t]*")
# Obsidian's callout types and aliases → the admonition types the engines style (`todo`, which
# the theme lacks, is styled by the site's stylesheet).
TYPES = {
    "note": "note", "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info", "todo": "todo", "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success", "question": "question",
    "help": "question", "faq": "question", "warning": "warning", "caution": "warning",
    "attention": "warning", "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger", "bug": "bug", "example": "example",
    "quote": "quote", "cite": "quote",
}


def render(renderer: Renderer, node: Node) -> str | None:
    """The admonition for a callout quote, or None when the quote is not a callout."""
    first = node.children[0] if node.children else None
    if first is None or first.type != "paragraph" or not first.children:
        return None
    inline = first.children[0]
    head_end = next((i for i, child in enumerate(inline.children)
                     if child.type in ("softbreak", "hardbreak")), len(inline.children))
    match = CALLOUT.match(plain_text(inline.children[:head_end]).strip())
    if match is None:
        return None
    kind, fold, title = match.group(1).lower(), match.group(2), match.group(3).strip()
    # The engines read an admonition's title as Markdown (pymdownx.details even keeps raw
    # HTML in it): the title's own markup (bold, links, code) is rendered like any text, and
    # all else is escaped.
    head = inline.children[:head_end]
    marker = MARKER.match(head[0].content) if head and head[0].type == "text" else None
    if title and marker is not None:
        rest_of_first = head[0].content[marker.end():]
        title = renderer.inline_title(inline, rest_of_first, head[1:])
    else:
        title = escape_text(renderer.title_text(title or kind.replace("-", " ").capitalize()))
    opener = {"": "!!!", "-": "???", "+": "???+"}[fold]
    parts: list[str] = []
    rest = inline.children[head_end + 1:]
    if rest:
        parts.append(renderer.inline(inline, rest))
    body = "\n\n".join(p for p in [*parts, renderer.blocks(node.children[1:])] if p)
    header = f'{opener} {TYPES.get(kind, "note")} "{title}"'
    return header + (f"\n\n{indent(body)}" if body else "")
