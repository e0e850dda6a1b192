"""The facts cache: `.opsvault/facts.sqlite`, each ticket's facts apart from its SLA clocks, so
that `sla`, `metrics`, the reports and the site compute only the clocks of the tickets nothing
happened to.

A ticket's facts (when it was opened, answered, resolved; its active and waiting periods; who
it was for) follow from its file, its history, the settings and the team, and not from the
moment asked about: only the clocks do. So a row holds a ticket's `FactsBasis` with what it was
computed from: a digest of the file's text, the file's stamp when it was read (size,
modification and change times, inode; as in the ticket index, not for a file changed within
`RACY_SECONDS` of being read), and a digest of its events (`History.events_version`, read
without decoding them). `sla`, which does not read the files of unchanged tickets, goes by the
stamp; a command that has loaded the vault goes by the text. The whole cache is dropped when
opsvault's version, the settings file or the team changes. A row is only ever a copy of what
`facts_basis` computes: any doubt about it — an unreadable cache, a row that does not decode —
and the facts are computed again. A row also holds the last moment of the ticket's span
(`TicketFacts.span`), so that `metrics` decodes only the rows of tickets that can count in its
window and leaves the years before as text (`EarlierFacts`) unless a `repeat_of` chain names
one of them. An open ticket's row also keeps its clocks as read at its last event
(`ClockState`), with what `sla` lists of it: `sla` runs them on to the moment asked about and
decodes nothing else (`kept_clocks`). SQLite and JSON, not pickle: opening a cache found in a
copied folder must not run code.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from .. import __version__
from ..business_time import BusinessCalendar
from ..diagnostics import Diagnostic, paused_gc
from ..history import History
from ..model import CACHE_DIR, Stamp, Ticket, Vault, file_stamp, load_file, prepare_cache_folder
from ..sqlite_cache import Query, add_rows, in_slices, read_rows, write_new
from ..ticket_index import RACY_SECONDS, settings_digest
from .facts import (
    ClockState,
    FactsBasis,
    TicketFacts,
    clock_states,
    facts_basis,
    run_on,
    settled_at,
    technicians_of,
    with_clocks,
)

CACHE_NAME = "facts.sqlite"
FORMAT = "5"
# `last`: the end of the ticket's span in POSIX seconds, NULL while it is active or when it
# has no facts. `clocks`: an open ticket's kept clocks (`_encode_clocks`), else NULL.
_SCHEMA = """
CREATE TABLE facts (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,
                    inode INTEGER, content TEXT NOT NULL, events TEXT NOT NULL,
                    basis TEXT NOT NULL, last REAL, clocks TEXT);
