"""`opsvault metrics`, `opsvault report` and `opsvault sla`: numbers from the vault's history."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..mail import MailError, compose, deliver
from ..mail.notify import notices
from ..metrics import (
    BREACHED,
    GROUPINGS,
    Excluded,
    SlaClock,
    TicketFacts,
    Window,
    as_dict,
    build_metrics,
    excluded_tickets,
    open_clocks,
    ticket_facts,
    to_csv,
    to_prometheus,
    to_table,
)
from ..metrics.facts import COUNTED_AS_OPEN
from ..metrics.verdict import due_soon_horizon, is_due_soon, state_of, verdict
from ..model import Vault
from ..reports import (
    INSIGHTS,
    MONTHLY,
    WEEKLY,
    build_insights_report,
    build_report,
    default_window,
    insights_as_dict,
    render_insights_markdown,
    render_markdown,
    report_as_dict,
)
from ..schema import is_email_address
from ..workflow import outside_message
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    as_of_option,
    colour,
    history_of,
    open_vault,
    parse_as_of,
    usage_error,
    vault_option,
)
from .requester_mail import fresh
from .updates import refusals, start

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_WEEKS = 8


# --- opsvault metrics ------------------------------------------------------------------------

@click.command("metrics")
@vault_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="First day of the window (default: 8 ISO weeks back).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Last day of the window (default: the --as-of day).")
@click.option("--week", metavar="YYYY-Www", help="One ISO week, e.g. 2026-W47.")
@click.option("--month", metavar="YYYY-MM", help="One month, e.g. 2026-11.")
@click.option("--by", "group_by", type=click.Choice(GROUPINGS), default=None,
              help="One row per category, priority, assignee or channel instead of per week.")
@click.option("--format", "output_format",
              type=click.Choice(["table", "json", "csv", "prometheus"]), default="table",
              show_default=True, help="table for people; json, csv or prometheus for tools.")
@as_of_option
def metrics_command(vault_dir: Path, since: datetime | None, until: datetime | None,
                    week: str | None, month: str | None, group_by: str | None,
                    output_format: str, as_of: str | None) -> None:
    """Ticket metrics per ISO week: volume, response and resolution times, SLA, repeats.

    Counts tickets opened, resolved and closed; first response and resolution times
    (median and p90, in minutes of each priority's clock: business hours with holidays,
    or 24×7); SLA compliance per priority and the breaches; reopens and repeat_of links;
    KB growth; satisfaction; automation impact; the backlog; and the trend against the
    previous window. Times written in a ticket (first_response, resolved, closed, Log
    lines) win over commit dates. Without git, only those written times are used.

    \b
    SLA targets (see the README for the full table):
      first response  opened → first contact: a reply, a `ticket log --contact`
                      line, or the status leaving new; never paused
      resolution      opened → resolved; paused in sla.pause_statuses
                      (waiting-on-user), continues after a reopen
      update          contact → next contact or status change
                      (priorities.*.update, if set);
                      paused like resolution

    \b
    Exit codes: 0 done; 2 usage error, or the vault cannot be read.

    \b
    Examples:
      opsvault metrics                                 # the last 8 weeks, week by week
      opsvault metrics --week 2026-W47 --by assignee
      opsvault metrics --since 2026-09-01 --until 2026-11-30 --format csv > metrics.csv
      opsvault metrics --format prometheus > /var/lib/node_exporter/opsvault.prom
    """
    vault = open_vault(vault_dir)
    moment = parse_as_of(as_of, vault)
    window = _window(since, until, week, month, moment)
    history = history_of(vault)
    metrics = build_metrics(vault, history, window, moment, group_by)
    report_excluded(metrics.excluded)
    if output_format == "json":
        click.echo(json.dumps(as_dict(metrics), indent=2, ensure_ascii=False))
    elif output_format == "csv":
        click.echo(to_csv(metrics), nl=False)
    elif output_format == "prometheus":
        click.echo(to_prometheus(metrics), nl=False)
    else:
        click.echo(to_table(metrics), nl=False)
    raise SystemExit(EXIT_OK)


def report_excluded(excluded: Iterable[Excluded]) -> None:
    """One stderr line per ticket the figures leave out, in whole or in part."""
    for item in excluded:
        click.echo(f"{item.path}: warning: {item.ticket} needs fixing ({item.reason}); "
                   f"left out of the figures: {item.left_out}", err=True)


def _window(since: datetime | None, until: datetime | None, week: str | None,
            month: str | None, as_of: datetime) -> Window:
    chosen = [name for name, value in (("--week", week), ("--month", month),
                                       ("--since/--until", since or until)) if value]
    if len(chosen) > 1:
        usage_error(f"give one of {', '.join(chosen)}")
    try:
        if week:
            return Window.iso_week(week)
        if month:
            return Window.month(month)
    except ValueError as exc:
        usage_error(str(exc))
    last = until.date() if until else as_of.date()
    first = since.date() if since else Window.week_of(last).start - timedelta(
        weeks=DEFAULT_WEEKS - 1)
    if first > last:
        usage_error(f"--since {first} is after --until {last}")
    return Window(first, last)


# --- opsvault report ------------------------------------------------------------------------

@click.command("report")
@click.argument("kind", type=click.Choice([WEEKLY, MONTHLY, INSIGHTS]))
@vault_option
@click.option("--week", metavar="YYYY-Www", help="The week of a weekly report (default: last "
                                                 "week).")
@click.option("--month", metavar="YYYY-MM", help="The month of a monthly report (default: last "
                                                  "month).")
@click.option("--weeks", type=click.IntRange(1, 520), default=12, show_default=True,
              help="Insights: how many weeks before --as-of to look at.")
@click.option("--format", "output_format", type=click.Choice(["md", "json"]), default="md",
              show_default=True, help="Markdown for people, JSON for tools.")
@click.option("--send-to", "send_to", multiple=True, metavar="ADDRESS",
              help="Email the report (HTML and plain text) through the vault's mail "
                   "settings instead of printing it (repeatable).")
@as_of_option
def report_command(kind: str, vault_dir: Path, week: str | None, month: str | None,
                   weeks: int, output_format: str, send_to: tuple[str, ...],
                   as_of: str | None) -> None:
    """The weekly or monthly summary: resolved, response times, SLA, repeats, KB growth.

    Compares the period with the one before it and lists every SLA breach of the tickets
    opened in it. Without --week or --month it reports the last complete week or month.

    `report insights` looks at the --weeks before --as-of instead: problems that keep
    coming back (tickets the search ranks closest to each other, or fixed with the same
    KB entry), with their count, hours to resolve, and the KB entry or script that covers
    them; those resolved the same way each time with no script (candidates for
    automation); the scripts that fixed tickets; solved tickets that link no KB entry; and
    KB entries no ticket linked in a year.

    \b
    Exit codes: 0 done; 1 the email could not be delivered; 2 usage error, or the
    vault cannot be read.

    \b
    Examples:
      opsvault report weekly > reports/2026-W47.md
      opsvault report weekly --send-to cto@example.org   # e.g. from a Monday CI job
      opsvault report weekly --week 2026-W47
      opsvault report monthly --month 2026-11 --format json
      opsvault report insights --weeks 26
    """
    if (week and kind != WEEKLY) or (month and kind != MONTHLY):
        usage_error("use --week with a weekly report and --month with a monthly one")
    vault = open_vault(vault_dir)
    moment = parse_as_of(as_of, vault)
    if kind == INSIGHTS:
        insights = build_insights_report(vault, history_of(vault), moment, weeks)
        markdown = render_insights_markdown(insights)
        if send_to:
            _send_report(vault, kind, f"{weeks} weeks to {moment:%Y-%m-%d}", markdown,
                         list(send_to), moment)
        click.echo(json.dumps(insights_as_dict(insights), indent=2, ensure_ascii=False)
                   if output_format == "json" else markdown, nl=output_format == "json")
        raise SystemExit(EXIT_OK)
    try:
        window = (Window.iso_week(week) if week else Window.month(month) if month
                  else default_window(kind, moment))
    except ValueError as exc:
        usage_error(str(exc))
    report = build_report(vault, history_of(vault), kind, window, moment)
    if send_to:
        _send_report(vault, kind, window.label, render_markdown(report), list(send_to), moment)
    if output_format == "json":
        click.echo(json.dumps(report_as_dict(report), indent=2, ensure_ascii=False))
    else:
        click.echo(render_markdown(report), nl=False)
    raise SystemExit(EXIT_OK)


def _send_report(vault: Vault, kind: str, label: str, markdown: str, to: list[str],
                 moment: datetime) -> NoReturn:
    bad = [address for address in to if not is_email_address(parseaddr(address)[1])]
    if bad:
        usage_error(f"--send-to {bad[0]!r} is not an email address")
    if not vault.settings.mail.sender:
        usage_error("set mail.from in vault/opsvault.yml (the address reports come from)")
    message = compose(vault.settings.mail.sender, to, f"{kind.capitalize()} help desk report "
                      f"{label}", markdown, when=moment, automatic=True)
    try:
        delivery = deliver(message, vault.settings.mail, vault.root)
    except MailError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FINDINGS) from None
    how = "sent via" if delivery.sent else "written to"
    click.echo(f"{kind} report {label} to {', '.join(to)} ({how} {delivery.where})")
    raise SystemExit(EXIT_OK)


# --- opsvault sla ------------------------------------------------------------------------------

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
    vault = open_vault(vault_dir)
    moment = parse_as_of(as_of, vault)
    facts = {f.ticket_id: f for f in ticket_facts(vault, history_of(vault), moment)}
    horizon = due_soon_horizon(moment, vault.settings)
    clocks = [c for c in open_clocks(facts.values()) if c.started <= moment and (
        show_all or c.state == BREACHED or is_due_soon(c, horizon))]
    # An open ticket without a readable priority or opening time has no clock: say so.
    unclocked = [item for item in excluded_tickets(vault)
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
    failed = _notify(vault_dir, list(facts.values()), moment, dry_run, commit) if notify \
        else False
    breached = any(c.state == BREACHED for c in clocks)
    raise SystemExit(EXIT_FINDINGS if breached or failed else EXIT_OK)


def _notify(vault_dir: Path, facts: list[TicketFacts], moment: datetime, dry_run: bool,
            commit: bool | None) -> bool:
    """Send the SLA notices; True when one could not be delivered (the rest still are)."""
    if dry_run:
        vault = open_vault(vault_dir)
        found, warnings = notices(vault, facts, moment)
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
    sections.append(("Other open targets", [c for c in clocks if c not in sections[0][1]
                                            and c not in sections[1][1]]))
    for heading, chosen in sections:
        if not chosen:
            continue
        click.echo(f"\n{heading} ({len(chosen)})")
        click.echo(f"{'ticket':<17} {'pri':<3} {'assignee':<9} {'status':<21} {'target':<15} "
                   f"{'state':<9} {'time':>16}  {'due':<16}  title")
        for clock in chosen:
            fact = facts[clock.ticket_id]
            reading = verdict(clock)
            due = f"{clock.due.astimezone(zone):%Y-%m-%d %H:%M}" if clock.due else "–"
            shown = colour(f"{reading.state:<9}", STATE_COLOURS[reading.state]) \
                if reading.state in STATE_COLOURS else f"{reading.state:<9}"
            click.echo(f"{clock.ticket_id:<17} {fact.priority or '':<3} "
                       f"{fact.assignee or '–':<9} {fact.status or '?':<21} "
                       f"{clock.target.replace('_', ' '):<15} {shown} "
                       f"{reading.time_text:>16}  {due:<16}  {fact.title}")
    click.echo(f"\n{len(clocks)} ticket(s); times are on each priority's clock "
               f"({vault.settings.time_zone_name}).", err=True)
