"""Mail from the workflow commands: the requester's replies (`ticket reply`, and `--notify`
on resolve, close, status) and the stakeholders' notices (`--notify` on escalate, and on a
new P1 from `ticket new` or intake)."""

from __future__ import annotations

from email.policy import SMTP
from email.utils import formataddr

import click

from .. import edit, workflow
from ..files import read_source
from ..intake import markdown_safe, one_line
from ..mail import MailError, compose, deliver
from ..mail.notify import stakeholder_message
from ..mail.replies import ReplyError, load_reply, render_reply
from ..model import Ticket, as_text, load_vault
from ..schema import is_email_address
from .common import usage_error
from .updates import Session, refusals, stdin_is_terminal

MESSAGES_DIR = "tickets/messages"
# The reply a workflow command's --notify sends, by the status it moved the ticket to.
NOTIFY_TEMPLATES = {"open": "acknowledge", "waiting-on-user": "need-information",
                    "awaiting-confirmation": "resolved-please-confirm",
                    "resolved": "resolved-please-confirm", "closed": "closed-with-survey"}


def fresh(session: Session, ticket: Ticket) -> Ticket:
    """The ticket as its file is now (after this command's own change)."""
    source, _ = read_source(session.vault.root, ticket.path)
    return Ticket(source, settings=session.vault.settings) if source else ticket


def still_as_read(session: Session, ticket: Ticket) -> None:
    """Refuse (exit 1) before any mail goes out if the ticket's file changed meanwhile: a
    message is only sent when its Log line can be written."""
    with refusals():
        snapshot = edit.read_snapshot(session.vault.root / ticket.path)
        if snapshot.text != ticket.source.text:
            raise edit.FileChangedError(f"{ticket.path} changed on disk while this command "
                                        "ran; nothing was sent. Run the command again.")


def check_notify(session: Session, ticket: Ticket, status: str) -> None:
    """Before a command changes anything: can its --notify email be sent at all?"""
    requester = ticket.meta.get("requester")
    address = as_text(requester.get("email")) if isinstance(requester, dict) else None
    if session.vault.settings.normalise_status(status) not in NOTIFY_TEMPLATES:
        usage_error(f"--notify: no reply goes with '{status}'; use `opsvault ticket reply`")
    if not address or not is_email_address(address):
        usage_error(f"--notify: {ticket.id} has no requester email address (requester.email)")
    if not session.vault.settings.mail.sender:
        usage_error("--notify: set mail.from in vault/opsvault.yml")


def email_requester(session: Session, ticket: Ticket, template: str, text: str,
                    edit: bool | None) -> bool:
    """Send the reply, save it under tickets/messages/<id>/ and log it; False (with one
    line on stderr, nothing recorded) when it could not be delivered."""
    vault, settings = session.vault, session.vault.settings
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
    requester_name = as_text(requester.get("name")) if isinstance(requester, dict) else None
    recipient = formataddr((requester_name or "", address))
    message = compose(settings.mail.sender, [recipient], reply.subject, body, when=session.now,
                      ticket_id=ticket.id, in_reply_to=as_text(ticket.meta.get("message_id")))
    still_as_read(session, ticket)
    try:
        delivery = deliver(message, settings.mail, vault.root)
    except MailError as exc:
        click.echo(f"error: {exc}; nothing was recorded", err=True)
        return False
    saved = f"{MESSAGES_DIR}/{ticket.id}/{session.now:%Y%m%d-%H%M%S}-{template}.eml"
    with refusals():
        change = workflow.add_log(
            settings, ticket, f"Emailed the requester ({template}): "
            f"{one_line(markdown_safe(reply.subject))} [[{saved}]]", session.actor.handle,
            session.now)
        session.save_change(ticket, change, [(saved, message.as_bytes(policy=SMTP))])
    how = "sent via" if delivery.sent else "written to"
    click.echo(f"{ticket.id}: emailed {recipient} ({how} {delivery.where}); saved {saved}")
    return True


def notify_option(function):  # type: ignore[no-untyped-def]
    function = click.option("--message", "-m", "notify_text", default="",
                            help="With --notify: your words in the email.")(function)
    return click.option("--notify", is_flag=True,
                        help="Also email the requester (the reply template for the new "
                             "status).")(function)


def notify_after(session: Session, ticket: Ticket, status: str, text: str) -> None:
    """After a workflow command: the reply for the status it reached, or exit 1 if that
    reply could not be sent (the change itself stands)."""
    template = NOTIFY_TEMPLATES.get(status)
    if template is None:
        usage_error(f"--notify: no reply goes with '{status}'; use `opsvault ticket reply`")
    if not email_requester(session, fresh(session, ticket), template, text, False):
        click.echo(f"{ticket.id}: the change is saved; send the email again with "
                   f"`opsvault ticket reply {ticket.id} {template}`", err=True)
        raise SystemExit(1)


def tell_stakeholders(session: Session, ticket: Ticket, who: list[str], why: str) -> None:
    """Mail the ticket's full context to `who` (handles or addresses) and log it; a delivery
    that fails is one line and exit 1 (the ticket's own change stands)."""
    ticket = fresh(session, ticket)
    vault = session.vault
    if not vault.settings.mail.sender:
        usage_error("--notify: set mail.from in vault/opsvault.yml")
    message, found, unknown = stakeholder_message(vault, ticket, who, why, session.now)
    for name in unknown:
        click.echo(f"warning: --notify: '{name}' is neither a team handle with an email nor "
                   "an email address", err=True)
    if message is None:
        return
    still_as_read(session, ticket)
    try:
        delivery = deliver(message, vault.settings.mail, vault.root)
    except MailError as exc:
        click.echo(f"error: {exc}; nothing was recorded", err=True)
        raise SystemExit(1) from None
    with refusals():
        change = workflow.outside_message(vault.settings, ticket, "system", session.now,
                                          f"{why}: notified {', '.join(found)}", "notified")
        session.save_change(ticket, change)
    how = "sent via" if delivery.sent else "written to"
    click.echo(f"{ticket.id}: notified {', '.join(found)} ({how} {delivery.where})")


def p1_watchers(session: Session, ticket: Ticket) -> list[str]:
    """Who hears of a new ticket of the most urgent priority: its escalate_to."""
    settings = session.vault.settings
    first = next(iter(settings.priorities), None)
    if first is None or ticket.priority != first:
        return []
    target = settings.priorities[first].escalate_to.strip()
    return [] if not target or target.lower() == "self" else [target]


def announce_new(session: Session, ticket_id: str) -> None:
    """`--notify` on a new ticket: a P1 is announced to its escalate_to, others are not."""
    ticket = workflow.find_ticket(load_vault(session.vault.root), ticket_id)
    watchers = p1_watchers(session, ticket)
    if not watchers:
        click.echo(f"note: --notify: {ticket.id} is {ticket.priority}; only the most urgent "
                   "priority is announced", err=True)
        return
    tell_stakeholders(session, ticket, watchers, f"New {ticket.priority} ticket")
