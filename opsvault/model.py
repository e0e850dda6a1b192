"""The vault as typed, immutable documents: tickets, KB entries, SOPs, scripts, pages, the team.

Loading never raises for a bad file: what cannot be read becomes a `Diagnostic` in
`Vault.problems` and the rest of the vault loads. Values that are present but invalid are kept
raw in `meta` (for the checks to report) and read as None by the typed accessors.
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, Generic, TypeVar

from .diagnostics import Diagnostic, error, paused_gc
from .files import SourceFile, load_mapping, read_source, read_text
from .front_matter_memo import FrontMatterMemo, SettingsFilesMemo
from .schema import TEAM_PATH, Settings, load_settings
from .wikilinks import WikiLink, find_wikilinks

TICKETS_DIR = "tickets"
KB_DIR = "kb"
SOPS_DIR = "sops"
SCRIPTS_DIR = "scripts"
PAGES_DIR = "vault"
TEMPLATES_DIR = "vault/templates"
ATTACHMENTS_DIR = "tickets/attachments"
CACHE_DIR = ".opsvault"  # one clone's own files: the history cache, the indexes, the write lock
VAULT_DIRS = (TICKETS_DIR, KB_DIR, SOPS_DIR, SCRIPTS_DIR, PAGES_DIR)

# A level-2 ATX heading "Log" as CommonMark reads it: up to three spaces before, any spacing,
# an optional closing run of #s (`##   Log  ##`). Use `find_log_heading`, which also skips
# the ones inside fenced code.
LOG_HEADING = re.compile(r"^ {0,3}##[ \t]+Log(?:[ \t]+#+)?[ \t]*\r?$", re.MULTILINE)
LOG_LINE = re.compile(
    r"^[-*][ \t]+(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2})[ \t]+·[ \t]+"
    r"(?P<author>[^\s·]+)[ \t]+·[ \t]+(?P<text>[^\r\n]*)\r?$"
)
LOG_LINES = re.compile(LOG_LINE.pattern, re.MULTILINE)
LIST_ITEM_START = re.compile(r"^[-*] ", re.MULTILINE)
# The Log section ends at the next level 1–2 heading (a `### Detail` or `#tag` line does not).
LOG_SECTION_END = re.compile(r"^ {0,3}#{1,2}(?:[ \t]|\r?$)", re.MULTILINE)
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)


def fenced_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each fenced code block in `text`, by CommonMark's rule: a fence closes
    with the same character, at least as long, and nothing after it; an unclosed fence runs
    to the end. Empty when the text has no fence (the usual case, found without a scan)."""
    if "```" not in text and "~~~" not in text:
        return []
    spans: list[tuple[int, int]] = []
    opening: re.Match[str] | None = None
    for match in _FENCE_LINE.finditer(text):
        fence, rest = match.group(1), match.group(2)
        if opening is None:
            if not (fence[0] == "`" and "`" in rest):
                opening = match
        elif fence[0] == opening.group(1)[0] and len(fence) >= len(opening.group(1)) and \
                not rest.strip():
            spans.append((opening.start(), match.end()))
            opening = None
    if opening is not None:
        spans.append((opening.start(), len(text)))
    return spans


def _search_outside_fences(pattern: re.Pattern[str], text: str, start: int,
                           spans: list[tuple[int, int]]) -> re.Match[str] | None:
    match = pattern.search(text, start)
    while match is not None and any(a <= match.start() < b for a, b in spans):
        match = pattern.search(text, match.end())
    return match


def find_log_heading(text: str, start: int = 0) -> re.Match[str] | None:
    """The `## Log` heading of a ticket's text, never a line inside fenced code."""
    return _search_outside_fences(LOG_HEADING, text, start, fenced_spans(text))


def log_section_end(text: str, start: int) -> int:
    """Where the section that starts at `start` ends: the next level 1–2 heading outside
    fenced code, or the end of the text."""
    match = _search_outside_fences(LOG_SECTION_END, text, start, fenced_spans(text))
    return match.start() if match else len(text)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*\r?$")
BLOCK_ID = re.compile(r"\s\^([A-Za-z0-9-]+)\r?$", re.MULTILINE)


T = TypeVar("T")


