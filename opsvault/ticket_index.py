"""The ticket index: `.opsvault/tickets.sqlite`, what lists and boards show of each ticket file,
so that `ticket list`, `ticket board` and `sla` re-read only the files that changed.

A row stands for its file only while the file's size, modification and change times (in
nanoseconds) and inode are what they were when it was read. A file written again within the
same tick of the file system's clock could keep all four, so a file changed less than
`RACY_SECONDS` before it was read is not indexed (git's "racy clean" case); it is read again
next time. A file that could not be read, or was read with findings, is never indexed either:
it is read each time, so its findings are always reported. The whole index is dropped when
opsvault's version or the settings file changes, since statuses, priorities and categories
decide what a row holds. SQLite, not pickle: opening an index found in a copied folder must
not run code. The index is a help, never a need: any trouble with it and the files are read.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .diagnostics import Diagnostic
from .files import read_source
from .model import (
    CACHE_DIR,
    Stamp,
    Ticket,
    prepare_cache_folder,
    stamped_ticket_paths,
)
from .schema import SETTINGS_PATH, Settings
from .sqlite_cache import add_rows, read_rows, write_new

INDEX_NAME = "tickets.sqlite"
FORMAT = "1"
RACY_SECONDS = 2
_FLAW_SEPARATOR = "\x1f"
_SHORT_ROW = 5  # path and stamp: what `_read` fetches of a row only compared with its file
_INSERT = f"INSERT OR REPLACE INTO tickets VALUES ({', '.join('?' * 15)})"

_SCHEMA = """
CREATE TABLE tickets (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                      ctime_ns INTEGER, inode INTEGER, id TEXT, title TEXT, status TEXT,
                      priority TEXT, category TEXT, assignee TEXT, opened TEXT,
                      follow_up TEXT, flaws TEXT, active INTEGER);
"""


class TicketSummary(NamedTuple):
    """A ticket as lists and boards show it: `Ticket`'s own values, without its text."""

    path: str
    id: str | None
    title: str
    status: str | None
    priority: str | None
    category: str | None
    assignee: str | None
    opened: datetime | None
    follow_up: date | None
    flaws: tuple[str, ...]
    is_active: bool

    @classmethod
    def of(cls, ticket: Ticket) -> TicketSummary:
        return cls(ticket.path, ticket.id, ticket.title, ticket.status, ticket.priority,
                   ticket.category, ticket.assignee, ticket.opened, ticket.follow_up,
                   ticket.flaws, ticket.is_active)


def index_path(vault_root: Path) -> Path:
    return vault_root / CACHE_DIR / INDEX_NAME


def ticket_summaries(root: Path, settings: Settings, active_only: bool = False,
                     stamps: dict[str, Stamp] | None = None
                     ) -> tuple[list[TicketSummary], list[Diagnostic]]:
    """Every ticket file of the vault at `root` as lists show it (only the active ones, and
    those whose status cannot be read, with `active_only`), in the order `load_vault` reads
    them, and why each file that could not be read is missing (as `load_vault` leaves it
    out). Unchanged files come from the index; other findings are `check`'s to report.

    `stamps`, when given, is filled with each listed file's stamp as it was looked at, for
    a caller that compares it with a cache of its own (20,000 files stat'ed once, not
    twice)."""
    root = Path(root).resolve()
    problems: list[Diagnostic] = []
    path = index_path(root)
    key = _key(root)
    indexed = _read(path, key, active_only)
    summaries: list[TicketSummary] = []
    fresh: list[tuple[str, Stamp, TicketSummary]] = []
    listed: set[str] = set()
    for rel_path, stamp in stamped_ticket_paths(root, problems):
        listed.add(rel_path)
        row = indexed.get(rel_path)
        if row is not None and stamp is not None and row[1:_SHORT_ROW] == stamp:
            if len(row) == _SHORT_ROW:
                continue  # an inactive ticket, not wanted
            summary = _summary(row)
            if summary is not None:
                summaries.append(summary)
                if stamps is not None:
                    stamps[rel_path] = stamp
                continue
        started_ns = time.time_ns()
        source, found = read_source(root, rel_path)
        if source is None:
            problems.extend(found)
            continue
        summary = TicketSummary.of(Ticket(source, settings=settings))
        if not active_only or summary.is_active:
            summaries.append(summary)
            if stamps is not None and stamp is not None:
                stamps[rel_path] = stamp
        if stamp is not None and not found and \
                max(stamp[1], stamp[2]) < started_ns - RACY_SECONDS * 10**9:
            fresh.append((rel_path, stamp, summary))
    gone = indexed.keys() - listed
    if fresh or gone or indexed is _EMPTY:
        _write(path, key, fresh, gone, replace_all=indexed is _EMPTY)
    return summaries, problems


def settings_digest(root: Path) -> str:
    """The settings file's digest: what a cache made under other settings differs in."""
    try:
        settings_bytes = (root / SETTINGS_PATH).read_bytes()
    except OSError:
        settings_bytes = b""
    return hashlib.sha256(settings_bytes).hexdigest()


def _key(root: Path) -> dict[str, str]:
    return {"format": FORMAT, "opsvault_version": __version__,
            "settings": settings_digest(root)}


# What `_read` answers when there is no usable index: the next write starts a new one.
_EMPTY: dict[str, tuple] = {}


def _read(path: Path, key: dict[str, str], active_only: bool) -> dict[str, tuple]:
    """The index's rows by path, not yet decoded; with `active_only`, of the inactive
    tickets only what a comparison with their file needs (path and stamp)."""
    queries = ("SELECT * FROM tickets",) if not active_only else (
        "SELECT path, size, mtime_ns, ctime_ns, inode FROM tickets WHERE active = 0",
        "SELECT * FROM tickets WHERE active != 0")
    rows = read_rows(path, key, *queries)
    return {row[0]: row for row in rows} if rows is not None else _EMPTY


def _summary(row: tuple) -> TicketSummary | None:
    """A row as the ticket it stands for; None for a row that cannot be (the file is read)."""
    try:
        (rel_path, _, _, _, _, ticket_id, title, status, priority, category, assignee, opened,
         follow_up, flaws, active) = row
        return TicketSummary(
            rel_path, ticket_id, title, status, priority, category, assignee,
            datetime.fromisoformat(opened) if opened else None,
            date.fromisoformat(follow_up) if follow_up else None,
            tuple(flaws.split(_FLAW_SEPARATOR)) if flaws else (), bool(active))
    except (ValueError, TypeError, AttributeError):
        return None


def _row(rel_path: str, stamp: Stamp, summary: TicketSummary) -> tuple:
    return (rel_path, *stamp, summary.id, summary.title, summary.status, summary.priority,
            summary.category, summary.assignee,
            summary.opened.isoformat() if summary.opened else None,
            summary.follow_up.isoformat() if summary.follow_up else None,
            _FLAW_SEPARATOR.join(summary.flaws), int(summary.is_active))


def _write(path: Path, key: dict[str, str],
           fresh: Iterable[tuple[str, Stamp, TicketSummary]],
           gone: Iterable[str], replace_all: bool) -> None:
    """Record what was read; a new index is written whole and moved into place. Failing to
    write (a read-only vault, another run holding the lock) only means reading again."""
    rows = [_row(*item) for item in fresh]
    if replace_all:
        write_new(path, key, _SCHEMA, _INSERT, rows, prepare_cache_folder)
    else:
        add_rows(path, key, _INSERT, rows, "DELETE FROM tickets WHERE path = ?",
                 ((p,) for p in gone))
