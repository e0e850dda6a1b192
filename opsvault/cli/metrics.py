"""`opsvault metrics`: numbers from the vault's history (its output helpers serve
`opsvault report` too)."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

import click

from ..diagnostics import paused_gc
from ..metrics import (
    GROUPINGS,
    PROMETHEUS_GROUPINGS,
    Window,
    as_dict,
    build_metrics,
    build_workbook,
    counted_from,
    excluded_among,
    to_csv,
    to_prometheus,
    to_table,
)
from ..metrics.facts_cache import cache_path as facts_cache_path
from ..metrics.facts_cache import facts_of_files
from ..model import Stamp
from .common import (
    EXIT_OK,
    as_of_option,
    history_of,
    listed_tickets,
    open_vault,
    parse_as_of,
    report_excluded,
    usage_error,
    vault_option,
)

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
              help="One row per category, priority, assignee, channel or location instead of "
                   "per week.")
@click.option("--format", "output_format",
              type=click.Choice(["table", "json", "csv", "prometheus", "xlsx"]), default="table",
              show_default=True, help="table for people; json, csv or prometheus for tools; "
                                      "xlsx: an Excel workbook with charts.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --format xlsx: write the workbook to this file (else to stdout).")
@as_of_option
def metrics_command(vault_dir: Path, since: datetime | None, until: datetime | None,
                    week: str | None, month: str | None, group_by: str | None,
                    output_format: str, output: Path | None, as_of: str | None) -> None:
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

    \b
    Prometheus: gauges named opsvault_*, times in seconds of each priority's clock; the
    window is told by opsvault_window_start/end_timestamp_seconds, not by a label, so a
    scheduled export keeps its time series. --by priority or category only.
    """
    if output_format == "prometheus" and group_by not in (None, *PROMETHEUS_GROUPINGS):
        usage_error(f"--format prometheus groups --by {' or '.join(PROMETHEUS_GROUPINGS)} only: "
                    "Prometheus labels must take few values")
    check_output(output_format, output)
    # What is built here lives until the end and holds no cycles: no collection is worth
    # walking it (at 20,000 tickets, a tenth of the command).
    with paused_gc():
        _measure(vault_dir, since, until, week, month, group_by, output_format, output, as_of)


def _measure(vault_dir: Path, since: datetime | None, until: datetime | None,
             week: str | None, month: str | None, group_by: str | None,
             output_format: str, output: Path | None, as_of: str | None) -> None:
    """`metrics_command` once its options are found usable."""
    # The tickets are not loaded: the ticket index lists them (and what cannot be read in
    # them), and the facts cache gives the facts of each file whose stamp and history are
    # what they were (its KB links among them); only the other files are read.
    vault = open_vault(vault_dir, with_tickets=False)
    moment = parse_as_of(as_of, vault)
    window = _window(since, until, week, month, moment)
    # Each ticket's events stay in the history cache: only the tickets whose facts must be
    # worked out again (changed since the facts cache took them) have theirs read. After a
    # first pass (a fresh clone) every ticket's are needed: those just read are kept.
    history = history_of(vault, events_on_demand=True, read_back=False)
    # Each file's stamp taken once, for the index and the facts cache; without a facts cache
    # (a fresh clone) there is nothing to compare them with, and 20,000 kept cost 6 MB.
    stamps: dict[str, Stamp] | None = {} if facts_cache_path(vault.root).is_file() else None
    tickets = listed_tickets(vault, active_only=False, stamps=stamps)
    # The years of tickets that ended before the window (and the one before it, for the
    # trend) count in nothing: they stay undecoded unless a repeat_of chain names one. A
    # breakdown and the workbook list every value any ticket has, so they take them all.
    ended_before = counted_from(window, vault.settings.time_zone) \
        if group_by is None and output_format != "xlsx" else None
    facts, unread, earlier = facts_of_files(
        vault, [(ticket.path, ticket.id) for ticket in tickets], history, moment, ended_before,
        stamps)
    for problem in unread:  # changed since the index read it, and unreadable now
        click.echo(problem.as_line(), err=True)
    excluded = excluded_among(tickets)
    if output_format == "xlsx":  # every grouping, each on a sheet: --by is not needed
        write_binary(build_workbook(vault, history, window, moment,
                                     f"Help desk metrics {window.label}", facts=facts,
                                     excluded=excluded), output)
        raise SystemExit(EXIT_OK)
    metrics = build_metrics(vault, history, window, moment, group_by, facts, excluded, earlier)
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

def check_output(output_format: str, output: Path | None) -> None:
    if output is not None and output_format != "xlsx":
        usage_error("--output goes with --format xlsx")
    if output_format == "xlsx" and output is None and sys.stdout.isatty():
        usage_error("--format xlsx makes a binary workbook: give --output FILE.xlsx (or "
                    "redirect it to a file)")


def write_binary(data: bytes, output: Path | None) -> None:
    """The workbook to `output` (a temporary file renamed into place), or to stdout."""
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        usage_error(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {output}", err=True)
