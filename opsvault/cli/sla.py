"""`opsvault sla`: the open tickets' SLA clocks, and notices to the people who must act."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..diagnostics import paused_gc
from ..metrics import BREACHED, SlaClock, TicketFacts, as_dict, open_clocks
from ..metrics.facts import COUNTED_AS_OPEN, excluded_among
from ..metrics.facts_cache import facts_of_files
from ..metrics.verdict import due_soon_horizon, is_due_soon, state_of, verdict
from ..model import Stamp, Vault
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    as_of_option,
    colour,
    history_of,
    listed_tickets,
    open_vault,
    parse_as_of,
    report_excluded,
    usage_error,
    vault_option,
)


@click.command("sla")
@vault_option
@click.option("--all", "show_all", is_flag=True,
              help="Every open ticket's clock, not only those at risk or breached.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True)
@click.option("--notify", is_flag=True,
              help="Email the assignee about each target at risk or breached, and on breach "
                   "the priority's escalate_to; once per ticket and target (the Log records "
                   "it). Uses the mail settings; without smtp_host, writes .eml files to the "
                   "outbox.")
@click.option("--dry-run", is_flag=True, help="With --notify: print what would be sent.")
@click.option("--commit/--no-commit", "commit", default=None,
              help="With --notify: commit each ticket's Log line (default: the setting "
                   "workflow.commit_each_update).")
@as_of_option
def sla_command(vault_dir: Path, show_all: bool, output_format: str, notify: bool,
                dry_run: bool, commit: bool | None, as_of: str | None) -> None:
    """Open tickets at risk of missing their SLA, or past it, most urgent first.

    Each open ticket has one running clock: first response until a technician answers,
    then resolution. A clock is at risk with less than a quarter of its target left, and
    breached once the target has passed. Time left is in minutes of the priority's clock
    (business hours, or 24×7).

    \b
    Exit codes: 0 nothing breached; 1 at least one open ticket is past its target (for
    cron jobs and CI); 2 usage error, or the vault cannot be read.

    \b
    With --notify (for a scheduled CI job or cron), each target at risk is mailed to
    the assignee, and each breach also to the priority's escalate_to (a team handle or
    an address), once per ticket, target and state: the ticket's Log records what was
    sent, so a second run sends nothing new. Messages carry Auto-Submitted so that
    auto-responders stay quiet.

    \b
    Examples:
      opsvault sla
      opsvault sla --all --format json
      opsvault sla --notify --dry-run
      opsvault sla --notify --commit          # in a scheduled CI job
    """
    if dry_run and not notify:
        raise click.UsageError("--dry-run goes with --notify")
    # Only open tickets have clocks to watch (whatever --as-of says, "open" is the file's
    # word): through the ticket index, just their facts, from the facts cache where nothing
    # happened to them (only the clocks are computed), and just their history.
    vault = open_vault(vault_dir, tickets=())  # the settings and team, no ticket
    moment = parse_as_of(as_of, vault)
    # What is built here lives until the end and holds no cycles: no garbage collection
    # need walk it (a twentieth of the command at 4,000 open tickets).
    with paused_gc():
        stamps: dict[str, Stamp] = {}  # taken once, for the index and the facts cache
        active = listed_tickets(vault, active_only=True, stamps=stamps)
        # Their events stay in the history cache (its rows give their digests): only a ticket
        # changed since the facts cache took it has its events read.
        history = history_of(vault, only=[ticket.id for ticket in active if ticket.id],
                             events_on_demand=True)
        found, unread, _ = facts_of_files(vault, [(ticket.path, ticket.id) for ticket in active],
                                          history, moment, stamps=stamps, kept_clocks=True)
        for problem in unread:  # changed since the index read it, and unreadable now
            click.echo(problem.as_line(), err=True)
        facts = {f.ticket_id: f for f in found}
        horizon = due_soon_horizon(moment, vault.settings)
        clocks = [c for c in open_clocks(facts.values()) if c.started <= moment and (
            show_all or c.state == BREACHED or is_due_soon(c, horizon))]
    # An open ticket without a readable priority or opening time has no clock: say so.
    unclocked = [item for item in excluded_among(active)
                 if item.is_open and item.left_out != COUNTED_AS_OPEN]
    report_excluded(unclocked)
    if output_format == "json":
        click.echo(json.dumps({"as_of": moment.isoformat(),
                               "time_zone": vault.settings.time_zone_name,
                               "tickets": [{**_clock_dict(c, facts[c.ticket_id]),
                                            "due_soon": is_due_soon(c, horizon)}
                                           for c in clocks],
                               "excluded": as_dict(unclocked)},
                              indent=2, ensure_ascii=False))
    else:
        _print_clocks(clocks, facts, moment, vault, horizon)
    failed = False
    if notify:
        open_tickets = open_vault(vault_dir, tickets=[ticket.path for ticket in active])
        failed = _notify(vault_dir, open_tickets, list(facts.values()), moment, dry_run,
                         commit)
    breached = any(c.state == BREACHED for c in clocks)
    raise SystemExit(EXIT_FINDINGS if breached or failed else EXIT_OK)


def _notify(vault_dir: Path, open_tickets: Vault, facts: list[TicketFacts], moment: datetime,
            dry_run: bool, commit: bool | None) -> bool:
    """Send the SLA notices; True when one could not be delivered (the rest still are).
    `open_tickets` holds the open tickets the facts are of (all a dry run needs); sending
    works on the whole vault, under its lock."""
    # Mail, the workflow and git only when notices are asked for.
    from ..mail import MailError, deliver
    from ..mail.notify import notices
    from ..workflow import outside_message
    from .requester_mail import fresh
    from .updates import refusals, start

    if dry_run:
        found, warnings = notices(open_tickets, facts, moment)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        for notice in found:
            click.echo(f"would notify {', '.join(notice.to)}: {notice.message['Subject']}")
        if not found:
            click.echo("nothing to notify")
        return False
    session = start(vault_dir, None, commit, None, needs_actor=False)
    vault = session.vault
    if not vault.settings.mail.sender:
        usage_error("set mail.from in vault/opsvault.yml (the address notices come from)")
    found, warnings = notices(vault, facts, moment)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    failed = False
    for notice in found:
        try:
            delivery = deliver(notice.message, vault.settings.mail, vault.root)
        except MailError as exc:
            click.echo(f"error: {notice.ticket.id}: {exc}; not recorded as sent", err=True)
            failed = True
            continue
        ticket = fresh(session, notice.ticket)  # an earlier notice may have logged on it
        change = outside_message(vault.settings, ticket, "system", moment, notice.log_text,
                                 f"SLA {notice.reading.name.lower()} {notice.reading.state} "
                                 "notified")
        with refusals():
            session.save_change(ticket, change)
        how = "sent via" if delivery.sent else "written to"
        click.echo(f"{notice.ticket.id}: notified {', '.join(notice.to)} ({how} "
                   f"{delivery.where})")
    return failed


STATE_COLOURS = {"breached": "red", "at risk": "yellow"}


def _clock_dict(clock: SlaClock, fact: TicketFacts) -> dict[str, Any]:
    return {**as_dict(clock), "state": state_of(clock).replace(" ", "-"),
            "title": fact.title, "priority": fact.priority, "assignee": fact.assignee,
            "status": fact.status, "path": fact.path}


def _print_clocks(clocks: list[SlaClock], facts: dict[str, TicketFacts], as_of: datetime,
                  vault: Vault, horizon: datetime) -> None:
    zone = vault.settings.time_zone
    click.echo(f"As of {as_of.astimezone(zone):%Y-%m-%d %H:%M} {vault.settings.time_zone_name}")
    if not clocks:
        click.echo("No open ticket has missed a target or is due within a business day.")
        return
    sections = [("Breached now", [c for c in clocks if c.state == BREACHED]),
                ("Due soon (at risk, or due within a business day)",
                 [c for c in clocks if is_due_soon(c, horizon)])]
    # By identity: comparing clocks field by field made this quadratic (8 s at 4,000 open).
    listed = {id(c) for _, chosen in sections for c in chosen}
    sections.append(("Other open targets", [c for c in clocks if id(c) not in listed]))
    lines: list[str] = []  # one write: 4,000 echo calls were a tenth of the command
    # Each state's cell once: asking whether stdout is a terminal per row was a tenth of
    # printing 4,000 of them.
    cells = {state: colour(f"{state:<9}", fg) for state, fg in STATE_COLOURS.items()}
    for heading, chosen in sections:
        if not chosen:
            continue
        lines.append(f"\n{heading} ({len(chosen)})")
        lines.append(f"{'ticket':<17} {'pri':<3} {'assignee':<9} {'status':<21} "
                     f"{'target':<15} {'state':<9} {'time':>16}  {'due':<16}  title")
        for clock in chosen:
            fact = facts[clock.ticket_id]
            reading = verdict(clock)
            # "2026-11-20 16:30": isoformat cut to the minute, a third of strftime's time.
            due = clock.due.astimezone(zone).isoformat(" ", "minutes")[:16] if clock.due \
                else "–"
            shown = cells.get(reading.state) or f"{reading.state:<9}"
            lines.append(f"{clock.ticket_id:<17} {fact.priority or '':<3} "
                         f"{fact.assignee or '–':<9} {fact.status or '?':<21} "
                         f"{clock.target.replace('_', ' '):<15} {shown} "
                         f"{reading.time_text:>16}  {due:<16}  {fact.title}")
    click.echo("\n".join(lines))
    click.echo(f"\n{len(clocks)} ticket(s); times are on each priority's clock "
               f"({vault.settings.time_zone_name}).", err=True)
