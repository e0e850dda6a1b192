"""Obsidian highlights: `==text==` becomes a `mark` inline node (the site shows `<mark>`).

As in Obsidian, the text may hold other inline markup (`==**bold** and [[links]]==`), must not
start or end with a space, and ends at the first `==` after it on the same paragraph.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline


def highlight_plugin(md: MarkdownIt) -> None:
    def rule(state: StateInline, silent: bool) -> bool:
        start, src = state.pos, state.src
        if not src.startswith("==", start) or start + 2 >= state.posMax \
                or src[start + 2] in " \t\n=":
            return False
        end = src.find("==", start + 3, state.posMax)
        if end == -1 or src[end - 1] in " \t\n":
            return False
        if not silent:
            state.push("mark_open", "mark", 1)
            limit = state.posMax
            state.pos, state.posMax = start + 2, end
            state.md.inline.tokenize(state)
            state.posMax = limit
            state.push("mark_close", "mark", -1)
        state.pos = end + 2
        return True

    md.inline.ruler.before("emphasis", "obsidian_highlight", rule)