class computed_once(Generic[T]):
    """`functools.cached_property` without the lock Python 3.11 takes on each first access.

    Checks read a few of these for each of tens of thousands of documents. The value is
    stored in the instance's `__dict__`, which then answers every later access.
    """

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = self.function(instance)
        instance.__dict__[self.name] = value
        return value


# The date-times a vault may hold. Beyond them the clocks' arithmetic (time zones, business
# hours, a year's worth of days) would leave what Python's datetime can represent, and no help
# desk has tickets there: `check` reports such a value and everything else treats it as unset.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)


def in_supported_range(moment: datetime) -> bool:
    """Whether an aware date-time lies in the years 1900–2999 (UTC)."""
    if 1900 < moment.year < 2999:
        return True  # whatever its offset (under a day): no zone lookup needed
    try:
        return EARLIEST <= moment <= LATEST
    except OverflowError:  # an offset that takes it past year 1 or 9999
        return False


def as_datetime(value: object) -> datetime | None:
    """An aware date-time from YAML (already a datetime) or ISO text in the supported range;
    None otherwise."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime) and value.tzinfo is not None and in_supported_range(value):
        return value
    return None


def as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def as_text(value: object) -> str | None:
    if value is None or isinstance(value, Mapping | list | bool):
        return None
    text = str(value).strip()
    return text or None


def as_strings(value: object) -> tuple[str, ...]:
    """A YAML list or a single value (`tags: vpn`) as a tuple of non-empty strings."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(s for item in items
                 if not isinstance(item, Mapping | list) and (s := str(item).strip()))


def link_target(value: object) -> str | None:
    """`"[[KB-OPS-001|x]]"` or plain `KB-OPS-001` → `KB-OPS-001` (heading and alias dropped)."""
    text = as_text(value)
    if text is None:
        return None
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2]
    return text.partition("|")[0].partition("#")[0].strip() or None


@dataclass(frozen=True)
class LogEntry:
    """One dated action from a ticket's `## Log` section (time in the vault's time zone)."""

    time: datetime
    author: str
    text: str
    line: int


def _log_entry(match: re.Match[str], zone: tzinfo, line: int) -> LogEntry | None:
    try:
        when = datetime.fromisoformat(f"{match['date']}T{match['time']}")
    except ValueError:  # 2026-02-30 and the like
        return None
    when = when.replace(tzinfo=zone)
    if not in_supported_range(when):
        return None
    return LogEntry(when, match["author"], match["text"], line)


@dataclass(frozen=True)
class Document:
    """A Markdown file of the vault with its front matter."""

    source: SourceFile

    kind = "page"

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def meta(self) -> Mapping[str, Any]:
        return self.source.meta

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def id(self) -> str | None:
        return as_text(self.meta.get("id"))

    @property
    def name(self) -> str:
        """The file name without `.md`, which Obsidian links resolve by."""
        return self.path.rpartition("/")[2].removesuffix(".md")

    @property
    def title(self) -> str:
        return as_text(self.meta.get("title")) or self.name

    @property
    def aliases(self) -> tuple[str, ...]:
        return as_strings(self.meta.get("aliases"))

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t.lstrip("#") for t in as_strings(self.meta.get("tags")))

    def line_of(self, key: str) -> int:
        return self.source.line_of(key)

    @computed_once
    def wikilinks(self) -> tuple[WikiLink, ...]:
        """Links in the body, with file line numbers."""
        return tuple(find_wikilinks(self.body, self.source.body_line))

    @computed_once
    def headings(self) -> frozenset[str]:
        """Heading texts and `^block` ids, lower-cased, for `[[note#Heading]]` links."""
        found: set[str] = set()
        in_fence = False
        for line in self.body.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("```", "~~~")):
                in_fence = not in_fence
                continue
            if not in_fence and (match := HEADING.match(line)):
                found.add(match.group(2).strip().lower())
        found.update("^" + m.group(1).lower() for m in BLOCK_ID.finditer(self.body))
        return frozenset(found)

    def sections(self) -> dict[str, tuple[int, str]]:
        """Level-2 sections: heading → (file line of the heading, text until the next one)."""
        result: dict[str, tuple[int, str]] = {}
        current: str | None = None
        start = 0
        lines: list[str] = []
        in_fence = False
        for index, line in enumerate(self.body.splitlines()):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if not in_fence and line.startswith("## "):
                if current is not None:
                    result.setdefault(current, (start, "\n".join(lines)))
                current = line[3:].strip().rstrip("#").strip()
                start = self.source.body_line + index
                lines = []
            elif not in_fence and line.startswith("# "):
                if current is not None:
                    result.setdefault(current, (start, "\n".join(lines)))
                current = None
            elif current is not None:
                lines.append(line)
        if current is not None:
            result.setdefault(current, (start, "\n".join(lines)))
        return result


