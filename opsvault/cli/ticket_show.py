"""`opsvault ticket show ID`: a ticket's fields, SLA clocks and timeline."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..history import (
    BASELINE,
    CHANGE,
    CREATED,
    DELETED,
    INITIAL,
    LOG,
    MENTION,
    RENAMED,
    RESTORED,
    TicketEvent,
)
from ..metrics import SlaClock, TicketFacts, as_dict, facts_of
from ..metrics.export import duration
from ..metrics.verdict import state_of, verdicts
from ..model import Ticket, Vault, ticket_files_named
from ..search import Suggestion, fixes_for_open, open_index, repeat_hint
from . import completion as complete
from .common import (
    EXIT_OK,
    as_of_option,
    find_one_ticket,
    history_of,
    open_vault,
    parse_as_of,
    vault_option,
)


@click.command("show")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@vault_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@as_of_option
def show_command(ticket_ref: str, vault_dir: Path, output_format: str,
                 as_of: str | None) -> None:
    """Show a ticket: its fields, SLA clocks, and timeline from git history.

    The timeline lists every change of status, priority, assignee, category and
    escalation with who made it and when, the Log lines added, renames, and the commits
    whose message names the ticket. ID is the ticket id, its file name or a unique end
    of the id.

    \b
    Exit codes: 0 done; 1 no such ticket; 2 usage error, or the vault cannot be read.

    \b
    Examples:
      opsvault ticket show T-20261118-q7mz
      opsvault ticket show q7mz --format json
    """
    # Only this ticket's file and, from a current cache, its own history are read: not the
    # vault's 20,000 others. What it says is what the whole vault's history would say.
    candidates = ticket_files_named(vault_dir, ticket_ref)
    ticket = find_one_ticket(vault_dir, ticket_ref, candidates)
    vault = open_vault(vault_dir, tickets=[ticket.path])
    moment = parse_as_of(as_of, vault)
    history = history_of(vault, only=[ticket.id] if ticket.id else None)
    timeline = history.timeline(ticket.id)
    events = timeline.events if timeline else ()
    fact = facts_of(vault, history, ticket, moment)
    zone = vault.settings.time_zone
    hints = may_apply(vault, ticket)
    repeat = repeat_hint(vault, ticket) if ticket.is_active else None
    if output_format == "json":
        click.echo(json.dumps({
            "ticket": {key: as_dict(value) for key, value in ticket.meta.items()},
            "path": ticket.path,
            "as_of": moment.isoformat(),
            "facts": as_dict(fact) if fact else None,
            "sla": [{**as_dict(item), "time": item.time_text}
                    for item in verdicts(fact.sla)] if fact else [],
            "timeline": [as_dict(event) for event in events],
            "log": [as_dict(entry) for entry in ticket.log],
            "history": "git" if history.available else "none",
            "may_apply": [{"ident": s.ident, "title": s.title, "path": s.path,
                           "reason": s.reason} for s in hints],
            "possible_repeat_of": {"id": repeat.ticket.id, "why": repeat.why}
            if repeat else None,
        }, indent=2, ensure_ascii=False, default=str))
        raise SystemExit(EXIT_OK)
    for line in _header(ticket, fact, zone):
        click.echo(line)
    if hints:
        click.echo("  may apply   " + "; ".join(f"{s.ident} {s.title}" for s in hints))
    if repeat:
        click.echo(f"  repeat?     {repeat.ticket.id} {repeat.ticket.title} ({repeat.why}, "
                   f"{repeat.ticket.status}); if so: opsvault ticket repeat {ticket.id} "
                   f"--of {repeat.ticket.id}")
    click.echo()
    if events:
        click.echo(f"Timeline ({vault.settings.time_zone_name})")
        for event in events:
            click.echo(_event_line(event, zone))
    else:
        # Without history, the Log is the only dated account of the ticket.
        click.echo(f"Log ({vault.settings.time_zone_name}); no history "
                   f"{'for this ticket' if history.available else '(not a git repository)'}")
        for entry in ticket.log:
            click.echo(f"  {entry.time:%Y-%m-%d %H:%M}  {entry.author}: {entry.text}")
    raise SystemExit(EXIT_OK)


def may_apply(vault: Vault, ticket: Ticket, limit: int = 3) -> list[Suggestion]:
    """The KB entries and procedures that may fix an open ticket, not linked from it yet."""
    if not ticket.is_active:
        return []  # without opening (and bringing up to date) the index
    index = open_index(vault, ("kb", "sop"))
    try:
        return fixes_for_open(index, ticket, limit)
    finally:
        index.close()


def _header(ticket: Ticket, fact: TicketFacts | None, zone: ZoneInfo) -> list[str]:
    def when(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else "–"

    lines = [f"{ticket.id} · {ticket.title}",
             f"  status      {ticket.status or ticket.meta.get('status')}",
             f"  priority    {ticket.priority or '–'}    category  {ticket.category or '–'}",
             f"  assignee    {ticket.assignee or '–'}    channel   {ticket.channel or '–'}",
             f"  opened      {when(ticket.opened)}"]
    if fact is not None:
        first = (f"{when(fact.first_response)} ({duration(fact.first_response_minutes)})"
                 if fact.first_response else "–")
        lines.append(f"  first resp. {first}")
        resolved = (f"{when(fact.resolved)} ({duration(fact.resolution_minutes)} active)"
                    if fact.resolved else "–")
        lines.append(f"  resolved    {resolved}")
        if fact.reopens:
            lines.append(f"  reopened    {', '.join(when(t) for t in fact.reopens)}")
        for clock in fact.sla:
            lines.append(f"  SLA         {_clock_text(clock, zone)}")
    lines.append(f"  file        {ticket.path}")
    return lines


def _clock_text(clock: SlaClock, zone: ZoneInfo) -> str:
    target = f"{clock.target.replace('_', ' ')} ({clock.duration}, {clock.clock})"
    state = state_of(clock)
    if clock.elapsed_minutes is None:
        return f"{target}: {state}"
    used = f"{duration(clock.elapsed_minutes)} of {duration(clock.budget_minutes)}"
    due = f", due {clock.due.astimezone(zone):%Y-%m-%d %H:%M}" if clock.due else ""
    text = f"{target}: {state}, {used}{due if clock.stopped is None else ''}"
    if clock.paused_periods:
        waiting = clock.paused_periods[-1]
        text += f"; paused {duration(clock.paused_minutes)}"
        if waiting[1] is None:
            text += f", waiting on the requester since {waiting[0].astimezone(zone):%Y-%m-%d %H:%M}"
    return text


def _event_line(event: TicketEvent, zone: ZoneInfo) -> str:
    return (f"  {event.time.astimezone(zone):%Y-%m-%d %H:%M}  {event.author[:16]:<16}  "
            f"{event.commit[:8]}  {describe(event)}")


def describe(event: TicketEvent) -> str:
    """One timeline entry in words."""
    if event.kind == CREATED:
        return "created"
    if event.kind == BASELINE:
        return "history starts here (shallow clone)"
    if event.kind == INITIAL:
        return f"{event.field}: {event.new} (when history starts)"
    if event.kind == CHANGE:
        return f"{event.field.replace('_', ' ')}: {event.old or '–'} → {event.new or '–'}"
    if event.kind == LOG:
        return f"Log: {event.text}"
    if event.kind == MENTION:
        return f"commit: {event.text}"
    if event.kind == RENAMED:
        return f"renamed {event.old} → {event.new}"
    if event.kind == DELETED:
        return "file deleted"
    if event.kind == RESTORED:
        return "file restored"
    return event.kind