"""
_INSERT = "INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_BASIS, _LAST, _CLOCKS = 6, 7, 8  # where a read row (its path taken off) holds them
# TicketFacts' fields as stored, in order: every one but the clocks.
_FIELDS = tuple(f.name for f in fields(TicketFacts) if f.name != "sla")
_TIMES = frozenset({"opened", "first_response", "resolved", "closed"})
_PERIODS = frozenset({"open_periods", "backlog_periods"})
_TIME_LISTS = frozenset({"reopens", "follow_ups_done"})
_TEXT_LISTS = frozenset({"tags", "kb_links"})
_SHARED_TEXT = frozenset({"status", "priority", "category", "assignee", "channel", "location",
                          "automation", "repeat_of"})
_NO_FACTS = ""  # a ticket without an id or opening time: nothing to measure
# How `_decode` reads each field, worked out once rather than for every field of every row.
_AS_IS, _TIME, _PERIOD_LIST, _TIME_LIST, _TEXT_LIST, _SHARED = range(6)
_DECODING = tuple(
    _TIME if name in _TIMES else _PERIOD_LIST if name in _PERIODS
    else _TIME_LIST if name in _TIME_LISTS else _TEXT_LIST if name in _TEXT_LISTS
    else _SHARED if name in _SHARED_TEXT else _AS_IS for name in _FIELDS)
_NO_STAMP = (None, None, None, None)  # a file read before it could be stamped


def cache_path(vault_root: Path) -> Path:
    return vault_root / CACHE_DIR / CACHE_NAME


class _FactsCache:
    """The cache's rows as read, and the rows to write back."""

    def __init__(self, vault: Vault, paths: Sequence[str] | None = None) -> None:
        self.root = vault.root
        self.settings = vault.settings
        self.technicians = technicians_of(vault)
        self.calendar = BusinessCalendar.from_settings(vault.settings)
        self.path = cache_path(vault.root)
        self.key = _key(vault.root, self.technicians)
        # Taken out as used, so that a row's text is freed once its facts are made.
        rows = _read(self.path, self.key, paths)
        self.existed = rows is not None
        self.rows = rows or {}
        self.shared: dict[Any, Any] = {}  # what `_decode` holds once for all rows
        self.fresh: list[tuple[Any, ...]] = []

    def cached(self, row: tuple[Any, ...] | None, content: str | None,
               version: str | None) -> FactsBasis | bool | None:
        """The basis a row holds (None: the ticket has no facts), or False when the row does
        not stand for this file (`content` None: its stamp was compared already)."""
        if row is None or version is None or row[5] != version or \
                (content is not None and row[4] != content):
            return False
        try:
            return _decode(row[_BASIS], self.shared)
        except (ValueError, TypeError, KeyError, IndexError):
            return False  # not what this version writes: compute it again

    def computed(self, ticket: Ticket, history: History, stamp: tuple[Any, ...]
                 ) -> FactsBasis | None:
        """The basis worked out from the file, kept for next time where its events can be
        told."""
        basis = facts_basis(ticket, history.timeline(ticket.id), self.settings, self.calendar,
                            self.technicians)
        version = history.events_version(ticket.id)
        if version is not None:
            last = None if basis is None or math.isinf(basis.facts.span[1]) \
                else basis.facts.span[1]
            self.fresh.append((ticket.path, *stamp, _content(ticket), version,
                               _NO_FACTS if basis is None else _encode(basis), last,
                               self._kept_clocks(basis)))
        return basis

    def _kept_clocks(self, basis: FactsBasis | None) -> str | None:
        """An open ticket's clocks as read at its last event, as the row keeps them."""
        if basis is None or not basis.facts.is_open or \
                basis.facts.priority not in self.settings.priorities:
            return None
        facts = basis.facts
        settled = settled_at(facts, basis.pauses, basis.contacts)
        states = clock_states(facts, basis.pauses, basis.contacts, self.settings,
                              self.calendar, settled)
        return _encode_clocks(facts, settled, states)

    def kept(self, row: tuple[Any, ...], version: str | None, as_of: datetime,
             rel_path: str, ticket_id: str) -> TicketFacts | None:
        """An open ticket's facts with the clocks its row kept, run on to `as_of`; None
        when the row keeps none or they were read after `as_of` (a moment in the past)."""
        if row[_CLOCKS] is None or version is None or row[5] != version:
            return None
        try:
            return _kept_facts(row, rel_path, ticket_id, as_of, self.calendar, self.shared)
        except (ValueError, TypeError, KeyError, IndexError):
            return None  # not what this version writes: the basis is decoded instead

    def save(self) -> None:
        if self.fresh or not self.existed:
            _write(self.path, self.key, self.fresh, new=not self.existed)


class EarlierFacts(Mapping[str, TicketFacts]):
    """The facts, by ticket id, of the tickets whose span ended before the moment
    `facts_of_files` was asked about, kept as the cache's text: a row is decoded (and its
    clocks computed) only when asked for."""

    def __init__(self, cache: _FactsCache, as_of: datetime) -> None:
        self._cache = cache
        self._as_of = as_of
        self._rows: dict[str, str] = {}
        self._decoded: dict[str, TicketFacts] = {}

    def keep(self, ticket_id: str, basis_text: str) -> None:
        self._rows[ticket_id] = basis_text

    def __getitem__(self, ticket_id: str) -> TicketFacts:
        found = self._decoded.get(ticket_id)
        if found is None:
            # The row's stamp and events were checked when it was kept: it decodes, or the
            # cache is not one this version wrote and the error is a bug worth seeing.
            basis = _decode(self._rows[ticket_id], self._cache.shared)
            assert basis is not None, "a kept row has facts"
            found = self._decoded[ticket_id] = with_clocks(
                basis, self._cache.settings, self._cache.calendar, self._as_of)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class FilesFacts(NamedTuple):
    facts: list[TicketFacts]
    problems: list[Diagnostic]  # why a file that could not be read is missing
    earlier: EarlierFacts  # with `ended_before`: the tickets it left out of `facts`