@dataclass(frozen=True)
class Ticket(Document):
    settings: Settings = field(repr=False, compare=False, kw_only=True)

    kind = "ticket"

    @computed_once
    def status(self) -> str | None:
        # Best effort: a hand-typed `In Progress` is still in progress on every list, board and
        # metric; `check` reports the spelling.
        status = as_text(self.meta.get("status"))
        return self.settings.normalise_status(status) if status is not None else None

    @computed_once
    def priority(self) -> str | None:
        value = self.meta.get("priority")
        return self.settings.normalise_priority(value) if value is not None else None

    @computed_once
    def category(self) -> str | None:
        value = self.meta.get("category")
        return self.settings.normalise_category(value) if value is not None else None

    @computed_once
    def channel(self) -> str | None:
        return as_text(self.meta.get("channel"))

    @computed_once
    def assignee(self) -> str | None:
        return as_text(self.meta.get("assignee"))

    def time(self, key: str) -> datetime | None:
        """An explicit time field (`opened`, `first_response`, `resolved`, …)."""
        return as_datetime(self.meta.get(key))

    @computed_once
    def opened(self) -> datetime | None:
        return self.time("opened")

    @property
    def is_active(self) -> bool:
        # A status nobody can read is no sign of being done: such a ticket stays on every
        # list and board (marked "needs fixing") rather than vanish from them.
        return self.status is None or self.settings.is_active(self.status)

    @computed_once
    def follow_up(self) -> date | None:
        """The day of a planned check-back with the requester (`follow_up:`)."""
        return as_date(self.meta.get("follow_up"))

    @computed_once
    def description(self) -> str:
        """The body before the `## Log` heading: the problem as the requester put it."""
        heading = find_log_heading(self.body)
        return (self.body[:heading.start()] if heading else self.body).strip()

    @computed_once
    def flaws(self) -> tuple[str, ...]:
        """What lists, boards, clocks and the site could not read in this ticket, each as
        "<key> …" for a "needs fixing" mark (`check` gives the full findings with lines)."""
        settings = self.settings
        found: list[str] = []
        if self.id is None:
            found.append("id missing")
        for key, value, known, choices in (
                ("status", self.meta.get("status"), self.status, settings.statuses),
                ("priority", self.meta.get("priority"), self.priority, settings.priorities),
                ("category", self.meta.get("category"), self.category, settings.categories)):
            if value is None or as_text(value) is None:
                found.append(f"{key} missing")
            elif known is None:
                found.append(f"{key} {as_text(value)!r} is not one of {', '.join(choices)}")
        if self.opened is None:
            found.append("opened missing" if self.meta.get("opened") is None
                         else f"opened {as_text(self.meta.get('opened'))!r} is not a date")
        return tuple(found)

    @computed_once
    def log_items(self) -> tuple[tuple[int, str, LogEntry | None], ...]:
        """Every list item of the `## Log` section: (file line, text, entry if well-formed)."""
        heading = find_log_heading(self.body)
        if heading is None:
            return ()
        start = self.body.find("\n", heading.end()) + 1
        if start == 0:
            return ()
        section = self.body[start:log_section_end(self.body, start)]
        first_line = self.source.body_line + self.body.count("\n", 0, start)
        zone = self.settings.time_zone
        items: list[tuple[int, str, LogEntry | None]] = []
        # Usually every list item is a well-formed entry: one regex pass finds them all.
        matches = list(LOG_LINES.finditer(section))
        if len(matches) == len(LIST_ITEM_START.findall(section)):
            line, counted_to = first_line, 0
            for match in matches:
                line += section.count("\n", counted_to, match.start())
                counted_to = match.start()
                items.append((line, match.group().rstrip("\r"), _log_entry(match, zone, line)))
            return tuple(items)
        for index, text in enumerate(section.split("\n")):
            if not text.startswith(("- ", "* ")):
                continue
            text = text.rstrip("\r")
            line = first_line + index
            found = LOG_LINE.match(text)
            items.append((line, text, _log_entry(found, zone, line) if found else None))
        return tuple(items)

    @property
    def log(self) -> tuple[LogEntry, ...]:
        """The `## Log` section's dated actions, in file order."""
        return tuple(entry for _, _, entry in self.log_items if entry is not None)


