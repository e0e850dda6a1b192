"""`opsvault report`: the weekly, monthly and insights reports, printed, written as a workbook
or emailed. Apart from `metrics`, so that `metrics` need not load the reports and the mail."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import NoReturn

import click

from ..mail import MailError, compose, deliver
from ..metrics import Window, build_workbook
from ..metrics.facts_cache import cached_ticket_facts
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
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    as_of_option,
    history_of,
    open_vault,
    parse_as_of,
    usage_error,
    vault_option,
)
from .metrics import check_output, write_binary


@click.command("report")
@click.argument("kind", type=click.Choice([WEEKLY, MONTHLY, INSIGHTS]))
@vault_option
@click.option("--week", metavar="YYYY-Www", help="The week of a weekly report (default: last "
                                                 "week).")
@click.option("--month", metavar="YYYY-MM", help="The month of a monthly report (default: last "
                                                  "month).")
@click.option("--weeks", type=click.IntRange(1, 520), default=12, show_default=True,
              help="Insights: how many weeks before --as-of to look at.")
@click.option("--format", "output_format", type=click.Choice(["md", "json", "xlsx"]),
              default="md", show_default=True,
              help="Markdown for people, JSON for tools, xlsx: an Excel workbook with charts "
                   "(weekly and monthly).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --format xlsx: write the workbook to this file (else to stdout).")
@click.option("--send-to", "send_to", multiple=True, metavar="ADDRESS",
              help="Email the report (HTML and plain text) through the vault's mail "
                   "settings instead of printing it (repeatable).")
@as_of_option
def report_command(kind: str, vault_dir: Path, week: str | None, month: str | None,
                   weeks: int, output_format: str, output: Path | None,
                   send_to: tuple[str, ...], as_of: str | None) -> None:
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
    if output_format == "xlsx" and (kind == INSIGHTS or send_to):
        usage_error("--format xlsx is for a weekly or monthly report, not insights, and is "
                    "written, not sent")
    check_output(output_format, output)
    vault = open_vault(vault_dir)
    moment = parse_as_of(as_of, vault)
    if kind == INSIGHTS:
        history = history_of(vault)
        insights = build_insights_report(vault, history, moment, weeks,
                                         cached_ticket_facts(vault, history, moment))
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
    history = history_of(vault)
    facts = cached_ticket_facts(vault, history, moment)
    if output_format == "xlsx":
        write_binary(build_workbook(vault, history, window, moment,
                                     f"{kind.title()} report {window.label}", facts=facts),
                      output)
        raise SystemExit(EXIT_OK)
    report = build_report(vault, history, kind, window, moment, facts)
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
