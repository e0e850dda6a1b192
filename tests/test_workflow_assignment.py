"""Assignment suggestions: skill set, workload against capacity, level against priority."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskkit import VPN, VPN_PATH, desk, ov, read, strict_findings
from vaultkit import TICKET

from opsvault.assignment import suggest_assignees
from opsvault.model import load_vault

AT = "2026-11-24T10:00"
TEAM = """\
technicians:
  - {handle: sam, name: Sam Senior, level: senior, skills: [network, access], capacity: 2}
  - {handle: lee, name: Lee Two, level: L2, skills: [network, hardware], capacity: 5}
  - {handle: una, name: Una One, level: L1, skills: [printing, request], capacity: 5}
  - {handle: old, name: Old Timer, level: senior, skills: [network], active: false}
"""


def ticket(ticket_id: str, priority: str, category: str, assignee: str | None = None,
           status: str = "new") -> str:
    text = TICKET.replace("id: T-20261118-q7mz", f"id: {ticket_id}") \
        .replace("priority: P2", f"priority: {priority}") \
        .replace("category: network", f"category: {category}") \
        .replace("status: in-progress", f"status: {status}").replace("· alice ·", "· sam ·")
    return text.replace("assignee: alice", f"assignee: {assignee}" if assignee else "assignee:")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk", {
        "vault/team.yml": TEAM, VPN_PATH: ticket(VPN, "P1", "network"),
        "tickets/T-20261110-ab12.md": None, "sops/SOP-001-password-reset.md": None})


def ranking(root: Path, ticket_id: str = VPN) -> list[str]:
    vault = load_vault(root)
    return [s.handle for s in suggest_assignees(vault, vault.ticket(ticket_id))]


def test_a_p1_goes_to_a_free_senior_with_the_skill_and_says_why(root: Path) -> None:
    vault = load_vault(root)
    best, *rest = suggest_assignees(vault, vault.ticket(VPN))
    assert best.handle == "sam"
    assert best.reasons == ("knows network", "0 of 2 open tickets", "senior suits a P1")
    assert [s.handle for s in rest] == ["lee", "una"]  # inactive technicians are never asked


def test_a_technician_at_capacity_drops_below_one_with_room(tmp_path: Path) -> None:
    busy = {f"tickets/T-2026111{n}-bus{n}.md": ticket(f"T-2026111{n}-bus{n}", "P3", "access",
                                                      "sam", "in-progress") for n in (1, 2)}
    root = desk(tmp_path / "desk", {"vault/team.yml": TEAM, VPN_PATH: ticket(VPN, "P1", "network"),
                                    **busy})
    vault = load_vault(root)
    suggestions = suggest_assignees(vault, vault.ticket(VPN))
    assert [s.handle for s in suggestions][:2] == ["lee", "sam"]
    assert "2 of 2 open tickets (at capacity)" in suggestions[1].reasons


def test_a_low_priority_goes_to_a_junior_with_the_skill(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {"vault/team.yml": TEAM,
                                    VPN_PATH: ticket(VPN, "P4", "printing")})
    vault = load_vault(root)
    suggestions = suggest_assignees(vault, vault.ticket(VPN))
    assert suggestions[0].handle == "una"
    assert "L1 suits a P4" in suggestions[0].reasons
    assert "senior is more senior than a P4 needs" in suggestions[-1].reasons


def test_assign_suggest_assigns_the_best_and_logs_why(root: Path) -> None:
    result = ov(root, "ticket", "assign", VPN, "--suggest", "--as", "sam", "--at", AT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split()[:2] == ["1.", "sam"]
    ticket = load_vault(root).ticket(VPN)
    assert ticket.assignee == "sam"
    assert ticket.log[-1].text == ("Assigned to sam (suggested: knows network; 0 of 2 open "
                                   "tickets; senior suits a P1).")
    assert strict_findings(root) == []


def test_assign_suggest_dry_run_only_prints(root: Path) -> None:
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "assign", VPN, "--suggest", "--dry-run", "--as", "sam")
    assert result.exit_code == 0
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["sam", "lee", "una"]
    assert read(root, VPN_PATH) == before


def test_assign_needs_a_handle_or_suggest(root: Path) -> None:
    assert ov(root, "ticket", "assign", VPN, "--as", "sam").exit_code == 2
    assert ov(root, "ticket", "assign", VPN, "lee", "--suggest", "--as", "sam").exit_code == 2


def test_assigning_an_inactive_technician_is_refused(root: Path) -> None:
    result = ov(root, "ticket", "assign", VPN, "old", "--as", "sam", "--at", AT)
    assert result.exit_code == 1
    assert "'old' is marked inactive" in result.stderr