@dataclass(frozen=True)
class KBEntry(Document):
    kind = "kb"

    @property
    def category(self) -> str | None:
        return as_text(self.meta.get("category"))

    @property
    def last_updated(self) -> date | None:
        return as_date(self.meta.get("last_updated"))

    @property
    def folder(self) -> str:
        """The folder under kb/ the entry lives in ('' at the top)."""
        parts = self.path.split("/")
        return parts[1] if len(parts) > 2 else ""


@dataclass(frozen=True)
class SOP(Document):
    kind = "sop"


@dataclass(frozen=True)
class Page(Document):
    kind = "page"


@dataclass(frozen=True)
class Script:
    """An automation script under scripts/<language>/, described by its header comment."""

    path: str
    text: str

    kind = "script"

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def language(self) -> str:
        parts = Path(self.path).parts
        return parts[1] if len(parts) > 2 else ""

    def header_field(self, label: str) -> tuple[int, str] | None:
        """`Purpose: …` style line in the first 40 lines → (line, value)."""
        pattern = re.compile(rf"^\W*{label}\s*:\s*(.+?)\s*$", re.IGNORECASE)
        for index, line in enumerate(self.text.splitlines()[:40]):
            if match := pattern.match(line):
                return index + 1, match.group(1)
        return None


@dataclass(frozen=True)
class Technician:
    handle: str
    name: str
    email: str | None
    level: str | None
    skills: tuple[str, ...]
    capacity: int | None
    active: bool
    line: int
    meta: Mapping[str, Any]


@dataclass(frozen=True)
class Team:
    technicians: tuple[Technician, ...] = ()
    present: bool = False
    key_lines: Mapping[str, int] = field(default_factory=dict)

    @computed_once
    def by_handle(self) -> Mapping[str, Technician]:
        return {t.handle: t for t in reversed(self.technicians)}  # the first entry wins

    def get(self, handle: str | None) -> Technician | None:
        return self.by_handle.get(handle) if handle else None

    @computed_once
    def handles(self) -> tuple[str, ...]:
        return tuple(t.handle for t in self.technicians)


@dataclass(frozen=True)
class Vault:
    """Everything opsvault knows about one vault, as loaded from disk."""

    root: Path
    settings: Settings
    tickets: tuple[Ticket, ...]
    kb: tuple[KBEntry, ...]
    sops: tuple[SOP, ...]
    pages: tuple[Page, ...]
    scripts: tuple[Script, ...]
    team: Team
    attachments: tuple[str, ...]  # other files links may point at (images, PDFs)
    problems: tuple[Diagnostic, ...]  # files that could not be read, settings warnings

    def documents(self) -> Iterator[Document]:
        yield from self.tickets
        yield from self.kb
        yield from self.sops
        yield from self.pages

    def ticket(self, ticket_id: str) -> Ticket | None:
        return next((t for t in self.tickets if t.id == ticket_id), None)


# Front-matter keys of a ticket that may name a KB entry.
KB_LINK_KEYS = ("kb", "related")


def kb_entries_by_key(vault: Vault) -> dict[str, KBEntry]:
    """Each KB entry by its file name and, when it has one, its id: how tickets name them."""
    entries: dict[str, KBEntry] = {}
    for entry in vault.kb:
        entries[entry.name] = entry
        if entry.id:
            entries[entry.id] = entry
    return entries


def kb_link_targets(ticket: Ticket) -> frozenset[str]:
    """Every note a ticket links, in its front matter (`kb:`, `related:`) or its text, by the
    name the link gives: those that name a KB entry are the entries `linked_kb` gives."""
    targets = {link.target for link in ticket.wikilinks}
    for key in KB_LINK_KEYS:
        value = ticket.meta.get(key)
        for item in value if isinstance(value, list) else [value]:
            target = link_target(item)
            if target is not None:
                targets.add(target)
    return frozenset(targets)


