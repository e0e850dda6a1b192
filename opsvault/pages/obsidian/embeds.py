"""Embeds: `![[image.png|300]]` shows the image, `![[clip.mp4]]` and `![[memo.mp3]]` a player,
`![[manual.pdf]]` a block that opens the document; `![[note]]`, `![[note#Section]]` and
`![[note#^block]]` transclude that note, section or block into the page, as Obsidian does (an
embed inside a sentence too: the sentence is split around it).

A transcluded part is written as a quote that starts with a link to its source. Embeds inside
embeds are followed up to a depth limit and never in a loop; either is reported.
"""

from __future__ import annotations

import html
import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import quote as quote_url

from ...model import Document
from ...wikilinks import WikiLink
from .callouts import CALLOUT
from .escape import escape_text, escape_url
from .headings import Anchors
from .layout import quote
from .links import display_text, link, page_or_asset, relative_url, resolve, unresolved
from .tree import Node, parents

if TYPE_CHECKING:
    from .render import Renderer

# SVG is not among them: it can carry script, so it is published as text (paths.ACTIVE_SUFFIXES).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif")
SIZE = re.compile(r"^(\d{1,4})(?:x(\d{1,4}))?$")
AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".ogg", ".oga", ".flac", ".3gp")
VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".mov", ".mkv")
PDF_SUFFIX = ".pdf"


def media_kind(path: str) -> str | None:
    """"audio", "video" or "pdf" for a file Obsidian plays or shows inline; else None."""
    lower = path.lower()
    if lower.endswith(AUDIO_SUFFIXES):
        return "audio"
    if lower.endswith(VIDEO_SUFFIXES):
        return "video"
    return "pdf" if lower.endswith(PDF_SUFFIX) else None


def stands_alone(renderer: Renderer, wikilink: WikiLink) -> bool:
    """Whether an embed is shown as a block of its own (a note, a player, a PDF), which
    splits a sentence around it; images stay inside the line."""
    if not wikilink.embed:
        return False
    if not wikilink.target:
        return True
    resolution = renderer.converter.index.resolve(wikilink.target, renderer.document.path)
    path = resolution.path or wikilink.target
    return resolution.path in renderer.converter.index.documents or media_kind(path) is not None


def is_embed_only(inline: Node) -> bool:
    """Whether a paragraph holds nothing but embeds (so they stand as blocks of their own)."""
    embeds = 0
    for node in inline.children:
        if node.type == "wikilink" and node.meta["link"].embed:
            embeds += 1
        elif node.type not in ("softbreak", "hardbreak") and not (
                node.type == "text" and not node.content.strip()):
            return False
    return embeds > 0


def render_block(renderer: Renderer, inline: Node) -> str:
    parts: list[str] = []
    line = 0
    for node in inline.children:
        if node.type in ("softbreak", "hardbreak"):
            line += 1
        elif node.type == "wikilink":
            file_line = renderer.file_line(inline, line)
            parts.append(embed(renderer, node.meta["link"], file_line, block=True))
    return "\n\n".join(part for part in parts if part)


def render_inline(renderer: Renderer, wikilink: WikiLink, line: int) -> str:
    return embed(renderer, wikilink, line, block=False)


def embed(renderer: Renderer, wikilink: WikiLink, line: int, block: bool) -> str:
    text = escape_text(renderer.redact(display_text(wikilink)))
    path = resolve(renderer, wikilink.target, line, wikilink.raw) if wikilink.target \
        else renderer.document.path
    if path is None:
        return unresolved(text, f"Unresolved embed: {wikilink.raw}")
    document = renderer.converter.index.documents.get(path)
    target = page_or_asset(renderer, path)
    if target is None:
        return text  # not published
    if document is None:
        if path.lower().endswith(IMAGE_SUFFIXES):
            return image(renderer, wikilink, path, target)
        kind = media_kind(path)
        if kind is not None:
            return media(renderer, wikilink, kind, path, target)
        return link(text, relative_url(renderer.page, target))
    if not block:
        return link(text, relative_url(renderer.page, target), document.title)
    return transclude(renderer, document, wikilink, target, line)


def image(renderer: Renderer, wikilink: WikiLink, path: str, target: str) -> str:
    """`![[photo.png|300]]` (a width), `![[photo.png|300x200]]` or `![[photo.png|caption]]`."""
    size = SIZE.match(wikilink.alias or "")
    alt = "" if size else escape_text(renderer.redact(wikilink.alias or ""))
    alt = alt or escape_text(path.rpartition("/")[2])
    markdown = f"![{alt}]({escape_url(relative_url(renderer.page, target))})"
    if size:
        height = f' height="{size.group(2)}"' if size.group(2) else ""
        markdown += f'{{ width="{size.group(1)}"{height} }}'
    return markdown


