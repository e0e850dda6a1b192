"""A ticket `check` rejects is still shown everywhere it belongs, marked "needs fixing", and the
metrics say what they left out instead of dropping it quietly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deskkit import desk, ov
from sitekit import NOW, site_pages
from vaultkit import TICKET

URGENT = TICKET.replace("id: T-20261118-q7mz", "id: T-20261119-urg1").replace(
    "priority: P2", "priority: urgent").replace("title: VPN drops every 10 minutes",
                                                 "title: Payroll export fails")
WIP = TICKET.replace("id: T-20261118-q7mz", "id: T-20261119-wip2").replace(
    "status: in-progress", "status: wip").replace("title: VPN drops every 10 minutes",
                                                  "title: Shared drive is slow")
FILES = {"tickets/T-20261119-urg1.md": URGENT, "tickets/T-20261119-wip2.md": WIP}
AS_OF = "2026-11-25T14:00"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk", FILES)


def test_list_shows_flawed_tickets_with_what_needs_fixing(root: Path) -> None:
    table = ov(root, "ticket", "list")
    assert table.exit_code == 0, table.output
    assert "T-20261119-urg1" in table.stdout and "T-20261119-wip2" in table.stdout
    assert ("! T-20261119-urg1 needs fixing: priority 'urgent' is not one of P1, P2, P3, P4"
            in table.stdout)
    assert "! T-20261119-wip2 needs fixing: status 'wip' is not one of new" in table.stdout
    rows = {row["id"]: row for row in json.loads(
        ov(root, "ticket", "list", "--format", "json").stdout)}
    assert rows["T-20261119-urg1"]["needs_fixing"] == [
        "priority 'urgent' is not one of P1, P2, P3, P4"]
    assert rows["T-20261118-q7mz"]["needs_fixing"] == []


def test_board_has_a_needs_fixing_column_for_an_unreadable_status(root: Path) -> None:
    board = ov(root, "ticket", "board", "--width", "200")
    assert "NEEDS FIXING (1)" in board.stdout
    assert "! needs fixing: status" in board.stdout and "'wip' is not one of" in board.stdout
    columns = json.loads(ov(root, "ticket", "board", "--format", "json").stdout)
    first = columns["columns"][0] if isinstance(columns, dict) else columns[0]
    assert first["status"] == "needs fixing"
    assert [card["id"] for card in first["tickets"]] == ["T-20261119-wip2"]


def test_sla_names_open_tickets_it_cannot_clock(root: Path) -> None:
    result = ov(root, "sla", "--all", "--format", "json", "--as-of", AS_OF)
    data = json.loads(result.stdout)
    assert [item["ticket"] for item in data["excluded"]] == ["T-20261119-urg1"]
    assert data["excluded"][0]["left_out"] == "SLA and times"
    assert "T-20261119-wip2" in {clock["ticket_id"] for clock in data["tickets"]}
    assert ("tickets/T-20261119-urg1.md: warning: T-20261119-urg1 needs fixing (priority "
            "'urgent' is not one of P1, P2, P3, P4); left out of the figures: SLA and times"
            in result.stderr)


def test_metrics_count_flawed_tickets_and_say_what_they_left_out(root: Path) -> None:
    result = ov(root, "metrics", "--week", "2026-W47", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # VPN (Wed 18th) and both flawed copies (opened at the same moment) fall in W47.
    assert data["summary"]["opened"] == 3
    excluded = {item["ticket"]: item["left_out"] for item in data["excluded"]}
    assert excluded == {"T-20261119-urg1": "SLA and times",
                        "T-20261119-wip2": "nothing: counted as open"}
    assert "T-20261119-urg1 needs fixing" in result.stderr


def test_the_site_boards_and_ticket_page_show_the_mark(tmp_path: Path) -> None:
    assert NOW.isoformat() >= AS_OF
    pages = site_pages(tmp_path, FILES)
    by_status = pages["boards/index.md"]
    assert isinstance(by_status, str)
    assert 'data-column="needs-fixing"' in by_status
    assert "Needs fixing: status 'wip' is not one of" in by_status
    by_priority = pages["boards/by-priority.md"]
    assert isinstance(by_priority, str) and "T-20261119-urg1" in by_priority
    assert 'data-column="needs-fixing"' in by_priority
    ticket = next(content for path, content in pages.items()
                  if path.startswith("tickets/T-20261119-urg1"))
    assert isinstance(ticket, str)
    assert '!!! warning "Needs fixing"' in ticket
    assert "priority 'urgent' is not one of P1, P2, P3, P4" in ticket
