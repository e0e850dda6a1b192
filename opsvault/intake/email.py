"""Tickets from email (`opsvault intake email FILE.eml`), with the standard library only.

Subject → title, sender → requester, Date → opened, the text body (HTML parts turned into text,
scripts and styles dropped, never executed or copied as HTML) → description, attachments saved
under tickets/attachments/<id>/ with sanitised names. A reply whose subject names an existing
ticket id is appended to that ticket's Log instead of opening a new ticket.
"""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from ..model import ATTACHMENTS_DIR, Ticket, Vault, as_text
from ..schema import is_email_address
from ..workflow import Change, NewDocument, allocate_ticket_id, new_ticket, outside_message
from . import IntakeError, guess, markdown_safe, one_line, title_safe

MAX_MESSAGE_BYTES = 50 * 1024 * 1024
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_SAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)", re.I)
_QUOTE_HEADER = re.compile(r"^On .+ wrote:\s*$")


@dataclass(frozen=True)
class Attachment:
    name: str  # sanitised file name
    data: bytes


@dataclass(frozen=True)
class IncomingEmail:
    """What opsvault takes from one email message."""

    subject: str
    sender_name: str | None
    sender_email: str
    date: datetime | None
    text: str  # the body as plain text
    attachments: tuple[Attachment, ...]
    skipped: tuple[str, ...]  # attachments left out, each with the reason


@dataclass(frozen=True)
class EmailIntake:
    """The result: a new ticket, or a Log line for an existing one; files to save with it."""

    ticket_id: str
    new: NewDocument | None
    ticket: Ticket | None  # the existing ticket a reply is added to
    change: Change | None
    attachments: tuple[tuple[str, bytes], ...]  # vault-relative path → bytes
    notes: tuple[str, ...]


# --- reading the message --------------------------------------------------------------------

class _TextExtractor(HTMLParser):
    """HTML → plain text: keeps the words, drops script/style and every tag and attribute."""

    SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "iframe",
                      "object", "svg"})
    BLOCKS = frozenset({"p", "div", "br", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4",
                        "h5", "h6", "blockquote", "pre", "hr", "section", "article"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML part; nothing in it is run or kept as markup."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sanitise_filename(name: str | None, fallback: str = "attachment") -> str:
    """A safe file name: the last path part, ASCII letters/digits/._- only, no leading dots."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if c.isprintable())
    text = _SAFE_NAME_CHARACTERS.sub("-", text.strip())
    text = re.sub(r"\.{2,}", ".", text).strip(".-_")
    if _WINDOWS_RESERVED.match(text):
        text = "file-" + text
    if not text:
        return fallback
    stem, dot, extension = text.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return f"{stem[:80]}.{extension}"
    return text[:90]


def _unique_name(name: str, taken: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}-{number}" + (f".{extension}" if extension else "")
    taken.add(candidate.lower())
    return candidate


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _body_text(message: EmailMessage) -> str:
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return _part_text(plain).strip()
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(_part_text(html))
    return ""


def parse_email(data: bytes, max_attachment_bytes: int) -> IncomingEmail:
    """Read an RFC 5322 message; IntakeError when it is not a usable email."""
    if not data.strip():
        raise IntakeError("the input is empty; expected an email message (.eml)")
    if len(data) > MAX_MESSAGE_BYTES:
        raise IntakeError(f"the message is larger than {MAX_MESSAGE_BYTES // 1024 // 1024} MB")
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    if not message.keys():
        raise IntakeError("not an email message: it has no headers (From:, Subject:, …)")
    try:
        senders = getaddresses([str(value) for value in message.get_all("From", [])])
        subject = " ".join(str(message.get("Subject", "")).split())
        date_header = message.get("Date")
    except (ValueError, TypeError, IndexError) as exc:
        raise IntakeError(f"malformed email headers: {exc}") from None
    sender_name, sender_email = next(((n, a) for n, a in senders if "@" in a), ("", ""))
    if not sender_email:
        raise IntakeError("the email has no sender address (From:)")
    text = _body_text(message)
    if not subject and not text:
        raise IntakeError("the email has neither a subject nor a text body")
    attachments: list[Attachment] = []
    skipped: list[str] = []
    taken: set[str] = set()
    for index, part in enumerate(message.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = _unique_name(sanitise_filename(part.get_filename(), f"attachment-{index}"), taken)
        if len(payload) > max_attachment_bytes:
            skipped.append(f"{name} ({len(payload) // 1024} KB; the limit is "
                           f"{max_attachment_bytes // 1024} KB)")
            continue
        attachments.append(Attachment(name, payload))
    return IncomingEmail(subject, sender_name.strip() or None, sender_email.strip().lower(),
                         _date(date_header), text, tuple(attachments), tuple(skipped))


def _date(header: object) -> datetime | None:
    if not header:
        return None
    try:
        parsed = parsedate_to_datetime(str(header))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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


def take_email(vault: Vault, template: str, data: bytes, now: datetime) -> EmailIntake:
    """Open a ticket from an email, or add a reply to the ticket its subject names."""
    settings = vault.settings
    message = parse_email(data, settings.max_attachment_bytes)
    sent = message.date if message.date and message.date <= now else now
    existing = referenced_ticket(vault, message.subject)
    notes = [f"attachment skipped: {reason}" for reason in message.skipped]
    ticket_id = existing.id if existing is not None and existing.id else \
        allocate_ticket_id(vault, sent)
    folder = f"{ATTACHMENTS_DIR}/{ticket_id}"
    taken = {path.rpartition("/")[2].lower() for path in vault.attachments
             if path.startswith(folder + "/")}
    saved = [(f"{folder}/{_unique_name(a.name, taken)}", a.data) for a in message.attachments]
    links = _attachment_links([path for path, _ in saved])
    author = _author(vault, message.sender_email)

    if existing is not None:
        reply = _new_text(message.text) or "(no new text)"
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

    title = title_safe(clean_subject(message.subject)) or "(no subject)"
    guessed = guess(settings, message.subject, message.text)
    description = f"Email from {message.sender_name or message.sender_email}:\n\n" \
        + _blockquote(message.text or "(no text)")
    if links:
        description += f"\n\nAttachments: {links}"
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
                "guessed": ["category", "priority"]},
        log=("system", f"Opened from an email; guessed {guessed.describe()}: check both."),
        ticket_id=ticket_id,
    )
    return EmailIntake(document.id, document, None, None, tuple(saved), tuple(notes))


def _author(vault: Vault, sender: str) -> str:
    """A team member writing from their own address signs as themselves, others as requester."""
    for technician in vault.team.technicians:
        if (as_text(technician.email) or "").lower() == sender:
            return technician.handle
    return "requester"