def media(renderer: Renderer, wikilink: WikiLink, kind: str, path: str, target: str) -> str:
    """A player for audio and video with a link to the file below it (for a browser that
    plays neither); a PDF as a block that opens it. A PDF is not framed into the page: one
    from an email attachment may carry script, and the site runs none of a note's.
    Raw HTML is not rewritten by the engine, so the player's URL is the one the built page
    needs: pages are served as folders (`page/`, the engines' default)."""
    name = path.rpartition("/")[2]
    label = renderer.redact(wikilink.alias or name)
    file_link = link(escape_text(label), relative_url(renderer.page, target))
    if kind == "pdf":
        return f"{file_link}{{ .ov-embed-pdf }}"
    url = html.escape(quote_url(page_relative_url(renderer.page, target)), quote=True)
    title = html.escape(label, quote=True)
    return (f'<{kind} class="ov-embed-{kind}" controls preload="metadata" src="{url}" '
            f'title="{title}"></{kind}>\n\n{file_link}')


def page_relative_url(page: str, target: str) -> str:
    """`target` from the built page of staging file `page` (`a/b.md` is served at `a/b/`,
    `a/index.md` at `a/`)."""
    folder = page.removesuffix(".md")
    if folder == "index" or folder.endswith("/index"):
        folder = folder.removesuffix("index").rstrip("/")
    url = posixpath.relpath(target, folder or ".")
    # `./` keeps a file name such as `javascript:x.mp4` a path, never a scheme.
    return url if url.startswith(".") else f"./{url}"


def transclude(renderer: Renderer, document: Document, wikilink: WikiLink, target: str,
               line: int) -> str:
    from .render import Renderer, drop_private_sections

    key = (document.path, (wikilink.heading or "").lower() or None)
    heading_link = link(escape_text(renderer.redact(display_text(wikilink))),
                        relative_url(renderer.page, target), document.title)
    if key in renderer.stack or (document.path == renderer.document.path and not wikilink.heading):
        renderer.problem(line, "embed-loop", f"{wikilink.raw} embeds itself; shown as a link")
        return heading_link
    if len(renderer.stack) >= renderer.converter.max_embed_depth:
        renderer.problem(line, "embed-depth",
                         f"{wikilink.raw} is nested more than "
                         f"{renderer.converter.max_embed_depth} embeds deep; shown as a link")
        return heading_link
    inner = Renderer(renderer.converter, document, renderer.page,
                     stack=(*renderer.stack, key), in_embed=True)
    nodes = select(inner.parsed.tree, wikilink.heading, inner.parsed.anchors)
    if nodes is None:
        renderer.problem(line, "unresolved-heading",
                         f"no {'block' if (wikilink.heading or '').startswith('^') else 'heading'}"
                         f" '{wikilink.heading}' in {document.path}")
        return unresolved(heading_link, f"Unresolved embed: {wikilink.raw}")
    if not renderer.converter.show_private:
        nodes = drop_private_sections(nodes)
    body = inner.blocks(nodes)
    renderer.problems.extend(inner.problems)
    renderer.tags.extend(inner.tags)
    if wikilink.heading:  # the link itself goes to the section or block
        anchor_link = link(escape_text(renderer.redact(display_text(wikilink))),
                           relative_url(renderer.page, target,
                                        _anchor(renderer, document, wikilink.heading)),
                           document.title)
        heading_link = anchor_link
    return quote(f"**{heading_link}**" + (f"\n\n{body}" if body else ""))


def _anchor(renderer: Renderer, document: Document, heading: str) -> str:
    from .block_refs import block_anchor

    if heading.startswith("^"):
        return block_anchor(heading[1:])
    return renderer.converter.anchors(document).heading(heading) or ""


def select(tree: Node, heading: str | None, anchors: Anchors) -> list[Node] | None:
    """The top-level blocks an embed shows: all, a heading's section (`#A#B`: heading B
    under A), or one block."""
    nodes = list(tree.children)
    if not heading:
        return nodes
    if heading.startswith("^"):
        return _block(tree, heading[1:].lower())
    wanted = anchors.heading(heading)
    for position, node in enumerate(nodes):
        if node.type == "heading" and wanted is not None and \
                anchors.by_node.get(id(node)) == wanted:
            level = int(node.tag[1])
            end = next((i for i in range(position + 1, len(nodes))
                        if nodes[i].type == "heading" and int(nodes[i].tag[1]) <= level),
                       len(nodes))
            return nodes[position:end]
    return None


def _block(tree: Node, block_id: str) -> list[Node] | None:
    parent_of = parents(tree)
    for node in tree.walk():
        if node.type != "block_id" or str(node.meta["id"]).lower() != block_id:
            continue
        inline = parent_of.get(id(node))
        paragraph = parent_of.get(id(inline)) if inline is not None else None
        container = parent_of.get(id(paragraph)) if paragraph is not None else None
        if inline is None or paragraph is None or container is None:
            return None
        if len(inline.children) == 1:  # `^id` alone names the block before it
            siblings = container.children
            position = siblings.index(paragraph)
            return [siblings[position - 1]] if position > 0 else None
        if container.type == "blockquote" and container.children[0] is paragraph and \
                CALLOUT.match(paragraph.children[0].content.lstrip() if paragraph.children
                              else ""):
            return [container]  # an id in a callout's first paragraph names the callout
        if container.type == "list_item":
            # The item alone, in a list of its own kind.
            listing = parent_of[id(container)]
            return [Node(listing.token, listing.type, [container])]
        return [paragraph]
    return None
