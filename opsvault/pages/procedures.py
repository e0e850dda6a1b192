"""Standard operating procedures: a page per SOP and the procedures index."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import SOP, as_text
from .context import Site
from .kb import SEARCH_BOOST, Row, clean_tags, split_title
from .paths import PROCEDURES
from .staging import StagedFile
from .templates import front_matter, listing_front_matter, raw, render_markdown

PROCEDURES_INDEX = f"{PROCEDURES}/index.md"


def pages(site: Site) -> Iterator[StagedFile]:
    procedures = sorted(site.vault.sops, key=lambda s: s.id or s.name)
    for sop in procedures:
        yield site.document_page(sop, lambda s=sop: procedure_page(site, s))
    rows = [{"link": site.link_to(PROCEDURES_INDEX, sop), "title": sop.title,
             "owner": as_text(sop.meta.get("owner")) or "",
             "review_every": as_text(sop.meta.get("review_every")) or ""}
            for sop in procedures]
    yield StagedFile(PROCEDURES_INDEX, render_markdown(
        "procedures_index.md.j2", front_matter=raw(listing_front_matter("Procedures")),
        procedures=rows))


def procedure_page(site: Site, sop: SOP) -> StagedFile:
    page = site.page_of(sop.path) or ""
    converted = site.convert(sop)
    heading, body = split_title(converted.markdown, sop.title)
    tags = clean_tags(sop.tags, converted.tags)
    site.register_tags(page, sop, tags)
    used_by = sorted((d for d in site.links_to.get(sop.path, []) if site.page_of(d.path)),
                     key=lambda d: (d.kind != "kb", d.id or d.name))
    content = render_markdown(
        "procedure.md.j2",
        front_matter=raw(front_matter(sop.title, tags=tags, boost=SEARCH_BOOST)),
        heading=raw(heading), body=raw(body.rstrip("\n")),
        sop={"id": sop.id or sop.name, "owner": as_text(sop.meta.get("owner")) or "",
             "review_every": as_text(sop.meta.get("review_every")) or ""},
        used_by=[Row(site.link_to(page, d), d.title) for d in used_by[:50]])
    return StagedFile(page, content)