def linked_kb(ticket: Ticket, entries: Mapping[str, KBEntry]) -> set[str]:
    """The KB entries (by id, else file name) a ticket links, in its front matter (`kb:`,
    `related:`) or its text; `entries` is `kb_entries_by_key`."""
    return kb_entries_named(kb_link_targets(ticket), entries)


def kb_entries_named(targets: Iterable[str], entries: Mapping[str, KBEntry]) -> set[str]:
    """The KB entries (by id, else file name) among the link `targets`."""
    return {entries[target].id or entries[target].name for target in targets
            if target in entries}


# Folders whose files are the vault's content; a symbolic link may only lead into these.
CONTENT_DIRS = (TICKETS_DIR, KB_DIR, SOPS_DIR, PAGES_DIR, SCRIPTS_DIR)


def link_problem(root_text: str, rel_path: str) -> Diagnostic | None:
    """Why a symbolic link is not read, or None when it leads to a file of the vault's own.

    A link out of the vault, or into `.git`/`.opsvault` or another hidden folder, would have
    its target checked and published as if it were a note (git's config, say); a loop or a
    dangling link has no content to read.
    """
    try:
        target = os.path.realpath(os.path.join(root_text, rel_path), strict=True)
    except OSError as exc:
        return error(rel_path, 0, "broken-link",
                     f"symbolic link that leads nowhere ({exc.strerror or exc}); not read")
    if not target.startswith(root_text + os.sep):
        return error(rel_path, 0, "link-outside-vault",
                     "symbolic link to a file outside the vault; not read")
    inside = os.path.relpath(target, root_text).split(os.sep)
    if inside[0] not in CONTENT_DIRS or any(part.startswith(".") for part in inside):
        return error(rel_path, 0, "link-outside-vault",
                     f"symbolic link to {'/'.join(inside)}, which is not a note folder of the "
                     "vault; not read")
    if os.path.isdir(target):
        return error(rel_path, 0, "linked-folder",
                     "symbolic link to a folder; linked folders are not followed (move the "
                     "files here instead)")
    return None


def walk_files(root: Path, folder: str, problems: list[Diagnostic]) -> Iterator[str]:
    """Relative POSIX paths of files under `folder`, in name order, skipping hidden ones.

    A symbolic link is read only when it leads to a file in the vault's own note folders;
    any other (outside the vault, into `.git`, a loop, a folder) is reported and not read.
    A folder that cannot be read is reported too: nothing is skipped without a word.
    """
    for rel_path, _ in _walk(root, folder, problems, stamped=False):
        yield rel_path


# What a changed file cannot keep: size, modification and change times (ns), inode.
Stamp = tuple[int, int, int, int]


