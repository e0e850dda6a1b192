"""Obsidian block ids: `text ^id` at the end of a paragraph or list item, or `^id` alone on the
line after a block; `[[note#^id]]` links to it and `![[note#^id]]` embeds it."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*$")


def block_id_plugin(md: MarkdownIt) -> None:
    """Adds the `block_id` inline token at the very end of a block; `meta["id"]` is the id."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != "^" or (start > 0 and not state.src[start - 1].isspace()):
            return False
        match = BLOCK_ID.match(state.src, start)
        if match is None or match.end() != len(state.src):
            return False
        if not silent:
            token = state.push("block_id", "", 0)
            token.meta = {"id": match.group(1)}
        state.pos = match.end()
        return True

    md.inline.ruler.before("text", "obsidian_block_id", rule)


def block_anchor(block_id: str) -> str:
    """The HTML id of a block: Obsidian's own `^id`, so that `#^id` works in a URL."""
    return "^" + block_id.lower()
