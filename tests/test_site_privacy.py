"""Requester contact data never reaches the site, wherever and however a ticket writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import site_pages
from vaultkit import CLOSED_TICKET, TICKET, write_vault

from opsvault.model import load_vault
from opsvault.pages.privacy import private_ticket, redact

LEAKY = TICKET.replace(
    "title: VPN drops every 10 minutes",
    "title: VPN drops for priya@example.org").replace(
    "  email: priya@example.org",
    "  email: priya@example.org\n  phone: +1 555 0177\nlocation: Desk 4, call 555-0177").replace(
    "The VPN disconnects every ten minutes since the ISP change.",
    "The VPN disconnects. Mail PRIYA@EXAMPLE.ORG or her manager sam.lee@example.org, "
    "or ring (555) 010-0199.")
PLAIN_REQUESTER = CLOSED_TICKET.replace(
    "assignee: bob", 'assignee: bob\nrequester: "Omar Diaz <omar.diaz@example.org>"').replace(
    "Tray 2 jams on every second page.",
    "Tray 2 jams. Omar wrote from omar.diaz@example.org. See ![[T-20261118-q7mz]]")
SECRETS = ["priya@example.org", "PRIYA@EXAMPLE.ORG", "555 0177", "555-0177", "sam.lee",
           "(555) 010-0199", "omar.diaz", "5550177"]


def _published_text(tmp_path: Path, settings: str = "") -> str:
    pages = site_pages(tmp_path, {
        "tickets/T-20261118-q7mz-vpn-drops.md": LEAKY,
        "tickets/T-20261110-ab12.md": PLAIN_REQUESTER,
        **({"vault/opsvault.yml": "time_zone: America/Chicago\n" + settings} if settings
           else {})})
    return "\n".join(c for c in pages.values() if isinstance(c, str))


def test_no_contact_data_is_published_by_default(tmp_path: Path) -> None:
    text = _published_text(tmp_path)
    leaked = [s for s in SECRETS if s.lower() in text.lower()]
    assert leaked == []
    assert "[hidden]" in text
    assert "Priya Shah" in text  # the name stays: it is how the desk knows the requester


def test_contact_data_is_published_when_the_policy_says_so(tmp_path: Path) -> None:
    text = _published_text(tmp_path, "publish:\n  requester_contact: true\n")
    assert "priya@example.org" in text


@pytest.mark.parametrize("kept", ["2026-11-24 10:32", "10.0.0.1", "v10.2.1", "KB-OPS-007",
                                  "T-20261118-q7mz", "port 8443", "1400 bytes"])
def test_dates_addresses_and_ids_are_not_taken_for_phone_numbers(kept: str) -> None:
    assert redact(f"see {kept} now") == f"see {kept} now"


@pytest.mark.parametrize("phone", ["+44 20 7946 0958", "(555) 010-0177", "555-010-0177",
                                   "555.010.0177", "555-0177", "+1-555-010-0177"])
def test_common_phone_formats_are_hidden(phone: str) -> None:
    assert redact(f"call {phone} today") == "call [hidden] today"


def test_a_saved_email_message_is_not_published_unless_contacts_are(tmp_path: Path) -> None:
    folder = "tickets/attachments/T-20261118-q7mz"
    ticket = TICKET.replace(
        "The VPN disconnects every ten minutes since the ISP change.",
        f"Forwarded: [[{folder}/fwd.eml]], log: [[{folder}/client.txt]]")
    files = {"tickets/T-20261118-q7mz-vpn-drops.md": ticket,
             f"{folder}/fwd.eml": b"From: boss@example.org\nSubject: x\n\nhello\n",
             f"{folder}/client.txt": b"tunnel down\n"}
    hidden = site_pages(tmp_path / "hidden", files)
    assert "tickets/attachments/T-20261118-q7mz/client.txt" in hidden
    assert not [path for path in hidden if path.endswith(".eml")]
    ticket_page = next(content for path, content in hidden.items()
                       if path.startswith("tickets/T-20261118-q7mz") and path.endswith(".md"))
    assert isinstance(ticket_page, str) and "fwd.eml" in ticket_page
    shown = site_pages(tmp_path / "shown", {
        **files, "vault/opsvault.yml": "time_zone: America/Chicago\n"
                                      "publish:\n  requester_contact: true\n"})
    assert "tickets/attachments/T-20261118-q7mz/fwd.eml" in shown


def test_a_redacted_ticket_keeps_every_line_where_it_was(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"tickets/T-20261118-q7mz-vpn-drops.md": LEAKY})
    ticket = next(t for t in load_vault(root).tickets if t.id == "T-20261118-q7mz")
    hidden = private_ticket(ticket)
    assert hidden is not ticket
    text = hidden.source.text
    assert [s for s in SECRETS if s.lower() in text.lower()] == []
    assert text == hidden.source.head + hidden.source.body
    assert text.count("\n") == ticket.source.text.count("\n")
    assert hidden.source.head.count("\n") == ticket.source.head.count("\n") == \
        hidden.source.body_line - 1
    assert hidden.meta["requester"]["email"] == "[hidden]"
    assert [e.line for e in hidden.log] == [e.line for e in ticket.log] and ticket.log
