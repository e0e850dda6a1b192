"""Ticket pages (fields, description, resolution, timeline) and the ticket archive by month.

Only when the publish policy publishes tickets. Requester contact data appears only when the
policy allows it; otherwise it is also blanked wherever the ticket's text repeats it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from ..checks.secrets import find_secrets
from ..diagnostics import warning
from ..history import CHANGE, DELETED, MENTION, RENAMED, RESTORED
from ..metrics.export import duration
from ..metrics.facts import RESOLUTION
from ..metrics.verdict import verdicts
from ..model import Ticket, as_strings, as_text
from ..search import Suggestion, fixes_for_open, open_index
from .context import Site
from .display import local_time, span
from .kb import clean_tags, split_title
from .obsidian.escape import escape_text
from .paths import BOARDS, TICKETS, ticket_month_page
from .privacy import redact
from .staging import StagedFile
from .templates import front_matter, listing_front_matter, raw, render_markdown

TICKETS_INDEX = f"{TICKETS}/index.md"
BOARD = f"{BOARDS}/index.md"
LOG_SECTION = "Log"
# A Log item as converted still starts with `date time · author · `.
LOG_PREFIX_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}[ \t]+·[ \t]+\S+[ \t]+·[ \t]+")
# Explicit time fields and what they mean on a timeline.
TIME_FIELDS = (("first_response", "First response"), ("resolved", "Resolved"),
               ("user_confirmed", "User confirmed the fix"), ("closed", "Closed"))


@dataclass(frozen=True)
class TimelineEvent:
    time: datetime
    time_text: str
    who: str
    what: Markup

    def as_row(self) -> dict[str, object]:
        return {"time": self.time_text, "who": self.who, "what": self.what}


def pages(site: Site) -> Iterator[StagedFile]:
    yield from ticket_pages(site, site.vault.tickets)
    yield from archive_pages(site)


def ticket_pages(site: Site, tickets: Sequence[Ticket]) -> Iterator[StagedFile]:
    if not site.policy.tickets:
        return
    index = open_index(site.vault, ("kb", "sop"))
    try:
        for ticket in tickets:
            if ticket.path in site.archived:
                continue  # an entry on its month's archive page instead
            level = service_level(site, ticket)
            hints = tuple(fixes_for_open(index, ticket))
            yield site.document_page(
                ticket, lambda t=ticket, s=level, h=hints: ticket_page(site, t, s, h),
                depends_on=(level, hints))
    finally:
        index.close()


@dataclass(frozen=True)
class ServiceLevel:
    """The ticket page's SLA block: each target's verdict and the ticket's times, as of when
    the site was made (from the metrics stage: the page does no clock arithmetic)."""

    as_of: str
    targets: tuple[tuple[Markup, str, Markup, str, str], ...]  # target, due, state, time, paused
    times: tuple[tuple[str, str], ...]  # (label, time) for opened … last update


def service_level(site: Site, ticket: Ticket) -> ServiceLevel:
    zone = site.vault.settings.time_zone
    fact = site.fact(ticket.id)
    targets = []
    for item in verdicts(fact.sla) if fact else []:
        target = Markup(f"{escape_text(item.name)} ({escape_text(item.duration)}, "
                        f"{escape_text(item.clock_text)})")
        state = Markup('<span class="ov-sla ov-sla-{}">{}</span>').format(
            item.state.replace(" ", "-"), item.state)
        due = local_time(item.due if item.stopped is None else item.stopped, zone)
        due = f"met {due}" if item.state == "met" and due else due
        targets.append((target, due or "–", state, item.time_text,
                        duration(item.paused_minutes) if item.paused_minutes else "–"))
    entries = ticket.log
    last_update = max([entry.time for entry in entries], default=None)
    times = [("Opened", local_time(ticket.opened, zone)),
             ("First response", local_time(fact.first_response, zone) if fact else ""),
             ("Resolved", local_time(fact.resolved, zone) if fact else ""),
             ("Closed", local_time(fact.closed, zone) if fact else ""),
             ("Age", span(site.now - ticket.opened) if ticket.opened else ""),
             ("Last update", local_time(last_update, zone))]
    return ServiceLevel(site.as_of_text, tuple(targets),
                        tuple((label, value) for label, value in times if value))


TICKET_SEARCH_BOOST = 0.5


def ticket_page(site: Site, ticket: Ticket, level: ServiceLevel | None = None,
                hints: tuple[Suggestion, ...] = ()) -> StagedFile:
    page = site.page_of(ticket.path) or ""
    suggested = [(site.link_to(page, document), hint.reason) for hint in hints
                 if (document := site.index.document(hint.ident)) is not None]
    converted = site.convert(ticket, skip_sections=(LOG_SECTION,))
    _, body = split_title(converted.markdown, ticket.title)
    tags = clean_tags(ticket.tags, converted.tags)
    site.register_tags(page, ticket, tags)
    content = render_markdown(
        "ticket.md.j2",
        # Below the KB, procedures and scripts in search: a ticket is one user's case.
        front_matter=raw(front_matter(f"{ticket.id or ticket.name} {ticket.title}", tags=tags,
                                      boost=TICKET_SEARCH_BOOST)),
        ticket={"id": ticket.id or ticket.name, "title": ticket.title,
                "status": ticket.status or "status unreadable", "priority": ticket.priority or "?",
                "category": ticket.category or ""},
        flaws=ticket.flaws, fields=fields(site, ticket, page),
        level=level or service_level(site, ticket),
        body=raw(body.strip("\n") or "*No description.*"),
        closure=closure(ticket), may_apply=suggested,
        timeline=[event.as_row() for event in timeline(site, ticket, page)],
        index_url=raw(site.url(page, TICKETS_INDEX)), board_url=raw(site.url(page, BOARD)))
    return StagedFile(page, content)


def fields(site: Site, ticket: Ticket, page: str) -> list[tuple[str, object]]:
    """The ticket's front matter as (label, value) rows; values are text or Markdown."""
    settings = site.vault.settings
    zone = settings.time_zone
    rows: list[tuple[str, object]] = [("Status", ticket.status or
                                       as_text(ticket.meta.get("status")) or "")]
    priority = settings.priorities.get(ticket.priority or "")
    rows.append(("Priority", f"{priority.name} ({priority.label})" if priority else
                 as_text(ticket.meta.get("priority")) or ""))
    category = settings.categories.get(ticket.category or "")
    rows.append(("Category", category.title if category else ticket.category or ""))
    for key, label in (("assignee", "Assignee"), ("escalated_to", "Escalated to")):
        handle = as_text(ticket.meta.get(key))
        if handle:
            technician = site.vault.team.get(handle)
            rows.append((label, f"{technician.name} ({handle})" if technician else handle))
    rows.append(("Opened", local_time(ticket.opened, zone)))
    if ticket.channel:
        rows.append(("Channel", ticket.channel))
    requester = requester_text(site, ticket)
    if requester:
        rows.append(("Requester", requester))
    device = ticket.meta.get("device")
    if isinstance(device, dict):
        parts = [as_text(device.get(key)) for key in ("name", "asset", "model", "os")]
        rows.append(("Device", ", ".join(p for p in parts if p)))
    if location := as_text(ticket.meta.get("location")):
        rows.append(("Location", location))
    for key, label in (("kb", "Knowledge base"), ("repeat_of", "Repeat of")):
        document = site.resolve(ticket.meta.get(key))
        if document is not None:
            rows.append((label, site.link_to(page, document)))
    related = [site.link_to(page, d) for value in as_strings(ticket.meta.get("related"))
               if (d := site.resolve(value)) is not None]
    if related:
        rows.append(("Related", Markup(", ").join(related)))
    automation = as_text(ticket.meta.get("automation"))
    script = site.script(automation) if automation else None
    if script is not None:
        rows.append(("Automation", site.link_to(page, script, script.name)))
    if tags := clean_tags(ticket.tags):
        rows.append(("Tags", ", ".join(tags)))
    return rows


