"""The queue pages: mine, unassigned, due soon or overdue, waiting on the requester and
follow-ups due, each a table of exactly its tickets, most urgent first, judged at a stated
moment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gitkit import ticket
from sitekit import NOW, page, site_pages
from vaultkit import write_vault

from opsvault.metrics import BREACHED, open_clocks
from opsvault.metrics.verdict import due_soon_horizon, is_due_soon
from opsvault.model import load_vault
from opsvault.pages import render

AS_OF_TEXT = "as of 2026-11-25 14:00 America/Chicago"
HOSTILE = "Printer | <script>alert(1)</script> *jam*"
TICKETS = {
    # Opened Monday, no answer: past its P1 first-response target by Wednesday afternoon.
    "tickets/T-20261123-late.md": ticket("T-20261123-late", "new", "P1",
                                         opened="2026-11-23T09:00:00-06:00", assignee=None),
    "tickets/T-20261125-soon.md": ticket("T-20261125-soon", "new", "P3",
                                         opened="2026-11-25T13:00:00-06:00", assignee=None,
                                         title="x"),
    "tickets/T-20261120-wait.md": ticket("T-20261120-wait", "waiting-on-user", "P3",
                                         opened="2026-11-20T09:00:00-06:00", assignee="bob",
                                         first_response="2026-11-20T09:30:00-06:00"),
    "tickets/T-20261119-done.md": ticket("T-20261119-done", "resolved", "P3",
                                         opened="2026-11-19T09:00:00-06:00", assignee="bob",
                                         follow_up="2026-11-24",
                                         resolved="2026-11-19T15:00:00-06:00"),
    "tickets/T-20261124-evil.md": ticket("T-20261124-evil", "in-progress", "P4",
                                         opened="2026-11-24T09:00:00-06:00", assignee="alice"
                                         ).replace("title: Ticket T-20261124-evil",
                                                   f"title: '{HOSTILE}'"),
}
ROW = re.compile(r"^\| \[(T-\d{8}-\w{4})\]", re.MULTILINE)


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", TICKETS)


def listed(text: str) -> list[str]:
    return ROW.findall(text)


def test_each_queue_lists_exactly_its_tickets(root: Path) -> None:
    pages = site_pages(root)
    active = [t for t in load_vault(root).tickets if t.is_active]
    assert sorted(listed(page(pages, "boards/queues/unassigned.md"))) == sorted(
        t.id for t in active if not t.assignee)
    assert sorted(listed(page(pages, "boards/queues/waiting-on-user.md"))) == [
        "T-20261120-wait"]
    assert listed(page(pages, "boards/queues/follow-ups-due.md")) == ["T-20261119-done"]
    for handle in ("alice", "bob"):
        assert sorted(listed(page(pages, f"boards/queues/mine/{handle}.md"))) == sorted(
            t.id for t in active if t.assignee == handle), handle
    assert "T-20261119-done" not in page(pages, "boards/queues/mine/bob.md")  # resolved


def test_due_soon_holds_the_breached_and_due_soon_clocks_most_urgent_first(root: Path) -> None:
    staged, site = render(load_vault(root), NOW)
    text = next(f.content for f in staged if f.path == "boards/queues/due-soon.md")
    assert isinstance(text, str)
    horizon = due_soon_horizon(NOW, site.vault.settings)
    clocks = [c for c in open_clocks(site.facts) if c.state == BREACHED
              or (c.minutes_left or 0) < 0 or is_due_soon(c, horizon)]
    assert sorted(listed(text)) == sorted(c.ticket_id for c in clocks)
    assert {"T-20261123-late", "T-20261125-soon"} <= set(listed(text))
    assert listed(text)[0] == "T-20261123-late"  # the breached one before the one due soon
    assert "breached" in text.split("T-20261123-late", 2)[2].split("\n", 1)[0]


def test_every_queue_says_when_it_was_judged_and_links_back(root: Path) -> None:
    pages = site_pages(root)
    queue_pages = [path for path in pages if path.startswith("boards/queues/")]
    assert len(queue_pages) == 5 + 2  # the four queues, the index and one per technician
    for path in queue_pages:
        assert AS_OF_TEXT in page(pages, path), path
    assert "[All queues](index.md)" in page(pages, "boards/queues/unassigned.md")
    assert "[Queues](boards/queues/index.md)" in page(pages, "index.md")
    assert "[Unassigned](boards/queues/unassigned.md) (2)" in page(pages, "index.md")
    assert "[Queues](queues/index.md)" in page(pages, "boards/index.md")
    index = page(pages, "boards/queues/index.md")
    assert "| [Assigned to Bob Okafor](mine/bob.md) | 1 |" in index


def test_an_empty_queue_says_so(tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    assert "No ticket is waiting on its requester." in page(
        pages, "boards/queues/waiting-on-user.md")
    assert "| Ticket |" not in page(pages, "boards/queues/waiting-on-user.md")


def test_a_hostile_title_stays_text_in_a_queue_table(root: Path) -> None:
    text = page(site_pages(root), "boards/queues/mine/alice.md")
    row = next(line for line in text.splitlines() if "T-20261124-evil" in line)
    assert "<script>" not in row and "&lt;script&gt;" in row
    assert r"Printer \| " in row and r"\*jam\*" in row
    assert len(re.split(r"(?<!\\)\|", row)) == 10  # eight cells: the title's | is escaped


def test_no_queues_when_tickets_are_not_published(tmp_path: Path) -> None:
    pages = site_pages(tmp_path, {**TICKETS, "vault/opsvault.yml":
                                  "time_zone: America/Chicago\npublish:\n  tickets: false\n"})
    assert not [path for path in pages if path.startswith("boards/")]
    assert "queues" not in page(pages, "index.md")
