"""`opsvault intake …`: tickets from email messages and Alertmanager webhooks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..intake.alerts import take_alert
from ..intake.email import take_email
from ..note_templates import load_template
from .common import vault_option
from .requester_mail import announce_new
from .updates import (
    at_option,
    commit_option,
    read_input,
    refusals,
    start,
    with_exit_codes,
)


@click.group("intake")
def intake_group() -> None:
    """Open tickets from email and monitoring alerts.

    \b
    Examples:
      opsvault intake email message.eml
      curl … | opsvault intake alert -
    """


@intake_group.command("email")
@click.argument("source", metavar="FILE.eml|-")
@vault_option
@commit_option
@at_option
@click.option("--notify", is_flag=True,
              help="Announce a new P1 to its escalate_to by email, with the whole context.")
@with_exit_codes
def email_command(source: str, vault_dir: Path, commit: bool | None,
                  at: datetime | None, notify: bool) -> None:
    """Open a ticket from an email message (a .eml file, or - for standard input).

    Subject → title, sender → requester, Date → opened, the text body → description
    (HTML is turned into text; scripts are dropped, never run). Attachments are saved
    under tickets/attachments/<id>/ with safe names. Category and priority are guessed
    from the keywords in vault/opsvault.yml and marked in `guessed:`. A reply whose
    subject names a ticket id is added to that ticket's Log instead.

    \b
    Examples:
      opsvault intake email ~/Downloads/printer-jam.eml --commit
      fetchmail … | opsvault intake email -
    """
    data = read_input(source)
    session = start(vault_dir, None, commit, at, needs_actor=False)
    with refusals():
        result = take_email(session.vault, load_template(session.vault.root, "ticket"), data,
                            session.now)
        for note in result.notes:
            click.echo(f"warning: {note}", err=True)
        if result.new is not None:
            session.save_new(result.new, result.attachments)
        elif result.ticket is not None and result.change is not None:
            session.save_change(result.ticket, result.change, result.attachments)
        for path, _ in result.attachments:
            click.echo(f"saved {path}")
    if notify and result.new is not None:
        announce_new(session, result.new.id)


@intake_group.command("alert")
@click.argument("source", metavar="FILE.json|-")
@vault_option
@commit_option
@at_option
@click.option("--notify", is_flag=True,
              help="Announce a new P1 to its escalate_to by email, with the whole context.")
@with_exit_codes
def alert_command(source: str, vault_dir: Path, commit: bool | None,
                  at: datetime | None, notify: bool) -> None:
    """Open or update a ticket from a Prometheus Alertmanager webhook payload.

    One ticket per alert group (kept in the ticket's alert_group): channel alert,
    priority from the severity label (setting intake.alert_severity). A group that
    fires again while its ticket is open adds a Log line; a resolved notification
    is logged on the group's ticket.

    \b
    Examples:
      opsvault intake alert payload.json
      opsvault intake alert - < payload.json
    """
    data = read_input(source)
    session = start(vault_dir, None, commit, at, needs_actor=False)
    with refusals():
        result = take_alert(session.vault, load_template(session.vault.root, "ticket"), data,
                            session.now)
        if result.new is not None:
            session.save_new(result.new)
        elif result.ticket is not None and result.change is not None:
            session.save_change(result.ticket, result.change)
        else:
            click.echo(result.message)
    if notify and result.new is not None:
        announce_new(session, result.new.id)