def requester_text(site: Site, ticket: Ticket) -> str:
    requester = ticket.meta.get("requester")
    if not isinstance(requester, dict):
        return as_text(requester) or ""
    keys = ["name", "department"]
    if site.policy.requester_contact:
        keys += ["email", "phone"]
    return ", ".join(text for key in keys if (text := as_text(requester.get(key))))


def closure(ticket: Ticket) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for key, label in (("resolution", "Resolution"), ("root_cause", "Root cause"),
                       ("confirmation", "Confirmation")):
        if text := as_text(ticket.meta.get(key)):
            rows.append((label, text))
    satisfaction = ticket.meta.get("satisfaction")
    if isinstance(satisfaction, int) and not isinstance(satisfaction, bool):
        rows.append(("Satisfaction", f"{satisfaction}/5"))
    return rows


def timeline(site: Site, ticket: Ticket, page: str) -> list[TimelineEvent]:
    """Opening, explicit times and the Log, in time order (Log lines keep their order)."""
    zone = site.vault.settings.time_zone
    events: list[TimelineEvent] = []
    requester = ticket.meta.get("requester")
    opener = as_text(requester.get("name")) if isinstance(requester, dict) else None
    if ticket.opened:
        channel = f" ({ticket.channel})" if ticket.channel else ""
        events.append(TimelineEvent(ticket.opened, local_time(ticket.opened, zone),
                                    opener or "", Markup(escape_text(f"Opened{channel}"))))
    items = site.converter.section_items(ticket, page, LOG_SECTION)
    site.problems.extend(items.problems)
    for line, _, entry in ticket.log_items:
        if entry is None:
            continue
        text = items.items.get(line, escape_text(entry.text))
        text = LOG_PREFIX_PATTERN.sub("", text, count=1)
        events.append(TimelineEvent(entry.time, local_time(entry.time, zone), entry.author,
                                    Markup(text)))
    for key, label in TIME_FIELDS:
        moment = ticket.time(key)
        if moment is not None:
            events.append(TimelineEvent(moment, local_time(moment, zone), "",
                                        Markup(escape_text(label))))
    events += history_events(site, ticket)
    events += pause_events(site, ticket)
    events.sort(key=lambda event: event.time)
    return events


