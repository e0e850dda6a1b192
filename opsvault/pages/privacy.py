"""Requester contact data kept off the site: the vault as the site may show it.

With `publish.requester_contact: false` (the default) every ticket is rewritten before any page
is made from it — front matter, title, location, resolution, description and Log alike — so
that no page, board, embed, search entry or report can show what the ticket holds: the
requester's email and phone in any case or common phone format, and any other email address or
phone number written in the ticket's text. One place does it, so no page can forget.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from ..model import Ticket, Vault, as_text

HIDDEN = "[hidden]"
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Phone numbers as people write them: international (+44 20 7946 0958), with an area code in
# brackets ((555) 010-0177), North American (555-010-0177, 555.010.0177) and local (555-0177).
# Dates (2026-11-24), times, versions and IP addresses have other shapes and are left alone.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}"
    r"|\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"|\d{3}[.-]\d{3}[.-]\d{4}"
    r"|\d{3}-\d{4})(?![\w-])")


def _digits_pattern(phone: str) -> re.Pattern[str] | None:
    """The requester's own number in any format: its last seven digits with any separators."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return None
    return re.compile(r"(?<!\d)" + r"[\s().-]*".join(digits[-7:]) + r"(?!\d)")


def redact(text: str, own: tuple[str, ...] = (), own_phone: re.Pattern[str] | None = None
           ) -> str:
    """`text` with contact data replaced by [hidden]."""
    for value in own:
        if value.lower() in text.lower():
            text = re.sub(re.escape(value), HIDDEN, text, flags=re.I)
    if own_phone is not None:
        text = own_phone.sub(HIDDEN, text)
    if "@" in text:
        text = EMAIL.sub(HIDDEN, text)
    return PHONE.sub(HIDDEN, text)


def _redact_value(value: Any, own: tuple[str, ...], own_phone: re.Pattern[str] | None) -> Any:
    if isinstance(value, str):
        return redact(value, own, own_phone)
    if isinstance(value, Mapping):
        return {key: _redact_value(item, own, own_phone) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_value(item, own, own_phone) for item in value]
    return value


def requester_contacts(ticket: Ticket) -> tuple[str, ...]:
    """The requester's email and phone as the ticket gives them (a mapping or one string)."""
    requester = ticket.meta.get("requester")
    if isinstance(requester, Mapping):
        values = [as_text(requester.get(key)) for key in ("email", "phone")]
    else:
        text = as_text(requester) or ""
        values = [*EMAIL.findall(text), *PHONE.findall(text)]
    return tuple(v for v in values if v and len(v) >= 5)


def private_ticket(ticket: Ticket) -> Ticket:
    """The ticket with its contact data hidden (the same object when it holds none)."""
    own = requester_contacts(ticket)
    phones = [v for v in own if "@" not in v]
    own_phone = _digits_pattern(phones[0]) if phones else None
    source = ticket.source
    head, body = redact(source.head, own, own_phone), redact(source.body, own, own_phone)
    if head == source.head and body == source.body:
        return ticket
    # Redaction never adds or removes a line break, so every line number stays right.
    redacted = dataclasses.replace(
        source, head=head, body=body, meta=_redact_value(dict(source.meta), own, own_phone))
    return Ticket(redacted, settings=ticket.settings)


def published_vault(vault: Vault) -> Vault:
    """The vault as the site shows it: contact data hidden unless the policy publishes it."""
    if vault.settings.publish.requester_contact:
        return vault
    return dataclasses.replace(vault, tickets=tuple(private_ticket(t) for t in vault.tickets))
