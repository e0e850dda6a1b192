"""An email as opsvault sends it: a plain-text part and an HTML part rendered from the same
Markdown, a subject that names the ticket (`[T-…]`) so that answers come back to it through
`opsvault intake email`, its own Message-ID, and `Auto-Submitted` on automatic messages so
that auto-responders never answer them (RFC 3834)."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from markdown_it import MarkdownIt

# What opsvault sends on its own (notifications), as RFC 3834 names it.
AUTOMATIC = "auto-generated"

# Markdown to HTML for the HTML part, with raw HTML off: a value from a ticket cannot add tags.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown_literal(text: str) -> str:
    """Outside text (a ticket's title, a requester's name) as literal Markdown: the characters
    that make emphasis, code, links or tags are escaped; the rest stays readable in the
    plain-text part."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "opsvault.invalid"


def compose(sender: str, to: list[str], subject: str, markdown: str, *, when: datetime,
            ticket_id: str | None = None, automatic: bool = False,
            cc: list[str] | None = None, in_reply_to: str | None = None) -> EmailMessage:
    """One message from `sender` to `to`; the subject is prefixed `[ticket_id]` if given."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if ticket_id and f"[{ticket_id}]" not in subject:
        subject = f"[{ticket_id}] {subject}"
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(idstring=ticket_id or None, domain=_domain(sender))
    if in_reply_to:  # the requester's own message: their mail client threads the answer
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    if automatic:
        message["Auto-Submitted"] = AUTOMATIC
        message["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office replies
    message.set_content(markdown.strip() + "\n")
    html = _MARKDOWN.render(markdown)
    message.add_alternative(f"<!DOCTYPE html>\n<html><body>\n{html}</body></html>\n",
                            subtype="html")
    return message
