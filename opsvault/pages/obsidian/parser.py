"""The markdown-it parser for notes: CommonMark, tables, strikethrough and Obsidian syntax
(wikilinks, comments, tags, block ids, highlights)."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

from ...wikilinks import wikilink_plugin
from .block_refs import block_id_plugin
from .comments import comment_plugin
from .highlights import highlight_plugin
from .tags import tag_plugin
from .tree import Node, build_tree


@cache
def parser() -> MarkdownIt:
    return (MarkdownIt("commonmark").enable(["table", "strikethrough"])
            .use(wikilink_plugin).use(comment_plugin).use(tag_plugin).use(block_id_plugin)
            .use(highlight_plugin))


def parse(text: str) -> Node:
    """A note's body as a syntax tree."""
    return build_tree(parser().parse(text))
