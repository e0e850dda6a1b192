"""The history cache: `.opsvault/history.sqlite`, so a re-run reads only the new commits.

The cache holds the events of every commit up to `head`, one row per ticket, and is used only
when everything else that shaped those events is unchanged: the cache format and opsvault's
version, the settings file, where the vault sits in the repository, a shallow clone's
boundary and `git replace` refs. Whether `head` is still in the current history is the
caller's question. Any doubt — a different key, an unreadable file, a missing table — means
"rebuild", never a guess. A full rebuild is written to a new file that then replaces the old
one; an update is one transaction that rewrites only the rows of the tickets it touched.
Rows are decoded when a timeline is first asked for, and each holds the digest of its events
(`events_digest`), so that a command comparing versions (`metrics`, with the facts cache)
need not read the events at all. SQLite and JSON rather than pickle:
opening a cache found in a cloned folder must not run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..model import CACHE_DIR, prepare_cache_folder
from ..sqlite_cache import in_slices
from .events import CHANGE, MENTION, FileEvent, TicketEvent
from .timeline import EventSource, events_digest

CACHE_NAME = "history.sqlite"
# "3": the Log section is found outside fenced code and date-times outside 1900–2999 are no
# times, so events cached by format 2 may differ from what the history now reads. "5": each
# row holds the digest of its events, so that their version is told without reading them.
FORMAT = "5"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tickets (ticket_id TEXT PRIMARY KEY, has_file INTEGER NOT NULL,
                      status_pairs TEXT NOT NULL, events TEXT NOT NULL,
                      digest TEXT NOT NULL);
CREATE TABLE renamed_ids (old TEXT PRIMARY KEY, new TEXT NOT NULL);
CREATE TABLE file_events (time TEXT, kind TEXT, area TEXT, path TEXT, old_path TEXT,
                          commit_sha TEXT, author TEXT);
CREATE TABLE warnings (path TEXT, line INTEGER, code TEXT, message TEXT);
CREATE TABLE broken (blob TEXT PRIMARY KEY, before TEXT NOT NULL);
"""



# Separators inside the status_pairs column (statuses are names from the settings file).
_RECORD, _UNIT = "\x1e", "\x1f"
_KEY_LABELS = {"format": "cache format", "settings": "settings file",
               "shallow_boundary": "shallow clone boundary",
               "replace_refs": "set of git replace refs"}


@dataclass
class CachedHistory:
    """Events up to `head`, grouped by ticket id, with what the next run needs."""

    head: str
    tickets: dict[str, EventSource] = field(default_factory=dict)
    with_file: set[str] = field(default_factory=set)  # ids with a file version, not mentions
    renamed_ids: dict[str, str] = field(default_factory=dict)  # id changed in the file
    # Each ticket's (old, new) status changes, without decoding its events: what `check`
    # needs to find the few tickets whose history breaks the workflow.
    status_pairs: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    file_events: list[FileEvent] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    broken_before: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_events(cls, head: str, events: Iterable[TicketEvent],
                    file_events: list[FileEvent], warnings: list[Diagnostic],
                    broken_before: dict[str, str]) -> CachedHistory:
        history = cls(head, file_events=file_events, warnings=warnings,
                      broken_before=broken_before)
        tickets: dict[str, list[TicketEvent]] = {}
        pairs: dict[str, set[tuple[str, str]]] = {}
        for event in events:
            tickets.setdefault(event.ticket_id, []).append(event)
            if event.kind != MENTION:
                history.with_file.add(event.ticket_id)
            if event.kind == CHANGE and event.old and event.new:
                if event.field == "id":
                    history.renamed_ids[event.old] = event.new
                elif event.field == "status":
                    pairs.setdefault(event.ticket_id, set()).add((event.old, event.new))
        history.tickets.update(tickets)
        history.status_pairs = {ticket_id: frozenset(found) for ticket_id, found in pairs.items()}
        return history

    def extended(self, update: CachedHistory) -> CachedHistory:
        """This history followed by `update`, the events of the commits after `head`."""
        tickets = dict(self.tickets)
        for ticket_id, events in update.tickets.items():
            tickets[ticket_id] = [*_events(tickets.get(ticket_id, ())), *_events(events)]
        pairs = dict(self.status_pairs)
        for ticket_id, found in update.status_pairs.items():
            pairs[ticket_id] = pairs.get(ticket_id, frozenset()) | found
        return CachedHistory(update.head, tickets, self.with_file | update.with_file,
                             {**self.renamed_ids, **update.renamed_ids}, pairs,
                             self.file_events + update.file_events,
                             self.warnings + update.warnings,
                             {**self.broken_before, **update.broken_before})


def _events(source: EventSource) -> Sequence[TicketEvent]:
    return source() if callable(source) else source


