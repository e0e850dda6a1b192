"""Ticket rules: id vs file name, order of explicit times, workflow and closing rules, the Log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone

from ..diagnostics import Diagnostic, error, warning
from ..model import Ticket, as_text
from ..note_templates import is_placeholder, load_template
from ..schema import LOG_AUTHORS, TICKET_TIME_ORDER, closing_gaps, resolving_gaps, suggest
from .context import CheckContext

LOG_FORMAT_EXAMPLE = "- 2026-11-24 10:32 · alice · Reset MFA token"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    # Times after the end of `today` anywhere on earth are in the future.
    horizon = datetime.combine(context.today, time.max, timezone(timedelta(hours=-14)))
    log_authors = frozenset((*context.vault.team.handles, *LOG_AUTHORS))
    template = load_template(context.vault.root, "ticket")
    for ticket in context.vault.tickets:
        if not ticket.source.has_front_matter:
            continue
        if is_placeholder(ticket.description, template):
            yield warning(ticket.path, ticket.source.body_line, "placeholder-description",
                          "the description is still the template's placeholder text; write "
                          "the problem in the requester's words")
        yield from _file_name(ticket)
        yield from _time_order(ticket, horizon)
        yield from _workflow(ticket, context)
        yield from _log(ticket, context, log_authors)


def _file_name(ticket: Ticket) -> Iterator[Diagnostic]:
    ticket_id = ticket.id
    name = ticket.name
    if ticket_id and name != ticket_id and not name.startswith(ticket_id + "-"):
        yield error(ticket.path, ticket.line_of("id"), "id-file-mismatch",
                    f"id '{ticket_id}' does not match the file name; name the file "
                    f"{ticket_id}.md or {ticket_id}-<slug>.md")


def _time_order(ticket: Ticket, horizon: datetime) -> Iterator[Diagnostic]:
    times = {key: when for key in (*TICKET_TIME_ORDER, "user_confirmed")
             if key in ticket.meta and (when := ticket.time(key)) is not None}
    previous: tuple[str, datetime] | None = None
    for key in TICKET_TIME_ORDER:
        when = times.get(key)
        if when is None:
            continue
        if previous is not None and when < previous[1]:
            yield error(ticket.path, ticket.line_of(key), "time-order",
                        f"'{key}' ({when.isoformat()}) is earlier than '{previous[0]}' "
                        f"({previous[1].isoformat()})")
        previous = (key, when)
    opened = times.get("opened")
    confirmed = times.get("user_confirmed")
    if opened and confirmed and confirmed < opened:
        yield error(ticket.path, ticket.line_of("user_confirmed"), "time-order",
                    f"'user_confirmed' ({confirmed.isoformat()}) is earlier than 'opened'")
    for key, when in times.items():
        if when > horizon:
            yield warning(ticket.path, ticket.line_of(key), "future-time",
                          f"'{key}' ({when.isoformat()}) is in the future")


def _workflow(ticket: Ticket, context: CheckContext) -> Iterator[Diagnostic]:
    settings = context.vault.settings
    status = ticket.status
    if status is None:
        return
    team = context.vault.team
    assignee = ticket.assignee
    if assignee and team.present:
        technician = team.get(assignee)
        if technician is None:
            yield error(ticket.path, ticket.line_of("assignee"), "unknown-assignee",
                        f"assignee '{assignee}' is not in vault/team.yml"
                        f"{suggest(assignee, team.handles)}")
        elif not technician.active and ticket.is_active:
            yield warning(ticket.path, ticket.line_of("assignee"), "inactive-assignee",
                          f"assignee '{assignee}' is marked inactive in vault/team.yml")
    if ticket.is_active and status != settings.initial_status and not assignee:
        yield warning(ticket.path, ticket.line_of("status"), "unassigned",
                      f"ticket is '{status}' but has no assignee")
    if status == "escalated" and not as_text(ticket.meta.get("escalated_to")):
        yield error(ticket.path, ticket.line_of("status"), "escalation-target-missing",
                    "status is 'escalated' but 'escalated_to' is not set")
    if ticket.is_active:
        for key in ("resolved", "closed"):
            if key in ticket.meta and ticket.meta[key] is not None:
                yield warning(ticket.path, ticket.line_of(key), "closure-time-on-active",
                              f"ticket is '{status}' but has a '{key}' time; remove it when "
                              "reopening")
    if status in (settings.resolved_status, "awaiting-confirmation") and \
            resolving_gaps(ticket.meta):
        yield error(ticket.path, ticket.line_of("status"), "resolution-missing",
                    f"a '{status}' ticket needs a resolution (what fixed it)")
    if status == settings.closed_status:
        missing = closing_gaps(ticket.meta)
        if missing:
            yield error(ticket.path, ticket.line_of("status"), "closing-incomplete",
                        f"a '{status}' ticket needs: {', '.join(missing)}")


def _log(ticket: Ticket, context: CheckContext,
         allowed_authors: frozenset[str]) -> Iterator[Diagnostic]:
    # Log times have minutes only: an entry in the minute the ticket was opened is not early.
    opened_at = ticket.opened
    opened = opened_at.replace(second=0, microsecond=0) if opened_at else None
    for line, text, entry in ticket.log_items:
        if entry is None:
            if text[2:3].isdigit():
                yield warning(ticket.path, line, "log-format",
                              f"Log line is not 'date time · who · what' ({LOG_FORMAT_EXAMPLE})")
            continue
        if context.vault.team.present and entry.author not in allowed_authors:
            yield warning(ticket.path, line, "unknown-log-author",
                          f"Log author '{entry.author}' is not a team handle, 'requester' or "
                          f"'system'{suggest(entry.author, sorted(allowed_authors))}")
        if opened_at is not None and opened is not None and entry.time < opened:
            yield warning(ticket.path, line, "log-before-opened",
                          f"Log entry at {entry.time:%Y-%m-%d %H:%M} is before the ticket was "
                          f"opened ({opened_at.isoformat()})")