def file_stamp(file_path: str) -> Stamp | None:
    """The stamp of the file at `file_path` (None when it cannot be stat'ed)."""
    try:
        status = os.stat(file_path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


_BY_DESCRIPTOR = os.scandir in os.supports_fd
_NAME = operator.attrgetter("name")


def _walk(root: Path, folder: str, problems: list[Diagnostic], stamped: bool,
          suffix: str = "", skipped_folder: str | None = None
          ) -> Iterator[tuple[str, Stamp | None]]:
    """`walk_files`, with each file's stamp when `stamped` (else None); only the files whose
    name ends with `suffix`, and none inside `skipped_folder`."""
    root_text = str(root)
    pending = [folder]
    while pending:
        rel_dir = pending.pop()
        folder_path = os.path.join(root_text, rel_dir)
        try:
            # Listed through the folder's descriptor where the system can: a file's stamp is
            # then looked up from its folder, not along its whole path (20,000 tickets are
            # stat'ed per listing).
            listed: int | str = os.open(folder_path, os.O_RDONLY | os.O_DIRECTORY) \
                if _BY_DESCRIPTOR else folder_path
        except FileNotFoundError:
            continue
        except OSError as exc:
            if rel_dir != folder or os.path.lexists(folder_path):
                problems.append(error(rel_dir, 0, "unreadable",
                                      f"folder cannot be read ({exc.strerror or exc}); "
                                      "its files were not checked"))
            continue
        subdirs: list[str] = []
        try:
            try:
                entries = sorted(os.scandir(listed), key=_NAME)
            except OSError as exc:
                problems.append(error(rel_dir, 0, "unreadable",
                                      f"folder cannot be read ({exc.strerror or exc}); "
                                      "its files were not checked"))
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel_path = f"{rel_dir}/{entry.name}"
                try:
                    if entry.is_symlink():
                        problem = link_problem(root_text, rel_path)
                        if problem is not None:
                            problems.append(problem)
                            continue
                    if entry.is_dir(follow_symlinks=False):
                        if rel_path != skipped_folder:
                            subdirs.append(rel_path)
                    elif entry.name.endswith(suffix) and entry.is_file():
                        yield rel_path, _stamp_of(entry) if stamped else None
                except OSError as exc:
                    problems.append(error(rel_path, 0, "unreadable",
                                          f"cannot be read ({exc.strerror or exc})"))
        finally:
            if isinstance(listed, int):
                os.close(listed)
        pending.extend(reversed(subdirs))


def _stamp_of(entry: os.DirEntry[str]) -> Stamp | None:
    try:
        status = entry.stat()  # follows a link, as `file_stamp` does
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def ticket_paths(root: Path, problems: list[Diagnostic]) -> Iterator[str]:
    """The files `classify` calls tickets, as `walk_files` finds them in the tickets folder
    (without classifying each path: in that one folder, a ticket is any note outside the
    attachments)."""
    for rel_path, _ in stamped_ticket_paths(root, problems, stamped=False):
        yield rel_path


def stamped_ticket_paths(root: Path, problems: list[Diagnostic], stamped: bool = True
                         ) -> Iterator[tuple[str, Stamp | None]]:
    """`ticket_paths`, each with its file's stamp as it was found (None: it cannot be
    stat'ed)."""
    return _walk(root, TICKETS_DIR, problems, stamped, ".md", ATTACHMENTS_DIR)


def prepare_cache_folder(folder: Path) -> None:
    """Make the cache folder (`CACHE_DIR`) if need be, with a `.gitignore` of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        # Caches belong to one clone: keep them out of git even where .gitignore forgets.
        ignore.write_text("*\n", encoding="utf-8")


def load_team(root: Path, memo: SettingsFilesMemo | None = None
              ) -> tuple[Team, list[Diagnostic]]:
    if not (root / TEAM_PATH).is_file():
        return Team(), []
    # An unreadable team file is reported by the reader; the rest of the vault is then
    # checked as if there were no team (no assignee checks) rather than against an empty one.
    text, problems = read_text(root, TEAM_PATH)
    if text is None:
        return Team(), problems
    data, lines, problems = memo.load(text, TEAM_PATH) if memo is not None \
        else load_mapping(text, TEAM_PATH, nested_lines=True)
    if data is None:
        return Team(), problems
    technicians: list[Technician] = []
    entries = data.get("technicians")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, Mapping):
            entry = {}
        capacity = entry.get("capacity")
        technicians.append(Technician(
            handle=as_text(entry.get("handle")) or "",
            name=as_text(entry.get("name")) or "",
            email=as_text(entry.get("email")),
            level=as_text(entry.get("level")),
            skills=as_strings(entry.get("skills")),
            capacity=capacity if isinstance(capacity, int) and not isinstance(capacity, bool)
            else None,
            active=entry.get("active", True) is not False,
            line=lines.get(f"technicians.{index}", 1),
            meta=entry,
        ))
    return Team(tuple(technicians), True, lines), problems


def load_vault(root: Path | str, with_tickets: bool = True) -> Vault:
    """Load the vault at `root` (without `with_tickets`, all but its tickets: for `metrics`,
    which takes them from the ticket index and the facts cache). Raises VaultError only when
    its settings file is unusable."""
    with paused_gc():
        return _load_vault(root, with_tickets)


def ticket_files_named(root: Path, reference: str) -> list[str]:
    """The ticket files whose name holds what `reference` names (an id, a unique end of one,
    a file name or path): where `find_ticket` will find it in a vault `check` passes, which
    names each ticket file after its id. Only the names are listed, no file is read."""
    wanted = reference.strip().removesuffix(".md").rpartition("/")[2].lower()
    found: list[str] = []
    pending = [TICKETS_DIR]
    while wanted and pending:
        folder = pending.pop()
        try:
            names = os.listdir(root / folder)  # names only: no file is looked at
        except OSError:
            continue
        for name in names:
            if name.startswith("."):
                continue
            if name.endswith(".md"):
                if wanted in name.lower():
                    found.append(f"{folder}/{name}")
            elif os.path.isdir(root / folder / name) and not os.path.islink(root / folder / name):
                pending.append(f"{folder}/{name}")
    return sorted(found)


def load_tickets(root: Path | str, paths: Iterable[str]) -> Vault:
    """A vault holding only the tickets at `paths` (and the settings and team): for a command
    about one ticket that finds its file by name (`ticket_files_named`) rather than reading
    them all."""
    root = Path(root).resolve()
    # The team says who counts as a technician for first response.
    settings, team, problems = _settings_and_team(root)
    tickets: list[Ticket] = []
    for rel_path in paths:
        item, found = load_file(root, rel_path, "ticket", settings)
        problems.extend(found)
        if isinstance(item, Ticket):
            tickets.append(item)
    return Vault(root, settings, tuple(tickets), (), (), (), (), team, (), tuple(problems))


def classify(rel_path: str) -> str:
    """What a vault file is: ticket, kb, sop, page, attachment, or '' (not vault content).

    Templates hold placeholders, not documents; the settings and team files in vault/ are
    read on their own. Any other non-Markdown file (images, PDFs) can be linked to.
    """
    folder = rel_path.split("/", 1)[0]
    if rel_path.startswith(TEMPLATES_DIR + "/"):
        return ""
    if rel_path.startswith(ATTACHMENTS_DIR + "/"):
        return "attachment"
    top_level_in_pages = folder == PAGES_DIR and rel_path.count("/") == 1
    if not rel_path.endswith(".md"):
        return "" if top_level_in_pages else "attachment"
    if folder == PAGES_DIR:  # hand-written pages, in subfolders too (an Obsidian vault's)
        return "page"
    return {TICKETS_DIR: "ticket", KB_DIR: "kb", SOPS_DIR: "sop"}.get(folder, "")


def load_file(root: Path, rel_path: str, kind: str, settings: Settings,
              memo: FrontMatterMemo | None = None
              ) -> tuple[Document | Script | None, list[Diagnostic]]:
    """One vault file as what `kind` says it is (`classify`'s answer, or "script")."""
    if kind == "script":
        text, problems = read_text(root, rel_path)
        return (Script(rel_path, text) if text is not None else None), problems
    source, problems = read_source(root, rel_path, memo)
    if source is None:
        return None, problems
    if kind == "ticket":
        return Ticket(source, settings=settings), problems
    return {"kb": KBEntry, "sop": SOP, "page": Page}[kind](source), problems


def _settings_and_team(root: Path) -> tuple[Settings, Team, list[Diagnostic]]:
    """The settings (VaultError when they are invalid) and the team, and what reading them
    found; each parsed only if it changed since a run before (`SettingsFilesMemo`)."""
    memo = SettingsFilesMemo(root / CACHE_DIR, prepare_cache_folder)
    settings, problems = load_settings(root, memo)
    team, team_problems = load_team(root, memo)
    memo.save()
    return settings, team, [*problems, *team_problems]


def _load_vault(root: Path | str, with_tickets: bool) -> Vault:
    root = Path(root).resolve()
    settings, team, problems = _settings_and_team(root)
    documents: dict[str, list[Any]] = {"ticket": [], "kb": [], "sop": [], "page": [],
                                       "script": []}
    attachments: list[str] = []
    # Front matter parsed on an earlier run is taken from the memo (most files did not
    # change): YAML is most of what loading costs.
    memo = FrontMatterMemo(root / CACHE_DIR, prepare_cache_folder)
    folders = (TICKETS_DIR, KB_DIR, SOPS_DIR, PAGES_DIR, SCRIPTS_DIR)
    for folder in folders if with_tickets else folders[1:]:
        for rel_path in walk_files(root, folder, problems):
            kind = "script" if folder == SCRIPTS_DIR else classify(rel_path)
            if kind == "attachment":
                attachments.append(rel_path)
            elif kind:
                item, found = load_file(root, rel_path, kind, settings, memo)
                problems.extend(found)
                if item is not None:
                    documents[kind].append(item)
    memo.save(whole_vault=with_tickets)  # without the tickets, their rows are still in use
    return Vault(root, settings, tuple(documents["ticket"]), tuple(documents["kb"]),
                 tuple(documents["sop"]), tuple(documents["page"]), tuple(documents["script"]),
                 team, tuple(attachments), tuple(problems))
