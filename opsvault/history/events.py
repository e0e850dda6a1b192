"""What the history stage produces: ticket timelines, KB and script file events, and notices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..diagnostics import Diagnostic

# Kinds of TicketEvent.
CREATED = "created"  # the ticket file's first version (time: `opened` when given)
BASELINE = "baseline"  # the first version seen at a shallow clone's boundary
INITIAL = "initial"  # a field's value at the boundary: known, but not when it was set
CHANGE = "change"  # a tracked field changed (old is None when the ticket was created)
LOG = "log"  # a line added to the `## Log` section (time and author from the line)
MENTION = "mention"  # a commit whose message names the ticket (`T-…:` or `Ticket: T-…`)
RENAMED = "renamed"  # the file moved (old → new path)
DELETED = "deleted"
RESTORED = "restored"  # the file came back after a deletion


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """One entry of a ticket's timeline.

    `time` is when it happened: an explicit time written in the file where there is one (the
    Log line's time, `opened`, `first_response`, `resolved`, `closed`; then `explicit` is
    True), otherwise the commit's author date, which is also kept as `commit_time`.
    """

    time: datetime
    kind: str
    ticket_id: str
    commit: str
    commit_time: datetime
    author: str  # the commit's author; for a Log line, the line's author
    field: str = ""  # for CHANGE and INITIAL
    old: str | None = None  # CHANGE: the value before; RENAMED: the old path
    new: str | None = None  # CHANGE/INITIAL: the value after; RENAMED: the new path
    text: str = ""  # LOG: the line's text; MENTION: the commit subject
    path: str = ""  # the ticket file in that commit, relative to the vault
    explicit: bool = False
    seq: int = 0  # order among the events of one commit

    def sort_key(self) -> tuple[datetime, datetime, str, int]:
        return (self.time, self.commit_time, self.commit, self.seq)


@dataclass(frozen=True)
class TicketTimeline:
    """Everything history knows about one ticket, in time order."""

    ticket_id: str
    events: tuple[TicketEvent, ...]

    def changes(self, field_name: str) -> tuple[TicketEvent, ...]:
        """CHANGE events of one field, in time order."""
        return tuple(e for e in self.events if e.kind == CHANGE and e.field == field_name)

    def of_kind(self, kind: str) -> tuple[TicketEvent, ...]:
        return tuple(e for e in self.events if e.kind == kind)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path the file had, oldest first."""
        seen: dict[str, None] = {}
        for event in sorted(self.events, key=lambda e: (e.commit_time, e.seq)):
            if event.path:
                seen.setdefault(event.path, None)
        return tuple(seen)

    @property
    def starts_at_boundary(self) -> bool:
        """History of this ticket is cut by a shallow clone."""
        return any(e.kind == BASELINE for e in self.events)

    @property
    def deleted(self) -> bool:
        """The file is gone at HEAD."""
        last = max((e for e in self.events if e.kind in (CREATED, BASELINE, DELETED, RESTORED)),
                   key=lambda e: (e.commit_time, e.seq), default=None)
        return last is not None and last.kind == DELETED


@dataclass(frozen=True, slots=True)
class FileEvent:
    """A KB entry or script added, modified, renamed or deleted by a commit."""

    time: datetime  # the commit's author date
    kind: str  # added | modified | renamed | deleted
    area: str  # kb | scripts
    path: str  # relative to the vault
    old_path: str
    commit: str
    author: str


@dataclass(frozen=True)
class HistoryStats:
    """How a history was obtained, for tests, benchmarks and `--verbose` output."""

    commits_read: int = 0
    blobs_read: int = 0
    cache: str = "none"  # none | off | cold | current | incremental | rebuilt (<reason>)


@dataclass(frozen=True)
class History:
    """A vault's history: per-ticket timelines from git, or nothing when there is no git."""

    available: bool  # False: not a git repository, or no commits yet
    timelines: Mapping[str, TicketTimeline] = field(default_factory=dict)
    file_events: tuple[FileEvent, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()  # versions that were skipped
    notices: tuple[str, ...] = ()  # what the reader should know (no git, shallow clone)
    head: str | None = None
    starts_at: datetime | None = None  # a shallow clone's first commit, else None
    stats: HistoryStats = field(default_factory=HistoryStats)
    # Each ticket's (old, new) status changes, known without building its timeline.
    status_pairs: Mapping[str, frozenset[tuple[str, str]]] = field(default_factory=dict)

    def timeline(self, ticket_id: str | None) -> TicketTimeline | None:
        return self.timelines.get(ticket_id) if ticket_id else None

    def events_version(self, ticket_id: str | None) -> str | None:
        """What a ticket's timeline is made of, as a digest (`Timelines.version`): equal
        digests, equal timelines. "" without history; None when it cannot be told."""
        if not self.available or not ticket_id:
            return ""
        version = getattr(self.timelines, "version", None)
        return version(ticket_id) if version is not None else None
