"""The hand-written pages (vault/*.md) and the home page: vault/index.md followed by the
dashboard."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import warning
from ..model import Page
from .boards import BY_STATUS, report_link
from .context import Site
from .kb import KB_INDEX, clean_tags, split_title
from .obsidian.escape import escape_text
from .paths import HOME, is_reserved
from .queues import DUE_SOON_QUEUE, FOLLOW_UPS_QUEUE, MINE, QUEUES_INDEX, queues
from .reports import dashboard
from .sla import sla_badges
from .staging import StagedFile
from .templates import front_matter, raw, render_markdown

HOME_SOURCE = "vault/index.md"


def pages(site: Site) -> Iterator[StagedFile]:
    """The hand-written pages other than the home page."""
    for page in site.vault.pages:
        if page.path == HOME_SOURCE:
            continue
        if is_reserved(page.path):
            site.problems.append(warning(page.path, 1, "reserved-page",
                                         "this name is taken by a generated page; rename it"))
            continue
        yield site.document_page(page, lambda p=page: vault_page(site, p))


def vault_page(site: Site, page: Page) -> StagedFile:
    target = site.page_of(page.path) or ""
    converted = site.convert(page)
    tags = clean_tags(page.tags, converted.tags)
    site.register_tags(target, page, tags)
    heading, body = split_title(converted.markdown, page.title)
    return StagedFile(target, front_matter(page.title, tags=tags) + f"{heading}\n\n{body}")


# Rows of each home-page list (breaches, due soon, follow-ups due): the most urgent first, the
# rest on the queue page. A desk with a backlog would otherwise get a page of thousands of rows
# (more than Zensical's search can index in one section, and more than anyone reads on a
# dashboard).
HOME_LIST_ROWS = 25


def home_page(site: Site) -> StagedFile:
    """vault/index.md, followed by the dashboard."""
    page = next((p for p in site.vault.pages if p.path == HOME_SOURCE), None)
    title = page.title if page else "Help desk"
    heading, body = ("# Help desk", "")
    if page is not None:
        heading, body = split_title(site.convert(page).markdown, page.title)
    active = [t for t in site.published_tickets() if t.is_active]
    badges = sla_badges(site, active)
    rows = []
    for name in site.vault.settings.priorities:
        tickets = [t for t in active if t.priority == name]
        rows.append({"priority": name, "open": len(tickets),
                     "breached": sum(1 for t in tickets if (b := badges.get(t.path))
                                     and b.state == "breached")})
    follow_ups_due = site.follow_ups_due()  # the longest waiting first
    follow_ups = [{"ticket": site.link_to(HOME, t), "title": t.title,
                   "due": t.follow_up.isoformat() if t.follow_up else "",
                   "assignee": t.assignee or "unassigned", "status": t.status or ""}
                  for t in follow_ups_due[:HOME_LIST_ROWS]]
    queue_links = [raw(f"[{escape_text(q.title)}]({site.url(HOME, q.page)}) ({len(q.tickets)})")
                   for q in queues(site) if not q.page.startswith(MINE + "/")]
    numbers = dashboard(site, HOME)
    lists = {name: {"rows": numbers[name][:HOME_LIST_ROWS], "total": len(numbers[name])}
             for name in ("breaches", "due_soon")}
    lists["follow_ups"] = {"rows": follow_ups, "total": len(follow_ups_due)}
    content = render_markdown(
        "home.md.j2", front_matter=raw(front_matter(title)), heading=raw(heading),
        queue_links=queue_links, queues_url=raw(site.url(HOME, QUEUES_INDEX)),
        follow_ups_url=raw(site.url(HOME, FOLLOW_UPS_QUEUE)),
        body=raw(body.strip("\n")), report_link=report_link(site, HOME),
        tickets_published=site.policy.tickets, open_by_priority=rows,
        dashboard=numbers, lists=lists, urgent_url=raw(site.url(HOME, DUE_SOON_QUEUE)),
        board_url=raw(site.url(HOME, BY_STATUS)), kb_url=raw(site.url(HOME, KB_INDEX)))
    return StagedFile(HOME, content)