def cache_path(vault_root: Path) -> Path:
    return vault_root / CACHE_DIR / CACHE_NAME


def load(path: Path, key: Mapping[str, str], only: Collection[str] | None = None,
         events: bool = True, head: str | None = None) -> tuple[CachedHistory | None, str]:
    """The cached history, or None and why it cannot be used.

    With `only` (ticket ids), just the rows those tickets' timelines are made of (an id
    changed in the file joins the rows of its earlier ids) and none of the file events: a
    history good for answering about those tickets, not for extending or saving. Without
    `events`, the tickets' status pairs and events digests but none of their events, which
    are read from the cache when a timeline is asked for. With `head`, None (no row read)
    unless the cache is at that commit."""
    if not path.is_file():
        return None, "no cache yet"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, "the cache cannot be opened"
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        for name, value in key.items():
            if meta.get(name) != value:
                label = _KEY_LABELS.get(name, name.replace("_", " "))
                return None, f"the cache was made with a different {label}"
        cached_head = meta.get("head")
        if not cached_head:
            return None, "the cache has no head commit"
        if head is not None and cached_head != head:
            return None, "the cache is at another commit"
        history = CachedHistory(cached_head)
        history.renamed_ids = dict(connection.execute("SELECT old, new FROM renamed_ids"))
        columns = _COLUMNS if events else _COLUMNS_WITHOUT_EVENTS
        if only is None:
            rows = connection.execute(f"SELECT {columns} FROM tickets")
        else:
            rows = _rows_of(connection, sorted(_sources_of(only, history.renamed_ids)),
                            columns)
        if not events:
            reader = _RowReader(path)
        parsed_pairs: dict[str, frozenset[tuple[str, str]]] = {}
        for ticket_id, has_file, pairs, text, digest in rows:
            history.tickets[ticket_id] = EncodedEvents(ticket_id, text, digest) if events \
                else StoredEvents(ticket_id, reader, digest)
            if has_file:
                history.with_file.add(ticket_id)
            if pairs:
                found = parsed_pairs.get(pairs)
                if found is None:  # most tickets went the same way: parsed once each
                    found = parsed_pairs[pairs] = frozenset(
                        tuple(pair.split(_UNIT, 1)) for pair in pairs.split(_RECORD))  # type: ignore[misc]
                history.status_pairs[ticket_id] = found
        history.file_events = [] if only is not None else [
            FileEvent(datetime.fromisoformat(time), kind, area, path_, old_path, commit, author)
            for time, kind, area, path_, old_path, commit, author
            in connection.execute("SELECT * FROM file_events")]
        history.warnings = [Diagnostic(path_, line, code, message, Severity.WARNING)
                            for path_, line, code, message
                            in connection.execute("SELECT * FROM warnings")]
        history.broken_before = dict(connection.execute("SELECT blob, before FROM broken"))
    except (sqlite3.Error, ValueError, TypeError):
        return None, "the cache is unreadable"
    finally:
        connection.close()
    return history, ""


_COLUMNS = "ticket_id, has_file, status_pairs, events, digest"
_COLUMNS_WITHOUT_EVENTS = "ticket_id, has_file, status_pairs, NULL, digest"


def _rows_of(connection: sqlite3.Connection, ticket_ids: Sequence[str],
             columns: str = _COLUMNS) -> Iterator[tuple]:
    for query in in_slices(f"SELECT {columns} FROM tickets WHERE ticket_id IN ({{}})",
                           ticket_ids):
        yield from connection.execute(*query)


def _sources_of(ticket_ids: Collection[str], renamed_ids: Mapping[str, str]) -> set[str]:
    """The ids whose events make up the timelines of `ticket_ids`: themselves and every id
    that was renamed, in one step or several, into one of them."""
    found = set(ticket_ids)
    for old in renamed_ids:
        seen, current = {old}, old
        while current in renamed_ids and renamed_ids[current] not in seen:
            current = renamed_ids[current]
            seen.add(current)
        if current in found:
            found.add(old)
    return found


