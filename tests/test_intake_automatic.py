"""`opsvault intake email` never opens a ticket for automatic mail (no mail loops): an
auto-reply, bounce or receipt about a ticket is a Log line on it; any other is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from automatic_corpus import SHAPES, Shape, about
from deskkit import VPN, VPN_PATH, desk, ov, read, strict_findings
from email_samples import message

AT = "2026-11-24T12:00"


def tickets(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "tickets").glob("*.md"))


@pytest.mark.parametrize("shape", SHAPES, ids=[shape.name for shape in SHAPES])
def test_automatic_mail_about_a_ticket_is_logged_on_it(tmp_path: Path, shape: Shape) -> None:
    root = desk(tmp_path / "desk")
    before = tickets(root)
    result = ov(root, "intake", "email", "-", "--at", AT, stdin=about(shape, VPN))
    assert result.exit_code == 0, result.output
    assert tickets(root) == before  # no ticket opened
    last = read(root, VPN_PATH).rstrip("\n").splitlines()[-1]
    assert " · system · " in last and shape.logged in last, last
    assert f"{shape.kind} (" in result.stderr
    assert strict_findings(root) == []


@pytest.mark.parametrize("shape", SHAPES, ids=[shape.name for shape in SHAPES])
def test_automatic_mail_about_no_ticket_is_refused(tmp_path: Path, shape: Shape) -> None:
    root = desk(tmp_path / "desk")
    before = tickets(root)
    vpn = read(root, VPN_PATH)
    result = ov(root, "intake", "email", "-", "--at", AT, stdin=about(shape, "T-20990101-none"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: automatic mail ({shape.kind}: ")
    assert result.stderr.rstrip().endswith("names no ticket; no ticket opened")
    assert len(result.stderr.strip().splitlines()) == 1
    assert tickets(root) == before and read(root, VPN_PATH) == vpn


@pytest.mark.parametrize("subject", ["Out of toner on the 2nd floor", "Automation script fails",
                                     "Delivery of the new laptops", "Absence of Wi-Fi in room 4"])
def test_people_writing_about_such_things_still_open_tickets(tmp_path: Path,
                                                             subject: str) -> None:
    root = desk(tmp_path / "desk")
    result = ov(root, "intake", "email", "-", "--at", AT, stdin=message(subject=subject))
    assert result.exit_code == 0, result.output
    assert "opened" in result.stdout