def facts_of_files(vault: Vault, tickets: Sequence[tuple[str, str | None]],
                   history: History, as_of: datetime, ended_before: float | None = None,
                   stamps: Mapping[str, Stamp] | None = None,
                   kept_clocks: bool = False) -> FilesFacts:
    """The facts, as of `as_of`, of the ticket files `tickets` ((path, id) pairs, in order)
    of `vault` (its settings and team: its tickets need not be loaded), as `ticket_facts`
    gives them for a vault of those files; and why a file that could not be read is
    missing. A ticket whose file has the stamp it had and whose events are the same is not
    read: its facts come from the cache, only its clocks are computed.

    With `ended_before` (POSIX seconds), such a ticket whose span ended before it is not
    decoded either: it goes into `earlier` instead of `facts`. Not when two files share an
    id, since `earlier` is by id and every use of the facts must see both.

    `stamps` may hold the files' stamps as the caller's listing took them
    (`ticket_summaries`): a file is then not stat'ed again unless it is read.

    With `kept_clocks` (`sla`), an unchanged open ticket's clocks are the ones its row kept,
    run on to `as_of`, and the rest of its facts are decoded only when first used: the same
    facts, for a fraction of the work."""
    ids = [ticket_id for _, ticket_id in tickets if ticket_id]
    if len(set(ids)) != len(ids):
        ended_before = None
    cache = _FactsCache(vault, [rel_path for rel_path, _ in tickets])
    found = FilesFacts([], [], EarlierFacts(cache, as_of))
    prefix = f"{vault.root}{os.sep}"
    with paused_gc():  # what is made here lives on, as when loading a vault
        for rel_path, ticket_id in tickets:
            _facts_of_file(cache, history, as_of, prefix, rel_path, ticket_id, found,
                           ended_before, stamps.get(rel_path) if stamps else None,
                           kept_clocks)
    cache.save()
    return found


def _facts_of_file(cache: _FactsCache, history: History, as_of: datetime, prefix: str,
                   rel_path: str, ticket_id: str | None, found: FilesFacts,
                   ended_before: float | None, listed: Stamp | None,
                   kept_clocks: bool = False) -> None:
    """`facts_of_files` for one file: its facts (if it has any) into `found`, or why it
    could not be read. `listed` is its stamp when the caller listed it, if known."""
    settings = cache.settings
    stamp = listed or file_stamp(prefix + rel_path)
    row = cache.rows.pop(rel_path, None)
    if stamp is not None and row is not None and row[:4] == stamp:
        version = history.events_version(ticket_id)
        if ended_before is not None and ticket_id and row[_LAST] is not None and \
                row[_LAST] < ended_before and version is not None and row[5] == version:
            found.earlier.keep(ticket_id, row[_BASIS])
            return
        kept = cache.kept(row, version, as_of, rel_path, ticket_id) \
            if kept_clocks and ticket_id else None
        if kept is not None:
            found.facts.append(kept)
            return
        basis = cache.cached(row, None, version)
        if basis is not False:
            if basis is not None:
                found.facts.append(with_clocks(basis, settings, cache.calendar, as_of))
            return
    started_ns = time.time_ns()
    item, read_problems = load_file(cache.root, rel_path, "ticket", settings)
    if not isinstance(item, Ticket):
        found.problems.extend(read_problems)
        return
    # Stamped only when the file read cleanly and had not just changed (it could change
    # again within the same tick of the clock and keep the stamp).
    kept_stamp = stamp if stamp is not None and not read_problems and \
        max(stamp[1], stamp[2]) < started_ns - RACY_SECONDS * 10**9 else _NO_STAMP
    basis = cache.computed(item, history, kept_stamp)
    if basis is not None:
        found.facts.append(with_clocks(basis, settings, cache.calendar, as_of))


def cached_ticket_facts(vault: Vault, history: History, as_of: datetime
                        ) -> tuple[TicketFacts, ...]:
    """`ticket_facts(vault, history, as_of)`, with the facts of every ticket whose text and
    events are what they were taken from the cache (only the clocks computed)."""
    cache = _FactsCache(vault)
    found = []
    for ticket in vault.tickets:
        basis = cache.cached(cache.rows.pop(ticket.path, None), _content(ticket),
                             history.events_version(ticket.id))
        if basis is False:
            # Its stamp now may not be the one of the text read earlier: none is kept.
            basis = cache.computed(ticket, history, _NO_STAMP)
        if basis is not None:
            found.append(with_clocks(basis, vault.settings, cache.calendar, as_of))
    cache.save()
    return tuple(found)