def save(path: Path, key: Mapping[str, str], history: CachedHistory) -> bool:
    """Write a whole cache to a new file, then move it into place. False if it cannot be."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        prepare_cache_folder(path.parent)
        temporary.unlink(missing_ok=True)
        connection = sqlite3.connect(temporary)
        try:
            with connection:
                connection.executescript(_SCHEMA)
                _write(connection, history, history.tickets)
                connection.executemany("INSERT INTO meta VALUES (?, ?)",
                                       [*key.items(), ("head", history.head)])
        finally:
            connection.close()
        os.replace(temporary, path)
        return True
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False


def append(path: Path, previous_head: str, update: CachedHistory,
           combined: CachedHistory) -> bool:
    """Record `update` (the commits after `previous_head`) in one transaction, if the cache
    is still at `previous_head`: another run may have moved it on. `combined` holds the
    touched tickets' whole event lists. False if nothing was written."""
    try:
        connection = sqlite3.connect(path, timeout=5)
    except sqlite3.Error:
        return False
    try:
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute("SELECT value FROM meta WHERE key = 'head'").fetchone()
            if row is None or row[0] != previous_head:
                return False
            touched = {ticket_id: combined.tickets[ticket_id] for ticket_id in update.tickets}
            _write(connection, update, touched, combined.with_file, combined.status_pairs)
            connection.execute("UPDATE meta SET value = ? WHERE key = 'head'", (update.head,))
        return True
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _write(connection: sqlite3.Connection, history: CachedHistory,
           tickets: Mapping[str, EventSource], with_file: set[str] | None = None,
           status_pairs: Mapping[str, frozenset[tuple[str, str]]] | None = None) -> None:
    with_file = history.with_file if with_file is None else with_file
    status_pairs = history.status_pairs if status_pairs is None else status_pairs
    def row(ticket_id: str, events: EventSource) -> tuple[str, int, str, str, str]:
        encoded = encode_events(_events(events))
        return (ticket_id, int(ticket_id in with_file),
                _RECORD.join(f"{old}{_UNIT}{new}" for old, new in status_pairs.get(ticket_id, ())),
                encoded, events_digest(ticket_id, encoded))

    connection.executemany(f"INSERT OR REPLACE INTO tickets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                           (row(ticket_id, events) for ticket_id, events in tickets.items()))
    connection.executemany("INSERT OR REPLACE INTO renamed_ids VALUES (?, ?)",
                           history.renamed_ids.items())
    connection.executemany(
        "INSERT INTO file_events VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((e.time.isoformat(), e.kind, e.area, e.path, e.old_path, e.commit, e.author)
         for e in history.file_events))
    connection.executemany("INSERT INTO warnings VALUES (?, ?, ?, ?)",
                           ((w.path, w.line, w.code, w.message) for w in history.warnings))
    connection.executemany("INSERT OR REPLACE INTO broken VALUES (?, ?)",
                           history.broken_before.items())


def encode_events(events: Iterable[TicketEvent]) -> str:
    return json.dumps(
        [[e.time.isoformat(), e.kind, e.commit, e.commit_time.isoformat(), e.author, e.field,
          e.old, e.new, e.text, e.path, e.explicit, e.seq] for e in events],
        ensure_ascii=False, separators=(",", ":"))


class EncodedEvents:
    """A ticket's cached events as stored, decoded each time it is called (the timelines
    call it once); `encoded` is what `encode_events` wrote, `digest` its `events_digest`."""

    __slots__ = ("digest", "encoded", "ticket_id")

    def __init__(self, ticket_id: str, encoded: str, digest: str) -> None:
        self.ticket_id, self.encoded, self.digest = ticket_id, encoded, digest

    def __call__(self) -> list[TicketEvent]:
        return decode_events(self.ticket_id, self.encoded)


class _RowReader:
    """Reads single rows' events from a cache file over one read-only connection, opened
    when first needed and shared by every `StoredEvents` of one load: a fresh clone's
    `metrics` asks for all 20,000. A cache replaced meanwhile is still read as it was
    when opened, the one its rows were listed from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # a connection serves one query at a time

    def events(self, ticket_id: str) -> str:
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                                   check_same_thread=False)
            row = self._connection.execute("SELECT events FROM tickets WHERE ticket_id = ?",
                                           (ticket_id,)).fetchone()
        if row is None:
            raise sqlite3.DatabaseError(f"the history cache lost the row of {ticket_id}")
        return str(row[0])


class StoredEvents:
    """A ticket's events left in the cache file until asked for (`check` decodes the
    timelines of the few tickets whose status pairs break the workflow, of 20,000): read
    from the file each time, as `EncodedEvents` holds them; `digest` is known without."""

    __slots__ = ("digest", "reader", "ticket_id")

    def __init__(self, ticket_id: str, reader: _RowReader, digest: str) -> None:
        self.ticket_id, self.reader, self.digest = ticket_id, reader, digest

    @property
    def encoded(self) -> str:
        return self.reader.events(self.ticket_id)

    def __call__(self) -> list[TicketEvent]:
        return decode_events(self.ticket_id, self.encoded)


def decode_events(ticket_id: str, text: str) -> list[TicketEvent]:
    times: dict[str, datetime] = {}

    def moment(value: str) -> datetime:
        parsed = times.get(value)
        if parsed is None:
            parsed = times[value] = datetime.fromisoformat(value)
        return parsed

    return [TicketEvent(moment(time), kind, ticket_id, commit, moment(commit_time), author,
                        field_name, old, new, note, path, explicit, seq)
            for time, kind, commit, commit_time, author, field_name, old, new, note, path,
            explicit, seq in json.loads(text)]