def pause_events(site: Site, ticket: Ticket) -> list[TimelineEvent]:
    """Where the resolution clock stopped to wait on the requester, and started again."""
    fact = site.fact(ticket.id)
    clock = fact.clock(RESOLUTION) if fact else None
    zone = site.vault.settings.time_zone
    events = []
    for start, end in clock.paused_periods if clock else ():
        events.append(TimelineEvent(start, local_time(start, zone), "",
                                    Markup("SLA: resolution clock paused (waiting on the "
                                           "requester)")))
        if end is not None and end <= site.now:
            events.append(TimelineEvent(end, local_time(end, zone), "",
                                        Markup("SLA: resolution clock running again")))
    return events


def history_events(site: Site, ticket: Ticket) -> list[TimelineEvent]:
    """What git history adds: field changes, commits naming the ticket, deletions."""
    found = site.history.timeline(ticket.id) if site.history is not None else None
    if found is None:
        return []
    zone = site.vault.settings.time_zone
    events: list[TimelineEvent] = []
    for event in found.events:
        if event.kind == CHANGE and event.old is not None:
            what = f"{event.field.replace('_', ' ')}: {event.old} → {event.new or '(none)'}"
        elif event.kind == MENTION:
            what = f"Commit: {_shown_subject(site, ticket, event.text)}"
        elif event.kind in (DELETED, RESTORED):
            what = f"File {event.kind}"
        elif event.kind == RENAMED:
            what = f"File renamed from {event.old}"
        else:
            continue  # creation and Log lines are on the timeline already
        who = site.hidden_free(ticket, event.author)
        events.append(TimelineEvent(event.time, local_time(event.time, zone), who,
                                    Markup(escape_text(site.hidden_free(ticket, what)))))
    return events


def _shown_subject(site: Site, ticket: Ticket, subject: str) -> str:
    """A commit subject as the timeline may show it: without contact data, and withheld (with
    a warning naming the ticket) when it holds a likely secret — history cannot be edited, so
    the build is not blocked for it."""
    secrets = find_secrets(subject)
    if secrets:
        site.problems.append(warning(
            ticket.path, 0, "secret-in-commit",
            f"a commit subject naming this ticket holds a likely {secrets[0][1]}; it is not "
            "shown on the ticket's page (rotate the secret: it is in git history)"))
        return "(subject withheld: likely secret)"
    return subject if site.policy.requester_contact else redact(subject)


RESOLUTION_SHOWN = 200  # characters of an archived ticket's resolution on its month's page


def archive_entry(site: Site, ticket: Ticket) -> Markup:
    """An archived ticket's cell: its id, and the anchor links to it lead to."""
    _, anchor = site.archived[ticket.path]
    return Markup(f'<span id="{anchor}"></span>**{escape_text(ticket.id or "")}**')


def one_line(text: str, limit: int = RESOLUTION_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def archive_pages(site: Site) -> Iterator[StagedFile]:
    if not site.policy.tickets:
        return
    zone = site.vault.settings.time_zone
    by_month: defaultdict[str, list[Ticket]] = defaultdict(list)
    for ticket in site.vault.tickets:
        by_month[site.ticket_month(ticket)].append(ticket)
    months = []
    for month in sorted(by_month, reverse=True):
        tickets = sorted(by_month[month], key=lambda t: (t.opened is None, t.opened), reverse=True)
        page = ticket_month_page(month)
        rows = [{"link": archive_entry(site, t) if t.path in site.archived
                 else site.link_to(page, t), "title": t.title, "status": t.status or "",
                 "priority": t.priority or "", "category": t.category or "",
                 "opened": local_time(t.opened, zone),
                 "resolution": one_line(site.hidden_free(t, as_text(t.meta.get("resolution"))
                                                          or ""))}
                for t in tickets]
        yield StagedFile(page, render_markdown(
            "tickets_month.md.j2", front_matter=raw(listing_front_matter(f"Tickets {month}")),
            month=month, tickets=rows, index_url=raw(site.url(page, TICKETS_INDEX)),
            archived=sum(t.path in site.archived for t in tickets),
            months_kept=site.policy.ticket_pages_months))
        months.append({"link": raw(f"[{month}](months/{month}.md)"), "count": len(tickets),
                       "active": sum(t.is_active for t in tickets)})
    yield StagedFile(TICKETS_INDEX, render_markdown(
        "tickets_index.md.j2", front_matter=raw(listing_front_matter("All tickets")),
        total=len(site.vault.tickets), active=sum(t.is_active for t in site.vault.tickets),
        months=months, board_url=raw(site.url(TICKETS_INDEX, BOARD))))

