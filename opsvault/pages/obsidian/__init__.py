"""Obsidian notes → plain Markdown that MkDocs, ProperDocs and Zensical all render the same way.

The note is parsed with markdown-it-py (so code spans and fences are never touched) and written
out again block by block, one module per Obsidian feature:

- `links`: `[[target#heading|alias]]`, `[[note#^block]]`, Markdown links and images;
- `embeds`: `![[image.png|300]]`, `![[note]]`, `![[note#Section]]`, `![[note#^block]]`;
- `callouts`: `> [!tip]- Title` → admonitions (`!!!`) or collapsible blocks (`???`);
- `tags`: inline `#tags`, linked to the tag index;
- `comments`: `%% private %%`, dropped unless the publish policy shows private notes;
- `block_refs` and `headings`: anchors that links and embeds point at;
- `escape`: text, raw HTML included, as inert Markdown, so no note can run script on the site.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ...diagnostics import Diagnostic
from ...links import LinkIndex
from ...model import Document
from .headings import Anchors, find_anchors
from .parser import parse
from .render import Renderer
from .tree import Node

TREE_CACHE_SIZE = 64


class SiteMap(Protocol):
    """What the converter asks of the site being generated."""

    tags_page: str

    def page_of(self, vault_path: str) -> str | None:
        """The staging path of a document's or script's page; None when it is not published."""

    def asset(self, vault_path: str) -> str | None:
        """Publish a file (an image, a PDF) and return its staging path; None if not allowed."""

    def hidden_strings(self, document: Document) -> tuple[str, ...]:
        """Text of a document that must not be published (requester contact data)."""

    def anchor_of(self, vault_path: str) -> str:
        """Where on its page a document is, when it shares the page ('' for a page of its
        own): an archived ticket on its month's archive page."""


@dataclass(frozen=True)
class Converted:
    markdown: str
    problems: tuple[Diagnostic, ...]  # unresolved and ambiguous links, embed loops
    tags: tuple[str, ...]  # inline #tags, in order of first use


@dataclass(frozen=True)
class SectionItems:
    items: dict[int, str]  # file line of the item → its text as Markdown
    problems: tuple[Diagnostic, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Parsed:
    tree: Node
    anchors: Anchors


class NoteConverter:
    """Converts the notes of one vault; caches parse trees for embeds and heading links."""

    def __init__(self, index: LinkIndex, site: SiteMap, show_private: bool = False,
                 max_embed_depth: int = 3) -> None:
        self.index = index
        self.site = site
        self.show_private = show_private
        self.max_embed_depth = max_embed_depth
        # Trees are big: only the most recent are kept (embeds reuse them); anchors are small
        # and kept for every note that links point at.
        self._parsed: OrderedDict[str, Parsed] = OrderedDict()
        self._anchors: dict[str, Anchors] = {}

    def parsed(self, document: Document) -> Parsed:
        found = self._parsed.get(document.path)
        if found is None:
            tree = parse(document.body)
            found = Parsed(tree, find_anchors(tree))
            self._anchors[document.path] = found.anchors
            self._parsed[document.path] = found
            if len(self._parsed) > TREE_CACHE_SIZE:
                self._parsed.popitem(last=False)
        else:
            self._parsed.move_to_end(document.path)
        return found

    def anchors(self, document: Document) -> Anchors:
        found = self._anchors.get(document.path)
        return found if found is not None else self.parsed(document).anchors

    def forget(self, paths: Iterable[str]) -> None:
        """Drop what is cached about files that changed on disk."""
        for path in paths:
            self._parsed.pop(path, None)
            self._anchors.pop(path, None)

    def convert(self, document: Document, page: str,
                skip_sections: tuple[str, ...] = ()) -> Converted:
        """`document`'s body as engine Markdown for the staging page `page`, without the
        level-2 sections named in `skip_sections` (which a page may show its own way)."""
        renderer = Renderer(self, document, page)
        markdown = renderer.note(skip_sections)
        problems = tuple(sorted(set(renderer.problems)))
        return Converted(markdown, problems, tuple(dict.fromkeys(renderer.tags)))

    def section_items(self, document: Document, page: str, section: str) -> SectionItems:
        """Each list item of a level-2 section (a ticket's `## Log`) as one line of Markdown,
        by the item's file line."""
        renderer = Renderer(self, document, page)
        items = renderer.section_items(section)
        return SectionItems(items, tuple(sorted(set(renderer.problems))),
                            tuple(dict.fromkeys(renderer.tags)))
