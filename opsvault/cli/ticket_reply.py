"""`opsvault ticket reply ID TEMPLATE`: email the requester, keep the message with the ticket."""

from __future__ import annotations

from datetime import datetime
from email.policy import SMTP
from email.utils import formataddr
from pathlib import Path

import click

from .. import workflow
from ..intake import markdown_safe, one_line
from ..mail import MailError, compose, deliver
from ..mail.replies import ReplyError, load_reply, render_reply
from ..model import as_text
from ..schema import is_email_address
from . import completion as complete
from .updates import (
    refusals,
    start,
    stdin_is_terminal,
    update_options,
    usage_error,
    with_exit_codes,
)

MESSAGES_DIR = "tickets/messages"


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
    vault, settings = session.vault, session.vault.settings
    with refusals():
        ticket = workflow.find_ticket(vault, ticket_ref)
    requester = ticket.meta.get("requester")
    address = as_text(requester.get("email")) if isinstance(requester, dict) else None
    if not address or not is_email_address(address):
        usage_error(f"{ticket.id} has no requester email address (requester.email)")
    if not settings.mail.sender:
        usage_error("set mail.from in vault/opsvault.yml (the address replies come from)")
    technician = vault.team.get(session.actor.handle)
    name = technician.name if technician and technician.name else session.actor.handle
    try:
        source, where = load_reply(vault.root, template)
        reply = render_reply(source, where, ticket, name, text, settings.mail.sender)
    except ReplyError as exc:
        usage_error(str(exc))
    body = reply.markdown
    if edit or (edit is None and not text and stdin_is_terminal()):
        edited = click.edit(body, extension=".md")
        if edited is None or not edited.strip():
            usage_error("the draft is empty; nothing was sent")
        body = edited
    recipient = formataddr((as_text(requester.get("name")) or "", address))  # type: ignore[union-attr]
    message = compose(settings.mail.sender, [recipient], reply.subject, body, when=session.now,
                      ticket_id=ticket.id, in_reply_to=as_text(ticket.meta.get("message_id")))
    try:
        delivery = deliver(message, settings.mail, vault.root)
    except MailError as exc:
        click.echo(f"error: {exc}; nothing was recorded", err=True)
        raise SystemExit(1) from None
    saved = f"{MESSAGES_DIR}/{ticket.id}/{session.now:%Y%m%d-%H%M%S}-{template}.eml"
    with refusals():
        change = workflow.add_log(
            settings, ticket, f"Emailed the requester ({template}): "
            f"{one_line(markdown_safe(reply.subject))} [[{saved}]]", session.actor.handle,
            session.now)
        session.save_change(ticket, change, [(saved, message.as_bytes(policy=SMTP))])
    how = "sent via" if delivery.sent else "written to"
    click.echo(f"{ticket.id}: emailed {recipient} ({how} {delivery.where}); saved {saved}")
