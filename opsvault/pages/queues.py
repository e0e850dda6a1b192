"""Queues: the lists a technician works from, as Jira Service Management and Zammad open with.

Mine (one page per technician), unassigned, due soon or overdue, waiting on the requester,
and follow-ups due; an index with their counts. Each is a table of open tickets, most urgent
first by the same order as the boards' cards, and says the moment it was judged at. The SLA
states come from the metrics stage's clocks (`sla_badges`, `due_soon_horizon`): the site does
no clock arithmetic of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..metrics import BREACHED, PAUSED, open_clocks
from ..metrics.verdict import due_soon_horizon, is_due_soon
from ..model import Ticket
from .boards import BY_STATUS, UNASSIGNED, assignee_handles, card, requester_spoke_last
from .context import Site
from .display import local_time, span
from .obsidian.escape import escape_text
from .paths import BOARDS
from .sla import SlaBadge, sla_badges
from .staging import StagedFile
from .templates import front_matter, raw, render_markdown

QUEUES = f"{BOARDS}/queues"
QUEUES_INDEX = f"{QUEUES}/index.md"
UNASSIGNED_QUEUE = f"{QUEUES}/unassigned.md"
DUE_SOON_QUEUE = f"{QUEUES}/due-soon.md"
WAITING_QUEUE = f"{QUEUES}/waiting-on-user.md"
FOLLOW_UPS_QUEUE = f"{QUEUES}/follow-ups-due.md"
MINE = f"{QUEUES}/mine"


@dataclass(frozen=True)
class Queue:
    page: str
    title: str
    explanation: str  # one sentence under the heading: what is in it and in what order
    tickets: Sequence[Ticket]
    empty: str  # what the page says when nothing is in it
    extra: tuple[str, Callable[[Ticket], str]] | None = None  # a column of its own


def mine_page(handle: str) -> str:
    # Handles are checked against the team file; the name keeps only what a path may hold.
    return f"{MINE}/{''.join(c for c in handle if c.isalnum() or c in '-_.') or 'x'}.md"


def queues(site: Site) -> list[Queue]:
    """Every queue, in the order the index lists them (none when tickets are not published)."""
    if not site.policy.tickets:
        return []
    settings = site.vault.settings
    active = [t for t in site.vault.tickets if t.is_active]
    by_id = {t.id: t for t in active if t.id}
    horizon = due_soon_horizon(site.now, settings)
    clocks = open_clocks(site.facts)
    urgent_ids = {c.ticket_id for c in clocks if c.started <= site.now and (
        c.state == BREACHED or (c.minutes_left or 0) < 0 or is_due_soon(c, horizon))}
    waiting_since = {c.ticket_id: c.paused_periods[-1][0] for c in clocks
                     if c.state == PAUSED and c.paused_periods}
    zone = settings.time_zone
    found = [
        Queue(UNASSIGNED_QUEUE, "Unassigned",
              "Open tickets nobody has taken yet, most urgent first.",
              [t for t in active if not t.assignee], "Every open ticket has an assignee."),
        Queue(DUE_SOON_QUEUE, "Due soon or overdue",
              "Open tickets past an SLA target, at risk, or due within the next business day, "
              "most urgent first.",
              [by_id[i] for i in urgent_ids if i in by_id],
              "Nothing is overdue, at risk or due within the next business day."),
        Queue(WAITING_QUEUE, "Waiting on the requester",
              "Open tickets whose resolution clock is paused while the desk waits on the "
              "requester; \"user replied\" means the ball is back with the desk.",
              [t for t in active if t.status in settings.sla_pause_statuses],
              "No ticket is waiting on its requester.",
              ("Waiting since", lambda t: local_time(waiting_since.get(t.id or ""), zone))),
        Queue(FOLLOW_UPS_QUEUE, "Follow-ups due",
              "Tickets, resolved ones too, whose planned check-back with the requester has "
              "come, soonest first.",
              site.follow_ups_due(), "No follow-up is due.",
              ("Planned for", lambda t: t.follow_up.isoformat() if t.follow_up else "")),
    ]
    names = {t.handle: t.name for t in site.vault.team.technicians}
    for handle in assignee_handles(site, active):
        name = names.get(handle) or handle
        found.append(Queue(mine_page(handle), f"Assigned to {name}",
                           f"Open tickets assigned to {handle}, most urgent first.",
                           [t for t in active if t.assignee == handle],
                           f"Nothing open is assigned to {handle}."))
    return found


def pages(site: Site) -> Iterator[StagedFile]:
    found = queues(site)
    if not found:
        return
    badges = sla_badges(site, [t for t in site.vault.tickets if t.is_active])
    as_of = site.as_of_text
    for queue in found:
        yield queue_page(site, queue, badges, as_of)
    yield StagedFile(QUEUES_INDEX, render_markdown(
        "queues_index.md.j2",
        front_matter=raw(front_matter("Queues", exclude_from_search=True)),
        as_of=as_of,
        board_link=raw(f"[Board of open tickets]({site.url(QUEUES_INDEX, BY_STATUS)})"),
        shared=[_index_row(site, q) for q in found if not q.page.startswith(MINE + "/")],
        mine=[_index_row(site, q) for q in found if q.page.startswith(MINE + "/")]))


def _index_row(site: Site, queue: Queue) -> dict[str, object]:
    return {"link": raw(f"[{escape_text(queue.title)}]({site.url(QUEUES_INDEX, queue.page)})"),
            "count": len(queue.tickets), "explanation": queue.explanation}


def queue_page(site: Site, queue: Queue, badges: dict[str, SlaBadge], as_of: str) -> StagedFile:
    keep_order = queue.page == FOLLOW_UPS_QUEUE  # soonest first, as `follow_ups_due` gives
    cards = [card(site, t, queue.page, badges.get(t.path)) for t in queue.tickets]
    if not keep_order:
        cards.sort(key=lambda c: c.sort_key)
    rows = []
    for item in cards:
        ticket = item.ticket
        rows.append({
            "ticket": item.link, "title": ticket.title, "priority": item.priority,
            "status": ticket.status or "status unreadable",
            "assignee": ticket.assignee or UNASSIGNED,
            "sla": item.sla_text or "–",
            "age": span(site.now - ticket.opened) if ticket.opened else "",
            "extra": queue.extra[1](ticket) if queue.extra else "",
            "note": _note(ticket, item.flaws)})
    content = render_markdown(
        "queue.md.j2",
        front_matter=raw(front_matter(queue.title, exclude_from_search=True, hide=("toc",))),
        title=queue.title, explanation=queue.explanation, as_of=as_of, rows=rows,
        empty=queue.empty, extra=queue.extra[0] if queue.extra else "",
        queues_link=raw(f"[All queues]({site.url(queue.page, QUEUES_INDEX)})"),
        board_link=raw(f"[Board of open tickets]({site.url(queue.page, BY_STATUS)})"))
    return StagedFile(queue.page, content)


def _note(ticket: Ticket, flaws: str) -> str:
    notes = []
    if requester_spoke_last(ticket):
        notes.append("user replied")
    if flaws:
        notes.append(f"needs fixing: {flaws}")
    return "; ".join(notes)
