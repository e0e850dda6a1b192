"""Boards of open tickets: kanban columns by status, and the same cards by priority and by
assignee. Each card shows the id, priority, SLA state with time left, title, assignee and age.

The board is Markdown inside `<div markdown>` columns (md_in_html), so the engine still resolves
and checks every link; the layout comes from the site's stylesheet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from ..model import Ticket
from .context import Site
from .display import span
from .obsidian.escape import escape_text
from .paths import BOARDS, TICKETS
from .sla import SlaBadge, sla_badges
from .staging import StagedFile
from .templates import front_matter, raw, render_markdown

BY_STATUS = f"{BOARDS}/index.md"
BY_PRIORITY = f"{BOARDS}/by-priority.md"
BY_ASSIGNEE = f"{BOARDS}/by-assignee.md"
VIEWS = ((BY_STATUS, "By status"), (BY_PRIORITY, "By priority"), (BY_ASSIGNEE, "By assignee"))
UNASSIGNED = "unassigned"
NEEDS_FIXING = ("needs-fixing", "Needs fixing")  # the column of a status or priority unread
EMAIL = re.compile(r"^[^@\s<>\"'()]+@[^@\s<>\"'()]+\.[^@\s<>\"'()]+$")
SLA_ORDER = {"breached": 0, "at-risk": 1, "ok": 2, "paused": 3, "": 4}
# On a phone the columns stack, busiest first: the stylesheet orders ov-rank-0 … ov-rank-11;
# quieter columns follow in the board's own order.
RANKED_COLUMNS = 12


@dataclass(frozen=True)
class Card:
    ticket: Ticket
    id: Markup
    link: Markup
    title: str
    priority: str
    priority_class: Markup
    sla_state: Markup
    sla_text: str
    sla_title: Markup
    meta: str
    flaws: str  # what `check` would reject in the ticket, for its "needs fixing" line
    sort_key: tuple[object, ...]


def attribute(text: str) -> Markup:
    """A value for an HTML attribute that the board writes itself."""
    return Markup(html.escape(text, quote=True))


def css_name(text: str) -> Markup:
    """A class name or data key: letters, digits, `-` and `_` only."""
    return Markup(re.sub(r"[^\w-]", "", text))


def pages(site: Site) -> Iterator[StagedFile]:
    if not site.policy.tickets:
        return
    settings = site.vault.settings
    active = [t for t in site.vault.tickets if t.is_active]
    badges = sla_badges(site, active)
    cards = {page: [card(site, ticket, page, badges.get(ticket.path)) for ticket in active]
             for page, _ in VIEWS}
    statuses = [s for s in settings.statuses if settings.is_active(s)]
    yield board(site, BY_STATUS, "Open tickets by status", cards[BY_STATUS],
                _with_needs_fixing([(s, s.replace("-", " ").capitalize()) for s in statuses],
                                   any(t.status is None for t in active)),
                lambda c: c.ticket.status or NEEDS_FIXING[0])
    yield board(site, BY_PRIORITY, "Open tickets by priority", cards[BY_PRIORITY],
                _with_needs_fixing([(p.name, f"{p.name} {p.label}")
                                    for p in settings.priorities.values()],
                                   any(t.priority is None for t in active)),
                lambda c: c.ticket.priority or NEEDS_FIXING[0])
    handles = assignee_handles(site, active)
    names = {t.handle: t.name for t in site.vault.team.technicians}
    yield board(site, BY_ASSIGNEE, "Open tickets by assignee", cards[BY_ASSIGNEE],
                [(UNASSIGNED, "Unassigned")] + [(h, names.get(h) or h) for h in handles],
                lambda c: c.ticket.assignee or UNASSIGNED)


def assignee_handles(site: Site, active: list[Ticket]) -> list[str]:
    """Who open tickets can be assigned to: the active technicians in team order, then any
    other handle an open ticket names (so that no ticket falls off its board or queue)."""
    handles = [t.handle for t in site.vault.team.technicians if t.active]
    return handles + sorted({t.assignee for t in active if t.assignee} - set(handles))


def requester_spoke_last(ticket: Ticket) -> bool:
    """The newest Log line is the requester's (an email reply intake added): the ball is in
    the desk's court, which matters most on a ticket waiting on them or on a confirmation."""
    entries = ticket.log
    return bool(entries) and max(entries, key=lambda e: e.time).author == "requester"