def _content(ticket: Ticket) -> str:
    return hashlib.blake2b(ticket.source.text.encode(), digest_size=16).hexdigest()


def _key(root: Path, technicians: frozenset[str] | None) -> dict[str, str]:
    return {"format": FORMAT, "opsvault_version": __version__,
            "settings": settings_digest(root),
            "technicians": "\n".join(sorted(technicians)) if technicians is not None
            else "(no team file)"}


def _read(path: Path, key: dict[str, str], paths: Sequence[str] | None = None
          ) -> dict[str, tuple[Any, ...]] | None:
    """The rows by path (stamp, content and events digests, basis), of every ticket or of
    those at `paths`; None when the cache is missing, made under another key or
    unreadable."""
    if paths is None:
        queries: list[Query] = ["SELECT * FROM facts"]
    else:  # `sla` asks for the open tickets, a fifth of them: the rest is not read
        queries = in_slices("SELECT * FROM facts WHERE path IN ({})", sorted(set(paths)))
    rows = read_rows(path, key, *queries)
    return None if rows is None else {row[0]: row[1:] for row in rows}


def _write(path: Path, key: dict[str, str], rows: Iterable[tuple[Any, ...]],
           new: bool) -> None:
    """Record the rows; a new cache (none, or one under another key) is written whole."""
    if new:
        write_new(path, key, _SCHEMA, _INSERT, rows, prepare_cache_folder)
    else:
        add_rows(path, key, _INSERT, rows)


# --- a basis as JSON -------------------------------------------------------------------------
# A time keeps its zone: "2026-11-03T09:00:00-06:00@America/Chicago" for a zone's time (its
# arithmetic follows that zone's rules), the ISO text alone for a fixed offset.

def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    zone = moment.tzinfo
    return f"{moment.isoformat()}@{zone.key}" if isinstance(zone, ZoneInfo) and zone.key \
        else moment.isoformat()


def _periods(periods: Iterable[tuple[datetime, datetime | None]]) -> list[list[str | None]]:
    return [[_time(start), _time(end)] for start, end in periods]


def _encode(basis: FactsBasis) -> str:
    facts = basis.facts
    values: list[Any] = []
    for name in _FIELDS:
        value = getattr(facts, name)
        if name in _TIMES:
            value = _time(value)
        elif name in _PERIODS:
            value = _periods(value)
        elif name in _TIME_LISTS:
            value = [_time(moment) for moment in value]
        elif name in _TEXT_LISTS:
            value = list(value)
        values.append(value)
    return json.dumps([values, _periods(basis.pauses), [_time(m) for m in basis.contacts]],
                      ensure_ascii=False, separators=(",", ":"))


def _decode(text: str, shared: dict[Any, Any]) -> FactsBasis | None:
    """A row's basis. `shared` is kept across the rows of one run: 20,000 tickets name a few
    statuses, categories and time offsets, each best held once (a tenth of the memory)."""
    if text == _NO_FACTS:
        return None
    values, pauses, contacts = json.loads(text)
    if len(values) != len(_FIELDS):
        raise ValueError("a row of another shape")
    moment = _Moments(shared)
    periods = moment.periods

    decoded: dict[str, Any] = {}
    for name, how, value in zip(_FIELDS, _DECODING, values, strict=True):
        if how == _AS_IS:
            pass
        elif how == _TIME:
            value = moment(value)
        elif how == _PERIOD_LIST:
            value = periods(value)
        elif how == _TIME_LIST:
            value = tuple(moment(item) for item in value)
        elif how == _TEXT_LIST:
            value = tuple(shared.setdefault(text, text) for text in value)
        elif isinstance(value, str):
            value = shared.setdefault(value, value)
        decoded[name] = value
    return FactsBasis(TicketFacts(**decoded, sla=()), periods(pauses),
                      tuple(moment(item) for item in contacts))  # type: ignore[misc]


