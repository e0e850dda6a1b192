"""The knowledge base: a page per entry (with the tickets that used it and related entries),
an index page per category, the KB home and the tag index."""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from markupsafe import Markup

from ..model import Document, KBEntry, Ticket, as_strings
from .context import Site
from .display import local_date
from .obsidian.escape import escape_text
from .obsidian.links import link
from .obsidian.tags import tag_anchor
from .paths import KB, TAGS_PAGE, staging_path
from .staging import StagedFile
from .templates import front_matter, listing_front_matter, raw, render_markdown

KB_INDEX = f"{KB}/index.md"
SEARCH_BOOST = 2  # KB entries and SOPs come first in search results
RELATED_LIMIT = 5
TAG_CHARACTERS = re.compile(r"[^\w/ .-]+")


@dataclass(frozen=True)
class Row:
    """A line of a listing: a link and what is shown beside it."""

    link: Markup
    title: str = ""
    updated: str = ""
    tags: tuple[str, ...] = ()
    status: str = ""
    opened: str = ""


def clean_tags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Tags safe for the theme's tag chips (which it writes unescaped), without duplicates."""
    cleaned: dict[str, None] = {}
    for group in groups:
        for tag in group:
            text = TAG_CHARACTERS.sub("", tag).strip()
            if text:
                cleaned.setdefault(text, None)
    return tuple(cleaned)


def split_title(markdown: str, title: str) -> tuple[str, str]:
    """The page's `# Title` line and the rest; a note without one gets its title."""
    first, _, rest = markdown.partition("\n")
    if first.startswith("# "):
        return first, rest.lstrip("\n")
    return f"# {escape_text(title)}", markdown


def category_folder(entry: KBEntry) -> str:
    return entry.folder or entry.category or "Other"


def pages(site: Site) -> Iterator[StagedFile]:
    entries = sorted(site.vault.kb, key=lambda e: (e.id or e.name))
    related = RelatedEntries(site, entries)
    for entry in entries:
        yield site.document_page(entry, lambda e=entry: entry_page(site, e, related))
    by_folder: defaultdict[str, list[KBEntry]] = defaultdict(list)
    for entry in entries:
        by_folder[category_folder(entry)].append(entry)
    order = [c for c in site.vault.settings.kb_categories if c in by_folder]
    order += sorted(set(by_folder) - set(order))
    for folder in order:
        yield category_page(site, folder, by_folder[folder])
    yield index_page(site, entries, order, by_folder)


def entry_page(site: Site, entry: KBEntry, related: RelatedEntries) -> StagedFile:
    page = site.page_of(entry.path) or ""
    converted = site.convert(entry)
    heading, body = split_title(converted.markdown, entry.title)
    tags = clean_tags(entry.tags, converted.tags)
    site.register_tags(page, entry, tags)
    zone = site.vault.settings.time_zone
    stale_after = timedelta(days=site.vault.settings.kb_stale_after_days)
    updated = entry.last_updated
    scripts = []
    script_path = entry.meta.get("script")
    script = site.script(str(script_path)) if isinstance(script_path, str) else None
    if script is not None:
        purpose = script.header_field("Purpose")
        scripts.append({"link": site.link_to(page, script, script.path),
                        "purpose": purpose[1] if purpose else ""})
    tickets = [d for d in site.links_to.get(entry.path, []) if isinstance(d, Ticket)]
    for value in as_strings(entry.meta.get("related")):
        document = site.resolve(value)
        if isinstance(document, Ticket) and document not in tickets:
            tickets.append(document)
    tickets.sort(key=lambda t: t.opened.isoformat() if t.opened else "", reverse=True)
    rows = [Row(site.link_to(page, t), t.title, status=t.status or "",
                opened=local_date(t.opened, zone)) for t in tickets] \
        if site.policy.tickets else []
    folder = category_folder(entry)
    category_link = raw(link(escape_text(folder), site.url(page, category_index(folder))))
    content = render_markdown(
        "kb_entry.md.j2",
        # No navigation sidebar: single entries are not in it (see paths.py), so it would
        # stand empty; the breadcrumb leads back instead.
        front_matter=raw(front_matter(entry.title, tags=tags, boost=SEARCH_BOOST,
                                      hide=("navigation",))),
        heading=raw(heading), body=raw(body.rstrip("\n")),
        breadcrumb=[raw(link("Knowledge base", site.url(page, KB_INDEX))), category_link],
        category_link=category_link, category_name=folder,
        entry={"id": entry.id or entry.name, "category": entry.category or "",
               "updated": local_date(updated, zone), "aliases": entry.aliases,
               "stale": updated is not None and site.now.date() - updated > stale_after},
        scripts=scripts, tickets=rows, unpublished_tickets=len(tickets),
        related=[Row(site.link_to(page, other), other.title) for other in related.of(entry)])
    return StagedFile(page, content)


