"""Obsidian wikilinks (`[[target#heading|alias]]`, `![[embed]]`) as markdown-it-py tokens.

Parsing with markdown-it means links inside code spans and fences are never seen. A plain
regular expression is used instead when the text has no code at all, which is the common case
and several times faster on large vaults; both paths give the same result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parser is imported when first needed: most notes hold no code
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

# `[[target#heading|alias]]`; a `!` just before makes it an embed. Starting with the literal
# `[[` and using no lazy repeats lets the regex engine skip through text quickly.
WIKILINK = re.compile(
    r"\[\[(?P<target>[^\[\]\n|#]*)(?:#(?P<heading>[^\[\]\n|]*))?"
    r"(?:\|(?P<alias>[^\[\]\n]*))?\]\]"
)

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|mailto:)\S", re.I)


def _may_hold_code(text: str) -> bool:
    """Whether text may hold code (fences, spans, indented blocks) or raw HTML, where a
    `[[…]]` is not a link; only such text needs the real parser."""
    return ("`" in text or "~~~" in text or "<" in text or "\n    " in text or "\n\t" in text
            or text.startswith(("    ", "\t")))


@dataclass(frozen=True)
class WikiLink:
    """One `[[…]]` occurrence; `line` is 1-based within the parsed text."""

    target: str
    heading: str | None
    alias: str | None
    embed: bool
    line: int

    @property
    def is_external(self) -> bool:
        """`[[https://example.org|text]]`: a web address, not a note."""
        return EXTERNAL.match(self.target) is not None

    @property
    def raw(self) -> str:
        text = self.target + (f"#{self.heading}" if self.heading is not None else "")
        text += f"|{self.alias}" if self.alias is not None else ""
        return ("!" if self.embed else "") + f"[[{text}]]"


def _link_from_match(match: re.Match[str], line: int, embed: bool) -> WikiLink:
    target, heading, alias = match.groups()
    # In a table cell the alias pipe is escaped, `[[a\|b]]`: drop the backslash.
    if heading is not None:
        heading = heading.rstrip("\\").strip()
    target = target.rstrip("\\").strip() if heading is None else target.strip()
    return WikiLink(target, heading, alias.strip() if alias is not None else None, embed, line)


def wikilink_plugin(md: MarkdownIt) -> None:
    """Adds a `wikilink` inline token; `meta` holds the parsed `WikiLink` (line within block)."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        src = state.src
        embed = src.startswith("![[", start)
        if not embed and not src.startswith("[[", start):
            return False
        match = WIKILINK.match(src, start + embed)
        if match is None:
            return False
        if not silent:
            token = state.push("wikilink", "", 0)
            line = src.count("\n", 0, start) + 1
            token.meta = {"link": _link_from_match(match, line, embed)}
            token.content = src[start:match.end()]
        state.pos = match.end()
        return True

    md.inline.ruler.before("link", "wikilink", rule)
    md.inline.ruler.before("image", "wikilink_embed", rule)


@cache
def parser() -> MarkdownIt:
    """The shared CommonMark parser with tables, strikethrough and wikilinks."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(wikilink_plugin)


def find_wikilinks(text: str, first_line: int = 1) -> list[WikiLink]:
    """Every wikilink in Markdown text outside code; `first_line` is the line of `text[0]`."""
    if "[[" not in text:
        return []
    if not _may_hold_code(text):
        links = []
        line, counted_to = first_line, 0
        for match in WIKILINK.finditer(text):
            start = match.start()
            line += text.count("\n", counted_to, start)
            counted_to = start
            links.append(_link_from_match(match, line, start > 0 and text[start - 1] == "!"))
        return links
    links = []
    for block in parser().parse(text):
        if block.type != "inline" or not block.children or block.map is None:
            continue
        for token in block.children:
            if token.type == "wikilink":
                link: WikiLink = token.meta["link"]
                links.append(WikiLink(link.target, link.heading, link.alias, link.embed,
                                      first_line - 1 + block.map[0] + link.line))
    return links