def _with_needs_fixing(columns: list[tuple[str, str]], wanted: bool) -> list[tuple[str, str]]:
    """A first column for tickets whose value cannot be read, so that they are seen."""
    return [NEEDS_FIXING, *columns] if wanted else columns


def card(site: Site, ticket: Ticket, page: str, badge: SlaBadge | None) -> Card:
    settings = site.vault.settings
    priority = settings.priorities.get(ticket.priority or "")
    age = span(site.now - ticket.opened) if ticket.opened else ""
    who = ticket.assignee or "unassigned"
    state = badge.state if badge else ""
    priority_rank = list(settings.priorities).index(priority.name) if priority else 99
    status = ticket.status or "status unreadable"
    return Card(
        ticket=ticket, id=css_name(ticket.id or ticket.name),
        link=site.link_to(page, ticket),
        title=ticket.title,
        priority=priority.name if priority else "?",
        priority_class=css_name((priority.name if priority else "none").lower()),
        sla_state=css_name(state), sla_text=badge.text if badge else "",
        sla_title=attribute(badge.title if badge else ""),
        meta=(f"{who} · {status} · open {age}" if age else f"{who} · {status}")
        + (" · user replied" if requester_spoke_last(ticket) else ""),
        flaws="; ".join(ticket.flaws),
        sort_key=(SLA_ORDER.get(state, 3), badge.minutes_left if badge else 0, priority_rank,
                  ticket.opened.isoformat() if ticket.opened else ""))


def board(site: Site, page: str, title: str, cards: list[Card], columns: list[tuple[str, str]],
          column_of: Callable[[Card], str]) -> StagedFile:
    by_column: dict[str, list[Card]] = {key: [] for key, _ in columns}
    for item in cards:
        by_column.setdefault(column_of(item), []).append(item)
    known = {key for key, _ in columns}
    columns = columns + [(key, key) for key in by_column if key not in known]
    views = [{"link": raw(f"[{escape_text(label)}]({site.url(page, target)})"),
              "title": label, "current": target == page} for target, label in VIEWS]
    follow_ups = [Markup(f"{site.link_to(page, t)} ({t.follow_up.isoformat()})")
                  for t in sorted(site.follow_ups_due(), key=lambda t: t.id or "")
                  if t.follow_up is not None]
    shown = [{"key": css_name(key), "title": label,
              "cards": sorted(by_column[key], key=lambda c: c.sort_key)}
             for key, label in columns]
    busiest = sorted(shown, key=lambda column: -len(column["cards"]))  # stable: board order
    for rank, column in enumerate(busiest):
        column["rank"] = rank if rank < RANKED_COLUMNS else None
    content = render_markdown(
        "board.md.j2",
        front_matter=raw(front_matter(title, exclude_from_search=True,
                                      hide=("navigation", "toc"))),
        title=title, views=views, total=len(cards),
        as_of=site.as_of_text,
        archive_link=raw(f"[Queues]({site.url(page, f'{BOARDS}/queues/index.md')}) · "
                         f"[All tickets]({site.url(page, f'{TICKETS}/index.md')})"),
        report_link=report_link(site, page), follow_ups=follow_ups,
        columns=shown, busiest=[column for column in busiest if column["cards"]])
    return StagedFile(page, content)


def report_link(site: Site, page: str) -> Markup:
    """The "Report a problem" button: an email to the help desk, ready for email intake."""
    address = site.policy.report_email
    if not EMAIL.match(address):
        return Markup("")
    subject = quote("Problem: (what is not working)")
    body = quote("What happened:\n\nSince when:\n\nYour location / clinic:\n\n"
                 "Computer asset tag (e.g. LT-0231):\n\nHow many people are affected:\n")
    href = f"mailto:{quote(address, safe='@')}?subject={subject}&body={body}"
    return Markup(f"[Report a problem]({href}){{ .md-button .ov-report }}")
