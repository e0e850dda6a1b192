"""`opsvault ticket reply ID TEMPLATE`: email the requester, keep the message with the ticket."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from .. import workflow
from . import completion as complete
from .requester_mail import email_requester
from .updates import refusals, start, update_options, with_exit_codes


@click.command("reply")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.argument("template", metavar="TEMPLATE")
@click.option("--message", "-m", "text", default="",
              help="Your words, in Markdown, where the template says {{ message }}.")
@click.option("--edit/--no-edit", default=None,
              help="Open $EDITOR on the draft (default: on a terminal, when no --message).")
@update_options
@with_exit_codes
def reply_command(ticket_ref: str, template: str, text: str, edit: bool | None,
                  vault_dir: Path, actor_handle: str | None, commit: bool | None,
                  at: datetime | None) -> None:
    """Email the requester from a reply template, and keep the message with the ticket.

    TEMPLATE is one of vault/templates/replies/ (shipped: acknowledge, need-information,
    workaround, resolved-please-confirm, closed-with-survey). The subject carries the
    ticket id, so the answer comes back to the ticket through `opsvault intake email`;
    it threads with the requester's first message. The email has a plain-text and an
    HTML part. Sent over the vault's SMTP settings, or written to the outbox for a mail
    client; either way it is saved under tickets/messages/<id>/ and logged. A failed
    delivery records nothing.

    \b
    Examples:
      opsvault ticket reply T-20261125-r1cj acknowledge
      opsvault ticket reply r1cj need-information -m "Which network does the kiosk show?"
    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
    if not email_requester(session, ticket, template, text, edit):
        raise SystemExit(1)
