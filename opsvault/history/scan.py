"""The history pass: commits in, ticket events out.

Commits arrive newest first, straight from `git log`. Each changed ticket path names its blob
before and after; the after-blob is read (in batches) and compared with the before-blob, which
is the after-blob of an older commit still to come. So each comparison waits, keyed by the
blob it needs, until that older commit brings it, and every blob is read once. Blobs that never
come (the range started after them, or a shallow clone cut them off) are read at the end.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..diagnostics import Diagnostic, warning
from ..model import LOG_LINE, TICKETS_DIR, in_supported_range
from ..schema import Settings
from .events import (
    BASELINE,
    CHANGE,
    CREATED,
    DELETED,
    INITIAL,
    LOG,
    MENTION,
    RENAMED,
    FileEvent,
    TicketEvent,
)
from .repository import BlobReader, CommitRecord, RawChange
from .versions import TIME_FIELDS, TRACKED_FIELDS, BrokenVersion, TicketVersion, read_version

_TRAILER = re.compile(r"^tickets?:[ \t]*(.+)$", re.IGNORECASE | re.MULTILINE)
_BLOB_BATCH = 1000
_ATTACHMENTS = f"{TICKETS_DIR}/attachments/"

Version = TicketVersion | BrokenVersion
# A commit whose ticket blobs are on their way: the commit, its ticket changes, the ids its
# message names.
_Unread = tuple[CommitRecord, list[RawChange], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Comparison:
    """A changed ticket path waiting for its before-version."""

    commit: CommitRecord
    change: RawChange
    new: Version | None  # None: the file was deleted


class HistoryScan:
    """Collects events from commits fed newest first; `finish` completes them."""

    def __init__(self, settings: Settings, reader: BlobReader, prefix: str,
                 boundary: frozenset[str], broken_before: dict[str, str]) -> None:
        self.settings = settings
        self.reader = reader
        self.prefix = prefix
        self.boundary = boundary
        # A broken blob → the blob before it, so that a later version compares with the last
        # readable one. Kept in the cache for the next run.
        self.broken_before = broken_before
        self.events: list[TicketEvent] = []
        self.file_events: list[FileEvent] = []
        self.warnings: list[Diagnostic] = []
        self.commits_read = 0
        self._waiting: dict[str, list[_Comparison]] = {}
        self._unread: list[_Unread] = []
        self._in_flight: deque[tuple[int, list[_Unread]]] = deque()
        self._wanted: list[str] = []
        self._id_pattern = settings.ticket_id.pattern
        self._zone = settings.time_zone

    # --- feeding commits ------------------------------------------------------------------

    def add(self, commit: CommitRecord) -> None:
        self.commits_read += 1
        named = self._named_tickets(commit)
        tickets: list[RawChange] = []
        for change in commit.changes:
            for part in self._split(change):
                area = self._area(part.path if part.new_blob else part.old_path)
                if area == "ticket":
                    tickets.append(part)
                    if part.new_blob:
                        self._wanted.append(part.new_blob)
                elif area:
                    self._file_event(commit, part, area)
        if tickets:
            self._unread.append((commit, tickets, named))
            if len(self._wanted) >= _BLOB_BATCH:
                self._send_batch()
        else:
            self._mention(commit, named)

    def _split(self, change: RawChange) -> tuple[RawChange, ...]:
        """A rename across areas (into or out of tickets/) is a deletion plus an addition."""
        if change.path == change.old_path or self._area(change.path) == self._area(
                change.old_path):
            return (change,)
        return (RawChange("D", change.old_blobs, "", change.old_path, change.old_path),
                RawChange("A", ("",), change.new_blob, change.path, change.path))

    def _area(self, repo_path: str) -> str:
        if not repo_path.startswith(self.prefix):
            return ""
        path = repo_path[len(self.prefix):]
        if "/." in path or path.startswith("."):
            return ""  # hidden files are not part of the vault
        if path.startswith("tickets/") and path.endswith(".md"):
            return "" if path.startswith(_ATTACHMENTS) else "ticket"
        if path.startswith("kb/") and path.endswith(".md"):
            return "kb"
        if path.startswith("scripts/"):
            return "scripts"
        return ""

    def _vault_path(self, repo_path: str) -> str:
        return repo_path[len(self.prefix):]

    def _file_event(self, commit: CommitRecord, change: RawChange, area: str) -> None:
        letter = change.status[:1]
        kind = {"A": "added", "D": "deleted", "R": "renamed", "C": "added"}.get(letter,
                                                                                  "modified")
        self.file_events.append(FileEvent(commit.authored, kind, area,
                                          self._vault_path(change.path),
                                          self._vault_path(change.old_path), commit.sha,
                                          commit.author))

    def _named_tickets(self, commit: CommitRecord) -> tuple[str, ...]:
        """Ticket ids the message names: `T-…: subject` or a `Ticket: T-…` trailer."""
        head, colon, _ = commit.subject.partition(":")
        candidates = head.split(",") if colon else []
        message = commit.message
        if "icket" in message or "ICKET" in message:
            for match in _TRAILER.finditer(message):
                candidates.extend(re.split(r"[,\s]+", match.group(1)))
        return tuple(dict.fromkeys(c.strip() for c in candidates
                                   if self._id_pattern.fullmatch(c.strip())))

    def _mention(self, commit: CommitRecord, named: Iterable[str]) -> None:
        for ticket_id in named:
            self.events.append(TicketEvent(commit.authored, MENTION, ticket_id, commit.sha,
                                           commit.authored, commit.author, text=commit.subject))

    # --- reading blobs and comparing versions ---------------------------------------------

    def _send_batch(self) -> None:
        """Ask for this batch's blobs, then compare the batch before it while git works."""
        handle = self.reader.send(self._wanted)
        self._in_flight.append((handle, self._unread))
        self._wanted, self._unread = [], []
        while len(self._in_flight) > 1:
            self._compare_batch(*self._in_flight.popleft())

    def _compare_batch(self, handle: int, unread: list[_Unread]) -> None:
        blobs = self.reader.collect(handle)
        for commit, changes, named in unread:
            changed: set[str] = set()
            for change in changes:
                new = None
                if change.new_blob:
                    new = self._parse(change.path, blobs[change.new_blob], commit)
                    self._arrived(change.new_blob, new, change)
                    if isinstance(new, TicketVersion):
                        changed.add(new.ticket_id)
                if change.is_merge:
                    self._merge(commit, change, new)
                elif isinstance(new, BrokenVersion):
                    continue  # warned about; nothing to compare
                elif change.old_blobs[0]:
                    self._waiting.setdefault(change.old_blobs[0], []).append(
                        _Comparison(commit, change, new))
                elif isinstance(new, TicketVersion):
                    self._compare(commit, change, None, new)
            # A commit that changes a ticket is on its timeline anyway.
            self._mention(commit, (n for n in named if n not in changed))

    def _parse(self, repo_path: str, data: bytes | None, commit: CommitRecord | None) -> Version:
        path = self._vault_path(repo_path)
        if data is None:
            version: Version = BrokenVersion(warning(path, 0, "history-missing-blob",
                                                     "blob missing from the repository"))
        else:
            version = read_version(path, data, self.settings)
        if isinstance(version, BrokenVersion) and commit is not None:
            problem = version.problem
            where = f"line {problem.line}: " if problem.line else ""
            self.warnings.append(warning(
                path, problem.line, "history-unreadable-version",
                f"the version in commit {commit.sha[:10]} ({commit.authored:%Y-%m-%d}) cannot be "
                f"read ({where}{problem.message}); history skips it"))
        return version

    def _arrived(self, blob: str, version: Version, change: RawChange) -> None:
        """`blob` was read as some commit's after-version: settle what waited for it."""
        waiting = self._waiting.pop(blob, None)
        if isinstance(version, BrokenVersion):
            # Whatever waited for this blob compares with the version before it instead.
            before = change.old_blobs[0] if not change.is_merge else ""
            self.broken_before[blob] = before
            if waiting:
                if before:
                    self._waiting.setdefault(before, []).extend(waiting)
                else:
                    for item in waiting:
                        if isinstance(item.new, TicketVersion):
                            self._compare(item.commit, item.change, None, item.new)
            return
        for item in waiting or ():
            self._compare(item.commit, item.change, version, item.new)

    def finish(self) -> None:
        """Read the blobs nothing in this range brought, and settle what waited for them."""
        if self._unread:
            self._send_batch()
        while self._in_flight:
            self._compare_batch(*self._in_flight.popleft())
        followed: set[str] = set()
        while self._waiting:
            blobs = self.reader.read(self._waiting)
            followed.update(blobs)
            for blob, data in blobs.items():
                waiting = self._waiting.pop(blob)
                path = waiting[0].change.old_path
                version = self._parse(path, data, None)
                before = self.broken_before.get(blob)
                if before in followed:
                    before = None  # a cycle of unreadable versions
                if isinstance(version, TicketVersion):
                    for item in waiting:
                        self._compare(item.commit, item.change, version, item.new)
                elif before:
                    self._waiting.setdefault(before, []).extend(waiting)
                else:
                    # Nothing readable before it within reach: compare as if newly created.
                    for item in waiting:
                        if isinstance(item.new, TicketVersion):
                            self._compare(item.commit, item.change, None, item.new)

    def _merge(self, commit: CommitRecord, change: RawChange, new: Version | None) -> None:
        """A merge's own change: only what differs from every parent (a conflict resolution)."""
        if not isinstance(new, TicketVersion):
            return
        blobs = self.reader.read(b for b in change.old_blobs if b)
        parents = [version for blob in change.old_blobs if blob
                   if isinstance(version := self._parse(change.path, blobs[blob], None),
                                 TicketVersion)]
        if not parents:
            self._compare(commit, change, None, new)
            return
        first = parents[0]
        # Compare with a version in which whatever some parent already had counts as before.
        before = TicketVersion(
            first.ticket_id,
            {name: new.fields[name] if any(p.fields[name] == new.fields[name] for p in parents)
             else value for name, value in first.fields.items()},
            {name: new.times[name] if any(p.times[name] == new.times[name] for p in parents)
             else value for name, value in first.times.items()},
            tuple(dict.fromkeys(line for p in parents for line in p.log)))
        self._compare(commit, change, before, new)

    def _compare(self, commit: CommitRecord, change: RawChange, old: TicketVersion | None,
                 new: Version | None) -> None:
        if isinstance(new, BrokenVersion):
            return
        self.events.extend(self._differences(commit, change, old, new))

    def _differences(self, commit: CommitRecord, change: RawChange, old: TicketVersion | None,
                     new: TicketVersion | None) -> list[TicketEvent]:
        events: list[TicketEvent] = []
        sha, when, author = commit.sha, commit.authored, commit.author
        path = self._vault_path(change.path)

        def event(kind: str, ticket_id: str, field: str = "", old_value: str | None = None,
                  new_value: str | None = None, time: datetime = when,
                  explicit: bool = False) -> None:
            events.append(TicketEvent(time, kind, ticket_id, sha, when, author, field, old_value,
                                      new_value, "", path, explicit, len(events)))

        if new is None:
            if old is not None:
                path = self._vault_path(change.old_path)
                event(DELETED, old.ticket_id)
            return events
        ticket_id = new.ticket_id
        if old is None:
            at_boundary = sha in self.boundary
            opened = new.times.get("opened")
            created, from_file = (opened, True) if opened else (when, False)
            if at_boundary:
                event(BASELINE, ticket_id)
            else:
                event(CREATED, ticket_id, time=created, explicit=from_file)
            for name in TRACKED_FIELDS:
                value = new.fields[name]
                if value is None:
                    continue
                if at_boundary:
                    event(INITIAL, ticket_id, name, None, value)
                elif name == "status" and value != self.settings.initial_status:
                    # Created already past the initial status: acknowledged by the time of
                    # the commit, unless the file says when.
                    time, explicit = self._field_time(name, None, new, when)
                    event(CHANGE, ticket_id, name, None, value, time, explicit)
                else:  # the values the ticket was opened with
                    event(CHANGE, ticket_id, name, None, value, created, from_file)
            self._log_events(new.log, ticket_id, sha, when, path, events)
            return events
        if old.ticket_id != ticket_id:
            event(CHANGE, ticket_id, "id", old.ticket_id, ticket_id)
        if change.old_path != change.path:
            event(RENAMED, ticket_id, "", self._vault_path(change.old_path), path)
        old_fields, new_fields = old.fields, new.fields
        for name in TRACKED_FIELDS:
            before, after = old_fields[name], new_fields[name]
            if before != after:
                time, explicit = self._field_time(name, old, new, when)
                event(CHANGE, ticket_id, name, before, after, time, explicit)
        if old.log != new.log:
            self._log_events(_added_lines(old.log, new.log), ticket_id, sha, when, path, events)
        return events

    def _field_time(self, name: str, old: TicketVersion | None, new: TicketVersion,
                    when: datetime) -> tuple[datetime, bool]:
        """When a field change happened: an explicit time the same commit wrote, else `when`.

        Moving to a status with a time field of the same name (`resolved`, `closed`) takes
        that time; leaving the initial status takes `first_response`. A time already in the
        previous version is stale (left over from before a reopen) and not used.
        """
        if name != "status":
            return when, False
        status = new.fields["status"]
        before = old.fields["status"] if old else None
        candidates = []
        if status in TIME_FIELDS:
            candidates.append(status)
        if status != self.settings.initial_status and before in (None,
                                                                  self.settings.initial_status):
            candidates.append("first_response")
        for key in candidates:
            explicit = new.times.get(key)
            if explicit is not None and (old is None or old.times.get(key) != explicit):
                return explicit, True
        # The Log line the same commit added for this change ("Status open → waiting-on-user"
        # as the workflow writes it, or by hand) says when it happened.
        for line in reversed(_added_lines(old.log if old else (), new.log)):
            match = LOG_LINE.match(line)
            if match is None or not re.search(rf"(?:→|->)\s*{re.escape(str(status))}\b",
                                              match["text"]):
                continue
            logged = self._log_time(match)
            if logged is not None:
                return logged, True
        return when, False

    def _log_time(self, match: re.Match[str]) -> datetime | None:
        """A Log line's time in the vault's zone; None when it is no usable time."""
        try:
            time = datetime.fromisoformat(f"{match['date']}T{match['time']}").replace(
                tzinfo=self._zone)
        except ValueError:
            return None
        return time if in_supported_range(time) else None  # as the model reads Log lines

    def _log_events(self, lines: Iterable[str], ticket_id: str, sha: str, when: datetime,
                    path: str, events: list[TicketEvent]) -> None:
        for line in lines:
            match = LOG_LINE.match(line)
            time = self._log_time(match) if match is not None else None
            if match is None or time is None:
                continue
            events.append(TicketEvent(time, LOG, ticket_id, sha, when, match["author"], "",
                                      None, None, match["text"], path, True, len(events)))


def _added_lines(before: tuple[str, ...], after: tuple[str, ...]) -> list[str]:
    """Log lines in `after` that are not in `before`; an edited line is not a new one."""
    if after[:len(before)] == before:  # the usual case: lines appended
        return list(after[len(before):])
    counts = Counter(after)
    counts.subtract(before)
    # A line whose time and author are unchanged but whose text differs was edited.
    edited = {_line_start(line) for line, count in counts.items() if count < 0}
    added = []
    for line in after:
        if counts[line] > 0:
            counts[line] -= 1
            if _line_start(line) not in edited:
                added.append(line)
    return added


def _line_start(line: str) -> str:
    """A Log line's date, time and author: what identifies the action."""
    match = LOG_LINE.match(line)
    return f"{match['date']} {match['time']} {match['author']}" if match else line
