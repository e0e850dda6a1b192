"""The Markdown writer: walks a note's syntax tree and writes Python-Markdown that means the same.

Python-Markdown differs from CommonMark in ways notes trip over, so every block is written out
again rather than copied: nested list content is indented by four spaces, blocks are separated
by blank lines (a list or table right after a paragraph), strikethrough becomes `<del>`,
indented code becomes a fence. Text is always escaped (`escape.py`); raw HTML from a note is
shown as text, except a few harmless tags without attributes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...diagnostics import Diagnostic, warning
from ...markdown_code import code_fence, code_span
from ...model import Document
from . import callouts, embeds, links
from .block_refs import block_anchor
from .escape import escape_lines, escape_text, escape_title
from .headings import heading_key
from .layout import indent, quote
from .tags import tag_anchor
from .tree import Node

if TYPE_CHECKING:
    from . import NoteConverter, Parsed

# Inline HTML tags a note may use, without attributes: they cannot run script or load anything.
SAFE_INLINE_HTML = re.compile(
    r"^</?(?:br|kbd|sub|sup|mark|u|ins|del|s|small|b|i|em|strong|abbr|var|samp)\s*/?>$", re.I)
# A level-2 section with this heading holds private notes (like `%% … %%`).
PRIVATE_HEADING = re.compile(r"^private(?: notes?)?$", re.I)
TASK = re.compile(r"^\[([ xX])\][ \t]+")


class Renderer:
    """Writes one note (or an embedded part of one) for one staging page."""

    def __init__(self, converter: NoteConverter, document: Document, page: str,
                 stack: tuple[tuple[str, str | None], ...] = (), in_embed: bool = False) -> None:
        self.converter = converter
        self.document = document
        self.page = page
        self.stack = stack  # embeds being rendered: (path, heading), for the loop guard
        self.in_embed = in_embed
        self.parsed: Parsed = converter.parsed(document)
        self.hidden = tuple(s for s in converter.site.hidden_strings(document) if s)
        self.problems: list[Diagnostic] = []
        self.tags: list[str] = []

    # --- entry points -----------------------------------------------------------------------

    def note(self, skip_sections: tuple[str, ...] = ()) -> str:
        nodes = list(self.parsed.tree.children)
        if not self.converter.show_private:
            nodes = drop_private_sections(nodes)
        if skip_sections:
            skipped = {name.lower() for name in skip_sections}
            nodes = drop_sections(nodes, lambda key: key in skipped)
        return self.blocks(nodes) + "\n"

    def section_items(self, section: str) -> dict[int, str]:
        items: dict[int, str] = {}
        wanted = section.lower()
        nodes = self.parsed.tree.children
        inside = False
        for node in nodes:
            if node.type == "heading" and int(node.tag[1]) <= 2:
                inside = node.tag == "h2" and node.children != [] and \
                    heading_key(node.children[0].content) == wanted
            elif inside and node.type in ("bullet_list", "ordered_list"):
                for item in node.children:
                    first = item.children[0] if item.children else None
                    if first is not None and first.type == "paragraph":
                        items[self.file_line(item)] = self.inline(first.children[0])
        return items

    def problem(self, line: int, code: str, message: str) -> None:
        self.problems.append(warning(self.document.path, line, code, message))

    def file_line(self, node: Node, offset: int = 0) -> int:
        """The file line of a line `offset` within a block node."""
        start = node.map[0] if node.map else 0
        return self.document.source.body_line + start + offset

    # --- blocks -----------------------------------------------------------------------------

    def blocks(self, nodes: list[Node], tight: bool = False) -> str:
        parts: list[str] = []
        for position, node in enumerate(nodes):
            following = nodes[position + 1] if position + 1 < len(nodes) else None
            if standalone_block_id(node) is not None:
                continue  # written before the block it names, below
            text = self.block(node)
            anchor = standalone_block_id(following) if following is not None else None
            if anchor is not None and not self.in_embed:
                text = f'<span id="{block_anchor(anchor)}"></span>\n\n{text}'
            if not text:
                continue
            if parts and tight and node.type in ("bullet_list", "ordered_list", "paragraph"):
                parts[-1] += "\n" + text
            else:
                parts.append(text)
        return "\n\n".join(parts)

    def block(self, node: Node) -> str:
        kind = node.type
        if kind == "paragraph":
            return self.paragraph(node)
        if kind == "heading":
            return self.heading(node)
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node, node.children)
        if kind == "blockquote":
            return callouts.render(self, node) or quote(self.blocks(node.children))
        if kind in ("fence", "code_block"):
            return code_fence(self.redact(node.content), node.info if kind == "fence" else "")
        if kind == "hr":
            return "---"
        if kind == "table":
            return self.table(node)
        if kind == "html_block":
            return escape_lines(self.redact(node.content.rstrip("\n")))
        if kind == "block_comment":
            if not self.converter.show_private or not node.content:
                return ""
            return '!!! note "Private note"\n\n' + indent(escape_lines(self.redact(node.content)))
        return ""

    def paragraph(self, node: Node) -> str:
        inline = node.children[0]
        if embeds.is_embed_only(inline):
            return embeds.render_block(self, inline)
        if any(child.type == "wikilink" and embeds.stands_alone(self, child.meta["link"])
               for child in inline.children):
            return self.split_paragraph(inline)
        text = self.inline(inline)
        block_id = trailing_block_id(inline)
        if block_id is not None and not self.in_embed:
            text = f'<span id="{block_anchor(block_id)}"></span>{text}'
        return text

    def split_paragraph(self, inline: Node) -> str:
        """A paragraph with a note, player or PDF embedded mid-sentence: the text before it,
        the embed as a block (as Obsidian shows it), then the text after it."""
        parts: list[str] = []
        segment: list[Node] = []
        line = start = 0

        def flush() -> None:
            text = self.inline_nodes(segment, inline, [start], True).strip()
            if text:
                parts.append(text)
            segment.clear()

        for child in inline.children:
            if child.type == "wikilink" and embeds.stands_alone(self, child.meta["link"]):
                flush()
                parts.append(embeds.embed(self, child.meta["link"],
                                          self.file_line(inline, line), block=True))
                start = line
                continue
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                if not segment:
                    start = line
                    continue
            segment.append(child)
        flush()
        return "\n\n".join(part for part in parts if part)

    def heading(self, node: Node) -> str:
        level = int(node.tag[1])
        text = self.inline(node.children[0]) if node.children else ""
        if self.in_embed:
            return "#" * level + " " + text
        anchor = self.parsed.anchors.by_node.get(id(node), "")
        return "#" * level + f" {text} {{ #{anchor} }}"

    def list(self, parent: Node, items: list[Node]) -> str:
        ordered = parent.type == "ordered_list"
        start = int(parent.attrGet("start") or 1) if ordered else 1
        tight = all(child.hidden for item in items for child in item.children
                    if child.type == "paragraph")
        rendered: list[str] = []
        numbers = range(start, start + len(items)) if items is parent.children else \
            [start + parent.children.index(item) for item in items]
        for number, item in zip(numbers, items, strict=True):
            marker = f"{number}." if ordered else "-"
            body = self.blocks(item.children, tight=tight) or "&nbsp;"
            task = TASK.match(item.children[0].children[0].content) \
                if item.children and item.children[0].type == "paragraph" else None
            if task is not None:
                # `[ ]` was escaped as text; pymdownx.tasklist wants it as written.
                body = re.sub(r"^\\\[([ xX])\\\][ \t]*", "", body)
                body = f"[{task.group(1)}] {body}"
            first, _, rest = body.partition("\n")
            rendered.append(f"{marker} {first}" + ("\n" + indent(rest) if rest else ""))
        return ("\n" if tight else "\n\n").join(rendered)

    def table(self, node: Node) -> str:
        rows: list[list[str]] = []
        aligns: list[str] = []
        for section in node.children:
            for row in section.children:
                cells = []
                for cell in row.children:
                    if section.type == "thead":
                        aligns.append(str(cell.attrGet("style") or ""))
                    text = self.inline(cell.children[0]) if cell.children else ""
                    cells.append(text.replace("\n", " ") or " ")
                rows.append(cells)
        if not rows:
            return ""
        rules = {"text-align:left": ":---", "text-align:right": "---:",
                 "text-align:center": ":---:"}
        lines = ["| " + " | ".join(rows[0]) + " |",
                 "| " + " | ".join(rules.get(a, "---") for a in aligns) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)

    # --- inline -----------------------------------------------------------------------------

    def inline(self, inline: Node, children: list[Node] | None = None) -> str:
        """Inline nodes as Markdown; line numbers of links come from the inline's block."""
        nodes = inline.children if children is None else children
        return self.inline_nodes(nodes, inline, [0], True).strip(" ")

    def inline_nodes(self, nodes: list[Node], block: Node,
                     line: list[int], line_start: bool) -> str:
        parts: list[str] = []
        for node in nodes:
            text = self.inline_node(node, block, line, line_start)
            if node.type in ("softbreak", "hardbreak"):
                line[0] += 1
                line_start = True
            elif text:
                line_start = False
            parts.append(text)
        return "".join(parts)

    def inline_node(self, node: Node, block: Node, line: list[int],
                    line_start: bool) -> str:
        kind = node.type
        if kind == "text":
            return escape_text(self.redact(node.content), line_start)
        if kind == "softbreak":
            return "\n"
        if kind == "hardbreak":
            return "  \n"
        if kind == "code_inline":
            return code_span(self.redact(node.content))
        if kind in ("em", "strong", "s", "mark"):
            inner = self.inline_nodes(node.children, block, line, False)
            if not inner.strip():
                return inner
            if kind == "s":
                return f"<del>{inner}</del>"
            if kind == "mark":  # ==highlight==
                return f"<mark>{inner}</mark>"
            mark = "*" if kind == "em" else "**"
            return f"{mark}{inner}{mark}"
        if kind == "link":
            return links.render_markdown_link(self, node, block, line)
        if kind == "image":
            return links.render_markdown_image(self, node, block, line)
        if kind == "wikilink":
            link = node.meta["link"]
            file_line = self.file_line(block, line[0])
            if link.embed:
                return embeds.render_inline(self, link, file_line)
            return links.render_wikilink(self, link, file_line)
        if kind == "tag":
            return self.tag(node.meta["tag"])
        if kind == "html_inline":
            if SAFE_INLINE_HTML.match(node.content.strip()):
                return node.content.strip().lower()
            return escape_text(self.redact(node.content), line_start)
        if kind == "inline_comment":
            if self.converter.show_private and node.content:
                return f"*{escape_text(self.redact(node.content))}*"
            return ""
        return ""  # block ids are written before their block

    def tag(self, tag: str) -> str:
        self.tags.append(tag)
        href = links.relative_url(self.page, self.converter.site.tags_page, tag_anchor(tag))
        return f"[\\#{escape_text(tag)}]({href})"

    def redact(self, text: str) -> str:
        """`text` without the document's hidden strings (requester contact data)."""
        for hidden in self.hidden:
            if hidden in text:
                text = text.replace(hidden, "[hidden]")
            elif hidden.lower() in text.lower():
                text = re.sub(re.escape(hidden), "[hidden]", text, flags=re.I)
        return text

    def title_text(self, text: str) -> str:
        return escape_title(self.redact(text))

    def inline_title(self, inline: Node, first_text: str, nodes: list[Node]) -> str:
        """A callout's title with its markup (`**bold**`, links, code) as one line of engine
        Markdown for inside `"…"`: `first_text` (the text after `[!type]`), then `nodes`."""
        text = escape_text(self.redact(first_text).replace('"', "”").replace("\n", " "))
        text += self.inline_nodes(nodes, inline, [0], not text)
        return " ".join(text.split())


def standalone_block_id(node: Node | None) -> str | None:
    """The id of a paragraph that is only `^id` (naming the block before it)."""
    if node is None or node.type != "paragraph" or not node.children:
        return None
    children = node.children[0].children
    if len(children) == 1 and children[0].type == "block_id":
        return str(children[0].meta["id"])
    return None


def trailing_block_id(inline: Node) -> str | None:
    children = inline.children
    if children and children[-1].type == "block_id":
        return str(children[-1].meta["id"])
    return None


def drop_private_sections(nodes: list[Node]) -> list[Node]:
    """The top-level blocks without `## Private` sections (up to the next level-1/2 heading)."""
    return drop_sections(nodes, lambda key: bool(PRIVATE_HEADING.match(key)))


def drop_sections(nodes: list[Node],
                  dropped: Callable[[str], bool]) -> list[Node]:
    """The top-level blocks without the level-2 sections whose heading `dropped` accepts."""
    kept: list[Node] = []
    skipping = False
    for node in nodes:
        if node.type == "heading" and int(node.tag[1]) <= 2:
            raw = node.children[0].content if node.children else ""
            skipping = node.tag == "h2" and dropped(heading_key(raw))
        if not skipping:
            kept.append(node)
    return kept
