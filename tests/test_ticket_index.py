"""The ticket index (`.opsvault/tickets.sqlite`): `ticket list`, `board` and `sla` read only
the ticket files that changed, and answer exactly what reading every file answers."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from gitkit import ticket
from vaultkit import run_cli, write_vault

from opsvault import ticket_index
from opsvault.listing import TicketFilter, select_tickets, ticket_row
from opsvault.model import load_vault
from opsvault.ticket_index import TicketSummary, index_path, ticket_summaries

AS_OF = "2026-12-01T12:00:00-06:00"

TICKETS = {
    "tickets/2026-11/T-20261116-aaaa.md": ticket("T-20261116-aaaa", "in-progress", "P1"),
    "tickets/2026-11/T-20261117-bbbb.md": ticket("T-20261117-bbbb", "closed", "P3",
                                                 follow_up="2026-11-30"),
    "tickets/2026-11/T-20261118-cccc.md": ticket("T-20261118-cccc", "In Progress", "p2",
                                                 assignee=None),
    "tickets/2026-11/T-20261119-dddd.md": ticket("T-20261119-dddd", "bogus", "P9",
                                                 opened="not a date"),
    "tickets/T-20261120-eeee.md": ticket("T-20261120-eeee", "waiting-on-user", "P4",
                                         category="printing"),
    "tickets/attachments/T-20261116-aaaa/log.md": "not a ticket\n",
    "tickets/T-20261121-ffff.md": "---\nid: [unclosed\n---\nbroken\n",
}


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Files written a moment ago are not indexed (they could still change within the same
    # clock tick): for these tests, "a moment" is nothing.
    monkeypatch.setattr(ticket_index, "RACY_SECONDS", 0)
    return write_vault(tmp_path / "vault", TICKETS)


def from_files(root: Path) -> list[TicketSummary]:
    return [TicketSummary.of(t) for t in load_vault(root).tickets]


def rows(root: Path) -> dict[str, tuple]:
    connection = sqlite3.connect(index_path(root))
    try:
        return {row[0]: row for row in connection.execute("SELECT * FROM tickets")}
    finally:
        connection.close()


def test_summaries_from_the_index_equal_those_read_from_every_file(root: Path) -> None:
    vault = load_vault(root)
    cold, cold_problems = ticket_summaries(root, vault.settings)
    warm, warm_problems = ticket_summaries(root, vault.settings)
    assert cold == warm == from_files(root)
    assert len(cold) == 7 and index_path(root).is_file()  # and the two base tickets
    assert set(rows(root)) == {s.path for s in cold}  # the broken file is never indexed
    assert [p.path for p in cold_problems] == [p.path for p in warm_problems] == [
        "tickets/T-20261121-ffff.md"]
    active, _ = ticket_summaries(root, vault.settings, active_only=True)
    assert active == [s for s in cold if s.is_active]
    assert "tickets/2026-11/T-20261117-bbbb.md" not in {s.path for s in active}


def test_an_edited_file_is_read_again(root: Path) -> None:
    settings = load_vault(root).settings
    ticket_summaries(root, settings)
    path = root / "tickets/2026-11/T-20261116-aaaa.md"
    path.write_text(ticket("T-20261116-aaaa", "resolved", "P1"), encoding="utf-8")
    summaries, _ = ticket_summaries(root, settings)
    assert summaries == from_files(root)
    assert next(s for s in summaries if s.id == "T-20261116-aaaa").status == "resolved"


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(root: Path) -> None:
    settings = load_vault(root).settings
    path = root / "tickets/T-20261120-eeee.md"
    ticket_summaries(root, settings)
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("assignee: alice", "assignee: bobby")
    assert len(text) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or rsync do
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    summaries, _ = ticket_summaries(root, settings)
    assert next(s for s in summaries if s.id == "T-20261120-eeee").assignee == "bobby"


def test_a_linked_ticket_is_stamped_as_the_file_it_leads_to(root: Path) -> None:
    # A link inside the vault is read as its target (`walk_files`): an edit of the target
    # must show through the link, though the link itself did not change.
    target = root / "tickets/2026-11/T-20261116-aaaa.md"
    link = root / "tickets/T-20261116-aaaa-link.md"
    link.symlink_to(target)
    settings = load_vault(root).settings
    ticket_summaries(root, settings)
    assert rows(root)["tickets/T-20261116-aaaa-link.md"][1:5] == (
        target.stat().st_size, target.stat().st_mtime_ns, target.stat().st_ctime_ns,
        target.stat().st_ino)
    target.write_text(ticket("T-20261116-aaaa", "resolved", "P1"), encoding="utf-8")
    summaries, _ = ticket_summaries(root, settings)
    assert [s.status for s in summaries if s.path.endswith("-aaaa-link.md")] == ["resolved"]
    assert summaries == from_files(root)


def test_a_file_changed_just_before_it_was_read_is_not_indexed(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ticket_index, "RACY_SECONDS", 3600)
    ticket_summaries(root, load_vault(root).settings)
    assert rows(root) == {}


def test_deleted_and_new_files_are_seen(root: Path) -> None:
    settings = load_vault(root).settings
    ticket_summaries(root, settings)
    (root / "tickets/2026-11/T-20261116-aaaa.md").unlink()
    (root / "tickets/2026-12").mkdir()
    (root / "tickets/2026-12/T-20261201-gggg.md").write_text(
        ticket("T-20261201-gggg", "new", "P2"), encoding="utf-8")
    summaries, _ = ticket_summaries(root, settings)
    assert summaries == from_files(root)
    assert "tickets/2026-11/T-20261116-aaaa.md" not in rows(root)
    assert "tickets/2026-12/T-20261201-gggg.md" in rows(root)


def test_a_changed_settings_file_starts_a_new_index(root: Path) -> None:
    ticket_summaries(root, load_vault(root).settings)
    settings_file = root / "vault/opsvault.yml"
    settings_file.write_text(settings_file.read_text() + "priorities:\n  P9:\n    label: Whenever"
                             "\n    first_response: 3bd\n    resolution: 20bd\n", encoding="utf-8")
    settings = load_vault(root).settings
    summaries, _ = ticket_summaries(root, settings)
    assert summaries == from_files(root)
    assert next(s for s in summaries if s.id == "T-20261119-dddd").priority == "P9"


@pytest.mark.parametrize("damage", [b"not a database at all", b""])
def test_a_damaged_index_is_replaced_not_trusted(root: Path, damage: bytes) -> None:
    settings = load_vault(root).settings
    ticket_summaries(root, settings)
    index_path(root).write_bytes(damage)
    assert ticket_summaries(root, settings)[0] == from_files(root)
    assert ticket_summaries(root, settings)[0] == from_files(root)
    assert len(rows(root)) == 7


def test_a_row_that_cannot_be_decoded_means_reading_its_file(root: Path) -> None:
    settings = load_vault(root).settings
    ticket_summaries(root, settings)
    connection = sqlite3.connect(index_path(root))
    with connection:
        connection.execute("UPDATE tickets SET opened = 'garbage'")
    connection.close()
    assert ticket_summaries(root, settings)[0] == from_files(root)


def test_a_vault_where_no_index_can_be_written_is_still_listed(root: Path) -> None:
    (root / ".opsvault").write_text("a file where the cache folder would be\n")
    settings = load_vault(root).settings
    assert ticket_summaries(root, settings)[0] == from_files(root)
    assert ticket_summaries(root, settings)[0] == from_files(root)


@pytest.mark.parametrize("args", [
    ("ticket", "list"), ("ticket", "list", "--all"), ("ticket", "list", "--status", "closed"),
    ("ticket", "list", "--follow-up-due"), ("ticket", "list", "--assignee", "none"),
    ("ticket", "list", "--priority", "P1", "--older-than", "3d"), ("ticket", "board"),
])
def test_list_and_board_print_what_every_file_says(root: Path, args: tuple[str, ...]) -> None:
    command = [*args, "--vault", str(root), "--as-of", AS_OF, "--format", "json"]
    cold, warm = run_cli(*command), run_cli(*command)
    assert cold.exit_code == warm.exit_code == 0, cold.stderr
    assert json.loads(cold.stdout) == json.loads(warm.stdout)
    vault = load_vault(root)
    if args[1] == "list":
        selection = _cli_selection(args)
        now = datetime.fromisoformat(AS_OF)
        expected = [ticket_row(t, now)
                    for t in select_tickets(vault.tickets, vault.settings, selection, now)]
        assert json.loads(warm.stdout) == json.loads(json.dumps(expected))
    # The file that cannot be read is named, with its line, on every run.
    assert "tickets/T-20261121-ffff.md:3:" in warm.stderr
    assert "1 ticket file could not be read and is left out" in warm.stderr


def _cli_selection(args: tuple[str, ...]) -> TicketFilter:
    options = dict(zip(args[2::2], args[3::2], strict=False))
    return TicketFilter(
        statuses=(options["--status"],) if "--status" in options else (),
        priorities=(options["--priority"],) if "--priority" in options else (),
        assignees=(options["--assignee"],) if "--assignee" in options else (),
        older_than=timedelta(days=3) if "--older-than" in options else None,
        include_done="--all" in args, follow_up_due="--follow-up-due" in args)


def test_board_cards_wrap_titles_exactly_as_textwrap_does() -> None:
    import random
    import string
    import textwrap

    from opsvault.listing import _wrapped

    chooser = random.Random(14)
    alphabet = string.ascii_letters + "  \t\n-—é日"
    for _ in range(20_000):
        text = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 40)))
        width = chooser.randint(5, 40)
        assert _wrapped(text, width, 2) == textwrap.wrap(text, width, max_lines=2,
                                                         placeholder="…"), (text, width)