class _Moments:
    """Times as a row writes them (`_time`), parsed; one row names its opening time three
    times or more, and the rows of a run share a few zones and offsets."""

    def __init__(self, shared: dict[Any, Any]) -> None:
        self.shared = shared
        self.seen: dict[str, datetime] = {}

    def __call__(self, value: str | None) -> datetime | None:
        if value is None:
            return None
        known = self.seen.get(value)
        if known is not None:
            return known
        iso, _, zone_key = value.partition("@")
        parsed = datetime.fromisoformat(iso)
        shared = self.shared
        if zone_key:
            zone = shared.get(("zone", zone_key))
            if zone is None:
                zone = shared[("zone", zone_key)] = ZoneInfo(zone_key)
            parsed = parsed.astimezone(zone)
        elif parsed.tzinfo is not None:
            offset = shared.setdefault(parsed.tzinfo, parsed.tzinfo)
            if offset is not parsed.tzinfo:
                parsed = parsed.replace(tzinfo=offset)
        self.seen[value] = parsed
        return parsed

    def periods(self, items: list[list[str | None]]
                ) -> tuple[tuple[datetime, datetime | None], ...]:
        return tuple((self(start), self(end)) for start, end in items)  # type: ignore[misc]


# --- an open ticket's kept clocks as JSON ----------------------------------------------------
# [settled, title, status, priority, assignee, [state, ...]], each state ClockState's fields
# in order, its times as `_time` writes them.
_LISTED = ("title", "status", "priority", "assignee")


def _encode_clocks(facts: TicketFacts, settled: datetime,
                   states: Iterable[ClockState]) -> str:
    encoded = [[state.target, state.duration, state.clock, state.budget_minutes,
                _time(state.started), _time(state.due), _time(state.stopped),
                _periods(state.paused_periods), *state[8:]] for state in states]
    return json.dumps([_time(settled), *(getattr(facts, name) for name in _LISTED), encoded],
                      ensure_ascii=False, separators=(",", ":"))


def _kept_facts(row: tuple[Any, ...], rel_path: str, ticket_id: str, as_of: datetime,
                calendar: BusinessCalendar, shared: dict[Any, Any]) -> TicketFacts | None:
    """`FactsCache.kept`: the row's kept clocks run on to `as_of`, in facts that decode the
    rest of the row when first asked for it."""
    settled_text, title, status, priority, assignee, encoded = json.loads(row[_CLOCKS])
    zoned = _Moments(shared)
    parse = datetime.fromisoformat

    def moment(value: str | None) -> datetime | None:
        # Fixed offsets parsed as they are: these times live for one command, unshared.
        return None if value is None else parse(value) if "@" not in value else zoned(value)

    settled = moment(settled_text)
    if settled is None or settled > as_of or not encoded:
        return None
    states = [ClockState(
        target, duration, clock, float(budget), moment(started), moment(due),  # type: ignore[arg-type]
        moment(stopped), tuple((moment(start), moment(end)) for start, end in paused_periods),
        *rest)
        for target, duration, clock, budget, started, due, stopped, paused_periods, *rest
        in encoded]
    clocks = run_on(ticket_id, states, settled, as_of, calendar)
    facts = object.__new__(_KeptClocks)
    values = facts.__dict__
    values.update(ticket_id=ticket_id, path=rel_path, title=title,
                  status=shared.setdefault(status, status),
                  priority=shared.setdefault(priority, priority),
                  assignee=shared.setdefault(assignee, assignee), is_open=True, sla=clocks,
                  _basis_text=row[_BASIS], _shared=shared)
    return facts


class _KeptClocks(TicketFacts):
    """An open ticket's facts as `sla` reads them from the cache: its clocks, and what `sla`
    lists of the ticket, are set; any other fact decodes the row's basis on first use. Each
    fact, and so what is printed or exported, is the one worked out in full."""

    def __getattr__(self, name: str) -> Any:  # only for what the instance does not hold
        values = self.__dict__
        if name.startswith("__") or "_basis_text" not in values:
            raise AttributeError(name)
        basis = _decode(values.pop("_basis_text"), values.pop("_shared"))
        assert basis is not None, "a row with kept clocks has facts"
        for field_name in _FIELDS:
            values.setdefault(field_name, getattr(basis.facts, field_name))
        return getattr(self, name)
