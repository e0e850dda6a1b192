"""Tickets from email (`opsvault intake email FILE.eml`); `intake.message` reads the message.

Subject → title, sender → requester, Date → opened, the text body (HTML parts turned into text,
scripts and styles dropped, never executed or copied as HTML) → description, forwarded messages
quoted below it, attachments (forwards as `.eml`) saved under tickets/attachments/<id>/ with
sanitised names. A reply whose subject names an existing ticket id is appended to that ticket's
Log instead of opening a new ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType

from ..mail.automatic import BOUNCE, RECEIPT
from ..model import ATTACHMENTS_DIR, Ticket, Vault, as_text
from ..schema import is_email_address
from ..search import likely_repeat, may_apply_hint, repeat_hint_text
from ..workflow import Change, NewDocument, allocate_ticket_id, new_ticket, outside_message
from . import IntakeError, guess, markdown_safe, one_line, title_safe
from .message import Forwarded, IncomingEmail, parse_email, unique_name

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_QUOTE_HEADER = re.compile(r"^On .+ wrote:\s*$")
# The survey's mailto links send "[T-…] rating N" (mail.replies.rating_links).
_RATING = re.compile(r"\]\s*rating\s+(\d{1,3})\s*$", re.I)
SATISFACTION_RANGE = range(1, 6)


@dataclass(frozen=True)
class EmailIntake:
    """The result: a new ticket, or a Log line for an existing one; files to save with it."""

    ticket_id: str
    new: NewDocument | None
    ticket: Ticket | None  # the existing ticket a reply is added to
    change: Change | None
    attachments: tuple[tuple[str, bytes], ...]  # vault-relative path → bytes
    notes: tuple[str, ...]


# --- turning it into a ticket ---------------------------------------------------------------

def clean_subject(subject: str) -> str:
    """`Re: FW: [T-…] VPN drops` → `[T-…] VPN drops` (reply and forward prefixes removed)."""
    return _REPLY_PREFIX.sub("", subject).strip()


def referenced_ticket(vault: Vault, subject: str) -> Ticket | None:
    """The existing ticket whose id the subject names (a reply), if any."""
    for match in vault.settings.ticket_id.pattern.finditer(subject):
        following = subject[match.end():match.end() + 1]
        if following.isalnum():
            continue
        ticket = vault.ticket(match.group(0))
        if ticket is not None:
            return ticket
    return None


def _new_text(text: str) -> str:
    """A reply without the quoted earlier messages."""
    kept: list[str] = []
    for line in text.splitlines():
        if _QUOTE_HEADER.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def _blockquote(text: str) -> str:
    lines = markdown_safe(text).splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def _attachment_links(paths: list[str]) -> str:
    return ", ".join(f"[[{path}]]" for path in paths)


def _forwarded_section(forward: Forwarded, saved: dict[str, str]) -> str:
    when = f", {forward.date:%Y-%m-%d %H:%M %z}" if forward.date else ""
    about = f", subject “{title_safe(forward.subject)}”" if forward.subject else ""
    head = f"Forwarded email from {one_line(markdown_safe(forward.sender))}{when}{about}"
    if forward.saved_as in saved:
        head += f" (saved as [[{saved[forward.saved_as]}]])"
    return f"{head}:\n\n{_blockquote(forward.text or '(no text)')}"


def _description(message: IncomingEmail, saved: dict[str, str]) -> str:
    """The new ticket's description: the text, each forwarded message, the attachment links."""
    if message.text:
        body = message.text
    elif message.attachments or message.forwarded:
        body = "(no text: see the attachments)"
    else:
        body = "(no text)"
    sections = [f"Email from {message.sender_name or message.sender_email}:\n\n"
                + _blockquote(body)]
    sections += [_forwarded_section(forward, saved) for forward in message.forwarded]
    if saved:
        sections.append(f"Attachments: {_attachment_links(list(saved.values()))}")
    return "\n\n".join(sections)


def _mentioned_ticket(vault: Vault, message: IncomingEmail) -> Ticket | None:
    """The ticket an automatic message is about: named in its subject, in the message it
    returns (a bounce quotes the original), or in its text."""
    texts = [message.subject, *(forward.subject for forward in message.forwarded),
             message.text, *(a.data[:65536].decode("latin-1") for a in message.attachments)]
    for text in texts:
        ticket = referenced_ticket(vault, text)
        if ticket is not None:
            return ticket
    return None


def _automatic(vault: Vault, message: IncomingEmail, sent: datetime) -> EmailIntake:
    """An auto-reply, bounce or receipt: a Log line on the ticket it is about, never a new
    ticket and never an answer (no mail loops)."""
    automatic = message.automatic
    assert automatic is not None
    ticket = _mentioned_ticket(vault, message)
    if ticket is None or not ticket.id:
        raise IntakeError(f"automatic mail ({automatic.kind}: {automatic.reason}) names no "
                          "ticket; no ticket opened")
    who = message.sender_name or message.sender_email
    if automatic.kind == BOUNCE:
        text = "Email to the requester bounced" + (
            f": {markdown_safe(automatic.detail)}" if automatic.detail else f" ({who})")
    elif automatic.kind == RECEIPT:
        text = f"Read receipt from {who}"
    else:
        first = next((line for line in message.text.splitlines() if line.strip()), "")
        text = f"Automatic reply from {who}" + (f": {markdown_safe(first)}" if first else "")
    change = outside_message(vault.settings, ticket, "system", sent, one_line(text, 240),
                             f"{automatic.kind} logged")
    return EmailIntake(ticket.id, None, ticket, change, (), (
        f"{automatic.kind} ({automatic.reason}): logged on {ticket.id}, no ticket opened",))