def category_index(folder: str) -> str:
    """The staging path of a category's index page (the folder name made safe)."""
    return staging_path(f"kb/{folder}/index.md")


def category_page(site: Site, folder: str, entries: list[KBEntry]) -> StagedFile:
    page = category_index(folder)
    zone = site.vault.settings.time_zone
    rows = [Row(site.link_to(page, e), site.link_to(page, e, e.title),
                local_date(e.last_updated, zone), clean_tags(e.tags)) for e in entries]
    content = render_markdown(
        "kb_category.md.j2", front_matter=raw(listing_front_matter(folder)), title=folder,
        entries=rows, tags_url=raw(site.url(page, TAGS_PAGE)), kb_url=raw(site.url(page, KB_INDEX)))
    return StagedFile(page, content)


def index_page(site: Site, entries: list[KBEntry], order: list[str],
               by_folder: dict[str, list[KBEntry]]) -> StagedFile:
    zone = site.vault.settings.time_zone
    categories = [{"link": raw(link(escape_text(folder),
                                    site.url(KB_INDEX, category_index(folder)))),
                   "count": len(by_folder[folder])} for folder in order]
    recent = sorted((e for e in entries if e.last_updated), key=lambda e: e.last_updated,
                    reverse=True)[:10]
    content = render_markdown(
        "kb_index.md.j2", front_matter=raw(listing_front_matter("Knowledge base")),
        total=len(entries), categories=categories, tags_url=raw(site.url(KB_INDEX, TAGS_PAGE)),
        recent=[Row(site.link_to(KB_INDEX, e), e.title, local_date(e.last_updated, zone))
                for e in recent])
    return StagedFile(KB_INDEX, content)


# The tag index groups each tag's pages by what they are, in this order.
TAG_KINDS = (("kb", "KB entries"), ("sop", "Procedures"), ("page", "Pages"),
             ("ticket", "Tickets"), ("script", "Scripts"))


def tags_page(site: Site) -> StagedFile:
    """Every tag (front matter and inline `#tags`, one tag whatever its case) with the pages
    that carry it, grouped by kind, each group on one line: a compact index, not a wall."""
    tags = []
    labels = dict(TAG_KINDS)
    pages_tagged: set[str] = set()
    for name, uses in sorted(site.tagged.items(), key=lambda item: item[0].lower()):
        groups = []
        for kind, label in (*TAG_KINDS, *((k, k) for k in sorted({u[2] for u in uses})
                                           if k not in labels)):
            # By title, then page: two entries of one title came in the set's order, which
            # changes from run to run.
            chosen = sorted({(page, title) for page, title, used_kind in uses
                             if used_kind == kind}, key=lambda item: (item[1].lower(), item[0]))
            if chosen:
                groups.append({"label": label, "links": [
                    raw(f"[{escape_text(title)}]({site.url(TAGS_PAGE, page)})")
                    for page, title in chosen]})
        pages_tagged.update(page for page, _, _ in uses)
        tags.append({
            "name": name, "anchor": raw(tag_anchor(name)),
            "link": raw(f"[{escape_text(name)}](#{tag_anchor(name)})"),
            "count": len({page for page, _, _ in uses}), "groups": groups})
    content = render_markdown("tags.md.j2", front_matter=raw(listing_front_matter("Tags")),
                              tags=tags, pages=len(pages_tagged),
                              kb_url=raw(site.url(TAGS_PAGE, KB_INDEX)))
    return StagedFile(TAGS_PAGE, content)


class RelatedEntries:
    """Entries related to an entry: linked either way first, then those sharing most tags."""

    def __init__(self, site: Site, entries: list[KBEntry]) -> None:
        self.site = site
        self.entries = {entry.path: entry for entry in entries}
        self.by_tag: defaultdict[str, list[str]] = defaultdict(list)
        self.order: dict[str, str] = {}
        for path, entry in self.entries.items():
            self.order[path] = entry.id or path
            for tag in {t.lower() for t in entry.tags}:
                self.by_tag[tag].append(path)

    def of(self, entry: KBEntry) -> list[KBEntry]:
        scores: Counter[str] = Counter()
        linked: list[Document] = [d for d in self.site.links_to.get(entry.path, [])]
        linked += [d for link in entry.wikilinks
                   if (d := self.site.index.document(link.target)) is not None]
        linked += [d for value in as_strings(entry.meta.get("related"))
                   if (d := self.site.resolve(value)) is not None]
        for document in linked:
            if document.path in self.entries:
                scores[document.path] += 100
        for tag in {t.lower() for t in entry.tags}:
            scores.update(self.by_tag.get(tag, ()))
        scores.pop(entry.path, None)
        order = self.order
        ranked = heapq.nsmallest(RELATED_LIMIT, scores.items(),
                                 key=lambda item: (-item[1], order[item[0]]))
        return [self.entries[path] for path, _ in ranked]
