"""Links: `[[target#heading|alias]]`, `[[note#^block]]`, `[text](path.md)` and `![alt](image)`.

A target resolves like Obsidian (file name, id or alias; case-insensitive; the shortest path
wins). A link to a published page becomes a relative `.md` link, which the engine turns into a
URL and checks; a link that leads nowhere is shown as such and reported with its file line.
Images from other hosts are shown as links, so that viewing the site requests nothing outside.
"""

from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ...model import Document
from ...wikilinks import WikiLink
from .block_refs import block_anchor
from .escape import escape_link_title, escape_text, escape_url
from .headings import plain_text, slugify
from .tree import Node

if TYPE_CHECKING:
    from .render import Renderer

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def relative_url(page: str, target: str, anchor: str = "") -> str:
    """The link from staging page `page` to staging file `target` (and `#anchor`)."""
    fragment = f"#{anchor}" if anchor else ""
    if target == page and anchor:
        return fragment
    return _relative_path(target, page.rpartition("/")[0]) + fragment


@lru_cache(maxsize=65536)
def _relative_path(target: str, folder: str) -> str:
    # Pages link to the same few folders over and over; relpath is slow enough to matter.
    return posixpath.relpath(target, folder or ".")


def unresolved(text: str, reason: str) -> str:
    """A link that leads nowhere, shown as such (styled by the site's CSS)."""
    return (f'<span class="ov-unresolved" title="{html.escape(reason, quote=True)}">'
            f"{text}</span>")


def link(text: str, href: str, title: str = "") -> str:
    title_part = f' "{escape_link_title(title)}"' if title else ""
    return f"[{text}]({escape_url(href)}{title_part})"


def display_text(wikilink: WikiLink) -> str:
    """What Obsidian shows for a link without an alias: `note`, `note > Heading`."""
    if wikilink.alias:
        return wikilink.alias
    if not wikilink.target:
        return (wikilink.heading or "").lstrip("^")
    # `[[note#A#B]]` reads "note > A > B"; a block id "note > ^id".
    heading = " > ".join(part.strip() for part in (wikilink.heading or "").split("#")
                         if part.strip())
    return wikilink.target + (f" > {heading}" if heading else "")


def heading_anchor(renderer: Renderer, document: Document, heading: str | None,
                   line: int) -> str:
    """The anchor of `#heading` or `#^block` in `document`; '' (and a problem) if missing."""
    if not heading:
        return ""
    anchors = renderer.converter.anchors(document)
    if heading.startswith("^"):
        if heading[1:].lower() in anchors.blocks:
            return block_anchor(heading[1:])
        renderer.problem(line, "unresolved-heading",
                         f"no block ^{heading[1:]} in {document.path}")
        return ""
    found = anchors.heading(heading)
    if found is None:
        renderer.problem(line, "unresolved-heading", f"no heading '{heading}' in {document.path}")
        return ""
    return found


def resolve(renderer: Renderer, target: str, line: int, raw: str) -> str | None:
    """The vault path `target` names, or None after reporting why it names none."""
    resolution = renderer.converter.index.resolve(target, renderer.document.path)
    if resolution.path is not None:
        return resolution.path
    if resolution.problem == "ambiguous":
        renderer.problem(line, "ambiguous-link",
                         f"{raw} matches several files: {', '.join(resolution.candidates)}")
    elif resolution.problem == "outside":
        renderer.problem(line, "link-outside-vault", f"{raw} points outside the vault")
    else:
        renderer.problem(line, "unresolved-link", f"{raw} matches no note, id or alias")
    return None


def page_or_asset(renderer: Renderer, path: str) -> str | None:
    """The staging file a vault path is published as (a page, a script page or a file)."""
    site = renderer.converter.site
    if path in renderer.converter.index.documents or path.startswith("scripts/"):
        return site.page_of(path)
    return site.asset(path)


def render_wikilink(renderer: Renderer, wikilink: WikiLink, line: int) -> str:
    if wikilink.is_external:  # [[https://example.org|text]]
        url = wikilink.target + (f"#{wikilink.heading}" if wikilink.heading else "")
        shown = wikilink.alias or url
        if renderer.redact(url) != url:
            return escape_text(renderer.redact(shown))
        return link(escape_text(renderer.redact(shown)), url)
    text = escape_text(renderer.redact(display_text(wikilink)))
    if not wikilink.target:  # [[#Heading]]: this very note
        document: Document | None = renderer.document
        path = renderer.document.path
    else:
        found = resolve(renderer, wikilink.target, line, wikilink.raw)
        if found is None:
            return unresolved(text, f"Unresolved link: {wikilink.raw}")
        path = found
        document = renderer.converter.index.documents.get(path)
    target = page_or_asset(renderer, path)
    if target is None:
        return text  # a page the publish policy keeps off the site: its name only
    anchor = heading_anchor(renderer, document, wikilink.heading, line) if document else ""
    anchor = anchor or renderer.converter.site.anchor_of(path)
    title = renderer.redact(document.title) if document else path.rpartition("/")[2]
    return link(text, relative_url(renderer.page, target, anchor), title)


def render_markdown_link(renderer: Renderer, node: Node, block: Node,
                         line: list[int]) -> str:
    text = renderer.inline_nodes(node.children, block, line, False)
    href = str(node.attrGet("href") or "")
    title = str(node.attrGet("title") or "")
    if href.startswith("#") or SCHEME.match(href) or href.startswith("//"):
        if renderer.redact(unquote(href)) != unquote(href):
            return text  # a mailto:/tel: link to hidden contact data
        return link(text, href, renderer.redact(title))
    file_line = renderer.file_line(block, line[0])
    path, target, anchor = local_target(renderer, href, file_line)
    if path is None:
        return unresolved(text, f"Unresolved link: {unquote(href)}")
    if target is None:
        return text
    return link(text, relative_url(renderer.page, target, anchor), renderer.redact(title))


def render_markdown_image(renderer: Renderer, node: Node, block: Node,
                          line: list[int]) -> str:
    alt = escape_text(renderer.redact(plain_text(node.children)))
    src = str(node.attrGet("src") or "")
    if src.startswith("data:"):
        return f"![{alt}]({escape_url(src)})"
    if SCHEME.match(src) or src.startswith("//"):
        # An image from another host would make every visit request it: link to it instead.
        return link(f"image: {alt}" if alt else "image", src)
    path, target, _ = local_target(renderer, src, renderer.file_line(block, line[0]))
    if path is None:
        return unresolved(alt or "image", f"Missing image: {unquote(src)}")
    if target is None:
        return alt
    return f"![{alt}]({escape_url(relative_url(renderer.page, target))})"


def local_target(renderer: Renderer, href: str,
                 line: int) -> tuple[str | None, str | None, str]:
    """A relative link's vault path, staging file (None if unpublished) and anchor.

    The path is taken relative to the note first, then as a name, as Obsidian does.
    """
    path_part, _, fragment = href.partition("#")
    path_part = unquote(path_part)
    fragment = unquote(fragment)
    base = posixpath.dirname(renderer.document.path)
    candidate = posixpath.normpath(posixpath.join(base, path_part))
    index = renderer.converter.index
    known = candidate in index.documents or index.resolve(candidate).path == candidate
    path = candidate if known else resolve(renderer, path_part.removesuffix(".md"), line,
                                           f"({href})")
    if path is None:
        return None, None, ""
    target = page_or_asset(renderer, path)
    document = index.documents.get(path)
    anchor = ""
    if fragment and document is not None:
        anchors = renderer.converter.anchors(document)
        anchor = anchors.headings.get(fragment.lower(), slugify(fragment))
    return path, target, anchor
