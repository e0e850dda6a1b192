"""`opsvault kb new` (also from a ticket, linked both ways) and `opsvault sop new`."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from deskkit import PRINTER, PRINTER_PATH, VPN, desk, ov, printed_path, read, strict_findings

from opsvault.model import KBEntry, load_vault

AT = "2026-11-24T10:00"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk")


def kb_entry(root: Path, kb_id: str) -> KBEntry:
    return next(entry for entry in load_vault(root).kb if entry.id == kb_id)


def test_a_kb_entry_is_drafted_from_a_closed_ticket_and_linked_both_ways(root: Path) -> None:
    before = read(root, PRINTER_PATH)
    result = ov(root, "kb", "new", "--from-ticket", PRINTER, "--as", "bob", "--at", AT)
    assert result.exit_code == 0, result.output
    entry = kb_entry(root, "KB-OPS-002")
    assert entry.path == "kb/Hardware/KB-OPS-002-printer-jams-on-tray-2.md"
    assert (entry.title, entry.category, str(entry.last_updated)) == \
        ("Printer jams on tray 2", "Hardware", "2026-11-24")
    assert entry.meta["related"] == [f"[[{PRINTER}]]"]
    sections = {name: text.strip() for name, (_, text) in entry.sections().items()}
    assert sections["Symptoms"] == "Tray 2 jams on every second page."
    assert sections["Resolution Steps"] == \
        "1. Replaced the roller.\n2. Replaced the tray 2 pickup roller."
    assert sections["Root Cause"] == "Worn pickup roller"
    assert sections["Escalation Path"].startswith("Support tech")
    after = read(root, PRINTER_PATH)
    assert [line for line in after.splitlines() if line not in before.splitlines()] == [
        'kb: "[[KB-OPS-002]]"', "- 2026-11-24 10:00 · bob · Wrote [[KB-OPS-002]] from this ticket."]
    assert strict_findings(root) == []


def test_the_draft_takes_the_script_and_escalation_from_the_ticket(root: Path) -> None:
    ov(root, "ticket", "escalate", VPN, "--to", "alice", "--reason", "Firewall", "--as", "bob",
       "--at", AT)
    ov(root, "ticket", "resolve", VPN, "--resolution", "Lowered the MTU", "--root-cause",
       "MTU mismatch", "--automation", "scripts/python/check_vpn.py", "--as", "alice", "--at", AT)
    result = ov(root, "kb", "new", "VPN MTU fix", "--from-ticket", VPN, "--as", "alice",
                "--at", AT)
    assert result.exit_code == 0, result.output
    entry = kb_entry(root, "KB-OPS-002")
    assert entry.path == "kb/Network/KB-OPS-002-vpn-mtu-fix.md"
    assert entry.meta["script"] == "scripts/python/check_vpn.py"
    sections = {name: text.strip() for name, (_, text) in entry.sections().items()}
    assert sections["Escalation Path"] == f"Escalate to alice, as [[{VPN}]] was."
    assert sections["Script Reference"] == "[[scripts/python/check_vpn.py]]"
    assert "Status " not in sections["Resolution Steps"]
    assert sections["Resolution Steps"].splitlines()[-1] == "4. Lowered the MTU"
    assert strict_findings(root) == []


def test_a_kb_entry_from_a_ticket_is_one_commit_with_both_files(root: Path) -> None:
    result = ov(root, "kb", "new", "--from-ticket", PRINTER, "--commit", "--as", "bob",
                "--at", AT)
    assert result.exit_code == 0, result.output
    head = git.Repo(root).head.commit
    assert sorted(str(p) for p in head.stats.files) == [
        "kb/Hardware/KB-OPS-002-printer-jams-on-tray-2.md", PRINTER_PATH]
    assert head.message == f"{PRINTER}: KB entry KB-OPS-002 written\n\nTicket: {PRINTER}\n"


def test_a_kb_entry_needs_a_resolved_ticket(root: Path) -> None:
    result = ov(root, "kb", "new", "--from-ticket", VPN, "--as", "alice", "--at", AT)
    assert result.exit_code == 1
    assert "is 'in-progress'; write KB entries from resolved or closed tickets" in result.stderr
    assert len(load_vault(root).kb) == 1


def test_a_ticket_gets_one_kb_entry(root: Path) -> None:
    assert ov(root, "kb", "new", "--from-ticket", PRINTER, "--as", "bob",
              "--at", AT).exit_code == 0
    result = ov(root, "kb", "new", "--from-ticket", PRINTER, "--as", "bob", "--at", AT)
    assert result.exit_code == 1
    assert "already has a KB entry: [[KB-OPS-002]]" in result.stderr
    assert len(load_vault(root).kb) == 2


def test_kb_new_takes_the_next_id_and_the_folder_of_its_category(root: Path) -> None:
    result = ov(root, "kb", "new", "Toner smears on prints", "--category", "printer", "--tag",
                "toner", "--as", "bob", "--at", AT)
    assert result.exit_code == 0, result.output
    assert printed_path(result.output) == "kb/Hardware/KB-OPS-002-toner-smears-on-prints.md"
    assert kb_entry(root, "KB-OPS-002").tags == ("toner",)
    assert strict_findings(root) == []


def test_kb_new_with_an_unknown_category_is_refused(root: Path) -> None:
    result = ov(root, "kb", "new", "X", "--category", "Netwrk", "--as", "bob", "--at", AT)
    assert result.exit_code == 1
    assert "did you mean 'Network'" in result.stderr


def test_sop_new_takes_the_next_id_and_its_owner(root: Path) -> None:
    result = ov(root, "sop", "new", "Printer Toner Swap", "--owner", "bob", "--as", "bob",
                "--at", AT)
    assert result.exit_code == 0, result.output
    path = printed_path(result.output)
    assert path == "sops/SOP-002-printer-toner-swap.md"
    sop = next(s for s in load_vault(root).sops if s.path == path)
    assert (sop.id, sop.title, sop.meta["owner"]) == ("SOP-002", "Printer Toner Swap", "bob")
    assert strict_findings(root) == []
    result = ov(root, "sop", "new", "Other", "--owner", "zed", "--as", "bob", "--at", AT)
    assert result.exit_code == 1
