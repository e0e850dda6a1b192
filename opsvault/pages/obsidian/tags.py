"""Obsidian `#tags` in text: a `tag` inline token, shown on the site as a link to the tag index.

Like Obsidian, a tag starts after a space or at the start of a line, may hold letters, digits,
`_`, `-` and `/` (nested tags), and is not all digits (`#123` is not a tag).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

TAG = re.compile(r"#([\w/-]*[^\W\d][\w/-]*)")


def tag_plugin(md: MarkdownIt) -> None:
    """Adds the `tag` inline token; `meta["tag"]` is the tag without `#`."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != "#" or (start > 0 and not state.src[start - 1].isspace()):
            return False
        match = TAG.match(state.src, start)
        if match is None:
            return False
        if not silent:
            token = state.push("tag", "", 0)
            token.meta = {"tag": match.group(1).rstrip("/")}
            token.content = match.group(0)
        state.pos = match.end()
        return True

    md.inline.ruler.before("text", "obsidian_tag", rule)


def tag_anchor(tag: str) -> str:
    """The anchor of a tag's section on the tag index page."""
    return "tag-" + re.sub(r"[^\w-]+", "-", tag.lower()).strip("-")
