"""Heading anchors of a note, the same for the page that shows the note and every link to it.

Each heading gets an explicit id (written as `{ #id }`), made like Python-Markdown's `toc`
slugs and made unique within the page, so `[[note#Heading]]` leads to the same anchor whatever
engine builds the site.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .block_refs import BLOCK_ID
from .tree import Node


@dataclass(frozen=True)
class Anchors:
    """What `#…` may point at in one note."""

    # Heading text, lower-cased → anchor id (the first one wins); also `a#b` for heading b
    # under heading a, as `[[note#A#B]]` names it (any ancestors, in order).
    headings: dict[str, str]
    by_node: dict[int, str]  # id(heading node) → anchor id
    blocks: frozenset[str]  # block ids, lower-cased

    def heading(self, text: str) -> str | None:
        """The anchor `#text` names: the heading as written (it may hold a `#` itself), else
        `A#B` as heading B under heading A."""
        return self.headings.get(text.strip().lower()) or self.headings.get(heading_path(text))


def slugify(text: str) -> str:
    """`Resolution Steps` → `resolution-steps`, as Python-Markdown's toc extension does."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", ascii_text) or "section"


def heading_key(raw: str) -> str:
    """The text a `[[note#…]]` link names a heading by: as written, any block id dropped."""
    return BLOCK_ID.sub("", raw).strip().rstrip("#").strip().lower()


def heading_path(heading: str) -> str:
    """The key `#A#B` (or `#A # B`) looks a heading up by."""
    return "#".join(part.strip() for part in heading.strip().lower().split("#") if part.strip())


def plain_text(nodes: list[Node]) -> str:
    """Inline nodes as the plain text a reader sees."""
    parts: list[str] = []
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline", "tag"):
            parts.append(node.content)
        elif node.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif node.type == "wikilink":
            link = node.meta["link"]
            parts.append(link.alias or link.target)
        elif node.children:
            parts.append(plain_text(node.children))
    return "".join(parts)


def find_anchors(tree: Node) -> Anchors:
    headings: dict[str, str] = {}
    by_node: dict[int, str] = {}
    blocks: set[str] = set()
    used: set[str] = set()
    ancestors: list[tuple[int, str]] = []  # (level, key) of the headings above this one
    for node in tree.walk():
        if node.type == "heading":
            inline = node.children[0] if node.children else None
            text = plain_text(inline.children) if inline else ""
            slug = base = slugify(BLOCK_ID.sub("", text).strip())
            counter = 0
            while slug in used:
                counter += 1
                slug = f"{base}_{counter}"
            used.add(slug)
            by_node[id(node)] = slug
            key = heading_key(inline.content if inline else "")
            headings.setdefault(key, slug)
            level = int(node.tag[1])
            while ancestors and ancestors[-1][0] >= level:
                ancestors.pop()
            keys = [k for _, k in ancestors]
            for chosen in range(1, 2 ** len(keys)):  # ≤ 5 ancestors: at most 31 paths
                path = [k for i, k in enumerate(keys) if chosen >> i & 1]
                headings.setdefault("#".join([*path, key]), slug)
            ancestors.append((level, key))
        elif node.type == "block_id":
            blocks.add(node.meta["id"].lower())
    return Anchors(headings, by_node, frozenset(blocks))
