"""Events → timelines: one ticket's events put in order and reconciled across its versions.

The pass compares each version with the one before it, which is right for ordinary edits. A
few histories need the ticket's whole story: a file deleted and added back (by a revert, or
a rename git did not recognise) would otherwise look created twice, with every Log line
added again; an id changed in the file joins two event lists; a commit that both changes the
ticket and names it in its message needs no separate mention.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from .events import (
    BASELINE,
    CHANGE,
    CREATED,
    DELETED,
    INITIAL,
    LOG,
    MENTION,
    RENAMED,
    RESTORED,
    TicketEvent,
    TicketTimeline,
)

# A ticket's events, or how to get them (the cache decodes a ticket's row when first asked).
EventSource = Sequence[TicketEvent] | Callable[[], Sequence[TicketEvent]]


def events_digest(ticket_id: str, encoded: str) -> str:
    """The digest of one ticket id's events as `encode_events` writes them: the same for
    the same events whether they were just read from git or come from the cache."""
    digest = hashlib.blake2b(f"{len(ticket_id)}:{ticket_id}{len(encoded)}:".encode(),
                             digest_size=16)
    digest.update(encoded.encode())
    return digest.hexdigest()


class Timelines(Mapping[str, TicketTimeline]):
    """Timelines by ticket id, each put together on first use.

    A big vault's history holds hundreds of thousands of events and most commands look at a
    few tickets, so a ticket's events are decoded and reconciled when its timeline is asked
    for. An id changed in the file joins the events of both ids under the new one; an id
    only ever named in commit messages has no timeline.
    """

    def __init__(self, sources: Mapping[str, EventSource], renamed_ids: Mapping[str, str],
                 with_file: Iterable[str],
                 encode: Callable[[Sequence[TicketEvent]], str] | None = None) -> None:
        with_file = set(with_file)
        if not renamed_ids:  # the usual case: every id is its own group
            self._groups = {ticket_id: [ticket_id] for ticket_id in sources
                            if ticket_id in with_file}
        else:
            groups: dict[str, list[str]] = {}
            for ticket_id in sources:
                groups.setdefault(_final_id(ticket_id, renamed_ids), []).append(ticket_id)
            self._groups = {final: ids for final, ids in groups.items()
                            if any(i in with_file for i in ids)}
        self._sources = sources
        self._encode = encode
        self._built: dict[str, TicketTimeline] = {}

    def version(self, ticket_id: str) -> str | None:
        """A digest of the events a ticket's timeline is made of, the same for the same
        events in the same order whether they come from the cache (not read: each row holds
        its digest) or a pass just made; "" for an id with no timeline, None when it cannot
        be told without an encoder. A history brought up to date lists a touched ticket's new
        events after its cached ones, where a whole pass lists them newest first: its digest
        is then the one of the row the cache keeps for it, not a whole pass's."""
        group = self._groups.get(ticket_id)
        if group is None:
            return ""
        digests = []
        for source_id in group:
            source = self._sources[source_id]
            digest = getattr(source, "digest", None)
            if digest is None:
                if self._encode is None:
                    return None
                digest = events_digest(
                    source_id, self._encode(source() if callable(source) else source))
            digests.append(digest)
        if len(digests) == 1:
            return digests[0]
        return hashlib.blake2b(" ".join(digests).encode(), digest_size=16).hexdigest()

    def __getitem__(self, ticket_id: str) -> TicketTimeline:
        timeline = self._built.get(ticket_id)
        if timeline is None:
            events: list[TicketEvent] = []
            for source_id in self._groups[ticket_id]:
                source = self._sources[source_id]
                found = source() if callable(source) else source
                if source_id != ticket_id:
                    found = [replace(e, ticket_id=ticket_id) for e in found]
                events.extend(found)
            timeline = TicketTimeline(ticket_id, reconcile(events))
            self._built[ticket_id] = timeline
        return timeline

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._groups

    @property
    def groups(self) -> Mapping[str, list[str]]:
        """Each ticket id → the ids its events were recorded under (more after an id change)."""
        return self._groups


def _final_id(ticket_id: str, renamed: Mapping[str, str]) -> str:
    seen = {ticket_id}
    while ticket_id in renamed and renamed[ticket_id] not in seen:
        ticket_id = renamed[ticket_id]
        seen.add(ticket_id)
    return ticket_id


def reconcile(events: Iterable[TicketEvent]) -> tuple[TicketEvent, ...]:
    """One ticket's events, replayed in commit order and returned in time order."""
    in_commit_order = sorted(events, key=lambda e: (e.commit_time, e.commit, e.seq))
    kept: list[TicketEvent] = []
    mentions: list[TicketEvent] = []
    first_commit: str | None = None
    values: dict[str, str | None] = {}
    seen_log: set[tuple[object, str, str]] = set()
    for event in in_commit_order:
        kind = event.kind
        if kind == MENTION:
            mentions.append(event)
            continue
        if kind in (CREATED, BASELINE):
            if first_commit is None:
                first_commit = event.commit
            else:  # the file came back: not a second creation
                event = replace(event, kind=RESTORED, time=event.commit_time, explicit=False)
        elif kind in (CHANGE, INITIAL) and event.old is None and event.commit != first_commit:
            previous = values.get(event.field)
            if previous == event.new:
                continue
            event = replace(event, kind=CHANGE, old=previous)
        elif kind == LOG:
            key = (event.time, event.author, event.text)
            if key in seen_log:
                continue
            seen_log.add(key)
        if event.kind in (CHANGE, INITIAL):
            values[event.field] = event.new
        kept.append(event)
    kept = _renames_in_one_commit(kept)
    touched = {e.commit for e in kept}
    kept.extend(m for m in mentions if m.commit not in touched)
    return tuple(sorted(kept, key=TicketEvent.sort_key))


def _renames_in_one_commit(events: list[TicketEvent]) -> list[TicketEvent]:
    """A deletion and a restore in the same commit are a rename git did not pair up."""
    deleted = {e.commit: e for e in events if e.kind == DELETED}
    restored = {e.commit: e for e in events if e.kind == RESTORED and e.commit in deleted}
    if not restored:
        return events
    result = []
    for event in events:
        if event.kind == DELETED and event.commit in restored:
            continue
        if event.kind == RESTORED and event.commit in restored:
            event = replace(event, kind=RENAMED, old=deleted[event.commit].path, new=event.path)
        result.append(event)
    return result