def _rating(vault: Vault, ticket: Ticket, author: str, sent: datetime, score: int) -> Change:
    """A survey answer: `satisfaction:` on a closed ticket; anything else is logged only."""
    settings = vault.settings
    if score not in SATISFACTION_RANGE:
        text = f"Rating {score} received from the requester, not applied: ratings are 1–5."
    elif ticket.status != settings.closed_status:
        text = (f"Rating {score} received from the requester, not applied: the ticket is "
                f"{ticket.status}, not {settings.closed_status}.")
    else:
        change = outside_message(settings, ticket, author, sent,
                                 f"Rated {score} of 5 by the requester.",
                                 f"satisfaction {score}")
        return replace(change, fields=MappingProxyType({"satisfaction": score}))
    return outside_message(settings, ticket, author, sent, text, "rating logged")


def take_email(vault: Vault, template: str, data: bytes, now: datetime) -> EmailIntake:
    """Open a ticket from an email, or add a reply to the ticket its subject names."""
    settings = vault.settings
    message = parse_email(data, settings.max_attachment_bytes)
    sent = message.date if message.date and message.date <= now else now
    if message.automatic is not None:
        return _automatic(vault, message, sent)
    existing = referenced_ticket(vault, message.subject)
    notes = [f"attachment skipped: {reason}" for reason in message.skipped] + list(message.notes)
    ticket_id = existing.id if existing is not None and existing.id else \
        allocate_ticket_id(vault, sent)
    folder = f"{ATTACHMENTS_DIR}/{ticket_id}"
    taken = {path.rpartition("/")[2].lower() for path in vault.attachments
             if path.startswith(folder + "/")}
    paths = {a.name: f"{folder}/{unique_name(a.name, taken)}" for a in message.attachments}
    saved = [(paths[a.name], a.data) for a in message.attachments]
    links = _attachment_links([path for path, _ in saved])
    author = _author(vault, message.sender_email)

    if existing is not None and (rating := _RATING.search(clean_subject(message.subject))):
        return EmailIntake(ticket_id, None, existing,
                           _rating(vault, existing, author, sent, int(rating.group(1))),
                           (), tuple(notes))
    if existing is not None:
        reply = _new_text(message.text) or (
            "(no new text: see the attachments)" if saved else "(no new text)")
        text = f"Email reply from {message.sender_name or message.sender_email}: " \
            + one_line(markdown_safe(reply))
        if links:
            text += f" Attachments: {links}"
        change = outside_message(settings, existing, author, sent, text,
                                 "email reply added to the Log")
        if not existing.is_active:
            notes.append(f"{ticket_id} is {existing.status}; if the problem is back, run "
                         f"`opsvault ticket reopen {ticket_id} --reason …`")
        return EmailIntake(ticket_id, None, existing, change, tuple(saved), tuple(notes))

    subject = clean_subject(message.subject) or next(
        (clean_subject(forward.subject) for forward in message.forwarded if forward.subject), "")
    title = title_safe(subject) or f"Email from {title_safe(message.sender_email)}"
    guessed = guess(settings, subject, "\n\n".join(
        [message.text] + [forward.text for forward in message.forwarded]))
    description = _description(message, paths)
    requester = {"name": message.sender_name, "email": message.sender_email}
    if not is_email_address(message.sender_email):
        # `guest@localhost` and the like: kept in the text, never as an address check rejects.
        requester = {"name": message.sender_name or message.sender_email}
        description += (f"\n\nSent from {markdown_safe(message.sender_email or '')}, which is "
                        "not a deliverable email address: replies cannot reach it.")
    document = new_ticket(
        vault, template, title=title, priority=guessed.priority, category=guessed.category,
        opened=sent, description=description,
        fields={"channel": "email", "requester": {k: v for k, v in requester.items() if v},
                "guessed": ["category", "priority"], "message_id": message.message_id},
        log=("system", f"Opened from an email; guessed {guessed.describe()}: check both."
                 + may_apply_hint(vault, f"{subject}\n{message.text}")
                 + repeat_hint_text(likely_repeat(vault, f"{subject}\n{message.text}", sent,
                                                  (requester.get("email") or "").lower(), ""),
                                    ticket_id)),
        ticket_id=ticket_id,
    )
    return EmailIntake(document.id, document, None, None, tuple(saved), tuple(notes))


def _author(vault: Vault, sender: str) -> str:
    """A team member writing from their own address signs as themselves, others as requester."""
    for technician in vault.team.technicians:
        if (as_text(technician.email) or "").lower() == sender:
            return technician.handle
    return "requester"
