"""The history stage: git commits → ticket timelines (SPEC §4). Knows nothing of metrics.

    history = load_history(vault.root, vault.settings)
    for event in history.timeline("T-20261118-q7mz").events: ...

Every commit that changes a ticket file is an update: history compares each version with the
one before and records tracked field changes, Log lines added, renames and deletions, plus the
commits whose message names the ticket. Merges contribute only their own conflict
resolutions, so a change made on a branch counts once, at the commit that made it, with its
author date (which a rebase keeps). Results are cached in `.opsvault/`. A folder that is not a
git repository has no history; a shallow clone's history starts at its boundary; both say so
in `History.notices`.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..schema import SETTINGS_PATH, Settings
from . import cache
from .cache import CachedHistory
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
    FileEvent,
    History,
    HistoryStats,
    TicketEvent,
    TicketTimeline,
)
from .refs import quick_look
from .timeline import Timelines

if TYPE_CHECKING:  # the pass is imported, and git run, only when history must be read
    from .repository import Repository
    from .scan import HistoryScan

__all__ = [
    "BASELINE", "CHANGE", "CREATED", "DELETED", "INITIAL", "LOG", "MENTION", "RENAMED",
    "RESTORED", "FileEvent", "History", "HistoryStats", "TicketEvent", "TicketTimeline",
    "is_repository", "load_history",
]

# Called as (commits read so far, commits to read) during a long pass.
Progress = Callable[[int, int], None]
_PROGRESS_EVERY = 500


def is_repository(vault_root: Path) -> bool:
    """Whether the vault is inside a git repository (cheap: no git process)."""
    for folder in (vault_root.resolve(), *vault_root.resolve().parents):
        if (folder / ".git").exists():
            return True
    return False


UNREADABLE_PREFIX = "git could not read the history"


def load_history(vault_root: Path, settings: Settings, *, use_cache: bool = True,
                 progress: Progress | None = None,
                 only: Collection[str] | None = None,
                 events_on_demand: bool = False, read_back: bool = True) -> History:
    """The history of the vault at `vault_root`, from its cache plus any newer commits.

    With `only` (ticket ids), a history that holds the timelines of those tickets at least:
    when the cache is current, just their rows are read from it (no other timeline, and no
    file events); otherwise the whole history is brought up to date as without it.

    With `events_on_demand`, every ticket's status pairs and events digest, and its events
    read from the cache file only when its timeline is asked for: what `check` needs, and
    `metrics`, which decodes only the timelines of tickets changed since the facts cache
    took their facts. When new
    commits had to be read, the history is read back from the cache just written, so that
    none of the events read are held (a fresh clone's first pass: 140 MB at 84,000
    commits) — unless `read_back` is False: `metrics` then needs every timeline, and
    reading them back on top of the memory the pass's events leave to the process costs
    more than keeping them."""
    if use_cache:
        current = _current_from_files(vault_root, only, events=not events_on_demand)
        if current is not None:
            return current
    from .repository import GitError, Repository

    try:
        repository = Repository.open(vault_root)
    except (GitError, OSError) as exc:
        return _unreadable(exc)
    if repository is None:
        return History(False, notices=(
            f"{vault_root} is not in a git repository, so there is no history: metrics use "
            "the times written in the files (opened, first_response, resolved, closed and "
            "Log lines) only. Run `git init` and commit to record updates.",))
    try:
        return _load(repository, vault_root, settings, use_cache, progress, only,
                     events=not events_on_demand, read_back=read_back)
    except (GitError, OSError, ValueError) as exc:
        return _unreadable(exc)


def _unreadable(exc: BaseException) -> History:
    # A repository git refuses to read (damaged, "dubious ownership", no git at all): no
    # history rather than no answer.
    return History(False, notices=(
        f"{UNREADABLE_PREFIX} ({_failure_reason(exc)}); metrics use the times written in the "
        "files only.",))


def _current_from_files(vault_root: Path, only: Collection[str] | None,
                        events: bool = True) -> History | None:
    """The cached history when the repository's files show that it is current, read without
    git (see `refs`); None when git must be asked (or the history brought up to date)."""
    look = quick_look(vault_root)
    if look is None or look.head is None:
        return None
    key = _cache_key(look.prefix, vault_root, (), "")
    path = cache.cache_path(vault_root)
    cached, _ = cache.load(path, key, only, events, head=look.head)
    if cached is None:
        return None
    return _history(cached, look.head, HistoryStats(cache="current"), (), None)


def _failure_reason(exc: BaseException) -> str:
    """What git said, in one line: its last line of error output, else the exception's."""
    from .repository import GitError, GitNotFound

    if isinstance(exc, GitNotFound):
        return "git is not installed (not on PATH)"
    stderr = exc.stderr if isinstance(exc, GitError) else None
    text = stderr if isinstance(stderr, str) and stderr.strip() else str(exc)
    lines = [line.strip().removeprefix("stderr: ").strip("'\" ") for line in text.splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else type(exc).__name__


def _load(repository: Repository, vault_root: Path, settings: Settings, use_cache: bool,
          progress: Progress | None, only: Collection[str] | None, events: bool,
          read_back: bool = True) -> History:
    head = repository.head()
    if head is None:
        return History(False, notices=(
            "the repository has no commits yet, so there is no history: metrics use the "
            "times written in the files only.",))
    boundary = repository.shallow_boundary()
    key = _cache_key(repository.prefix, vault_root, boundary, repository.replacements())
    path = cache.cache_path(vault_root)
    cached, reason = None, "cache disabled"
    if use_cache and (only is not None or not events):
        cached, reason = cache.load(path, key, only, events)
        if cached is not None and cached.head != head and only is not None:
            partial = _extended_partly(repository, settings, boundary, head, cached, only,
                                       path, key, events, progress)
            if partial is not None:
                return _with_boundary(repository, boundary, *partial)
            cached = None  # read the whole cache and extend that
    if use_cache and cached is None:
        # Every ticket, with its events left in the cache if so asked: extending reads only
        # those of the tickets the new commits touch.
        cached, reason = cache.load(path, key, None, events)
    saved = whole_pass = False
    if cached is not None and cached.head == head:
        result, stats = cached, HistoryStats(cache="current")
    elif cached is not None and repository.is_ancestor(cached.head, head):
        update, scan = _scan(repository, settings, boundary, head, cached, progress)
        result = cached.extended(update)
        if use_cache:
            saved = cache.append(path, cached.head, update, result)
        stats = HistoryStats(scan.commits_read, scan.reader.blobs_read, "incremental")
        del update, scan
    else:
        if cached is not None:
            reason = "history was rewritten (rebase, amend or reset)"
        whole_pass = True
        result, scan = _scan(repository, settings, boundary, head, None, progress)
        if use_cache:
            saved = cache.save(path, key, result)
        stats = HistoryStats(scan.commits_read, scan.reader.blobs_read,
                             "cold" if reason == "no cache yet" else
                             "off" if not use_cache else f"rebuilt ({reason})")
        del scan
    if saved and whole_pass and not events and read_back:
        # Asked for events on demand: rather than hold every event just read (140 MB for a
        # fresh clone's 84,000 commits), read the pairs back from the cache just written.
        # (Extended, the history holds only the events of the tickets new commits touched.)
        del cached, result
        light, _ = cache.load(path, key, None, events=False)
        if light is not None and light.head == head:
            result = light
        else:  # moved on by another run meanwhile: read it as it is now
            return _load(repository, vault_root, settings, use_cache, progress, only, events,
                         read_back)
    return _with_boundary(repository, boundary, result, head, stats)


def _with_boundary(repository: Repository, boundary: tuple[str, ...], result: CachedHistory,
                   head: str, stats: HistoryStats) -> History:
    """The history, with a shallow clone's notice and starting time when it is one."""
    notices: tuple[str, ...] = ()
    starts_at = None
    if boundary:
        starts_at = min(repository.commit_time(sha) for sha in boundary)
        notices = (f"this is a shallow clone: history starts at commit {boundary[0][:10]} "
                   f"({starts_at:%Y-%m-%d}), and changes before it are not known. Fetch all "
                   "of it with `git fetch --unshallow`.",)
    return _history(result, head, stats, notices, starts_at)


def _extended_partly(repository: Repository, settings: Settings, boundary: tuple[str, ...],
                     head: str, cached: CachedHistory, only: Collection[str], path: Path,
                     key: dict[str, str], events: bool, progress: Progress | None
                     ) -> tuple[CachedHistory, str, HistoryStats] | None:
    """The cache brought up to `head` from `cached` (the rows of the tickets asked about)
    without reading every ticket's row: the new commits are read, then the rows of the
    tickets they touched, and the cache is extended by those. None when that cannot be
    done so (history rewritten, an id renamed, the cache moved on meanwhile): the whole
    cache is then read."""
    if not repository.is_ancestor(cached.head, head):
        return None
    update, scan = _scan(repository, settings, boundary, head, cached, progress)
    if update.renamed_ids:
        return None  # which rows a renamed id joins is the whole cache's to say
    # The asked and the touched tickets' rows, at the head the update starts from.
    rows, _ = cache.load(path, key, {*only, *update.tickets}, events, head=cached.head)
    if rows is None:
        return None
    result = rows.extended(update)
    cache.append(path, cached.head, update, result)
    return result, head, HistoryStats(scan.commits_read, scan.reader.blobs_read, "incremental")


def _history(result: CachedHistory, head: str, stats: HistoryStats,
             notices: tuple[str, ...], starts_at: datetime | None) -> History:
    timelines = Timelines(result.tickets, result.renamed_ids, result.with_file,
                          cache.encode_events)
    pairs = result.status_pairs
    status_pairs = pairs if not result.renamed_ids else {
        ticket_id: frozenset().union(*(pairs.get(i, ()) for i in ids))
        for ticket_id, ids in timelines.groups.items()}
    return History(True, timelines, tuple(result.file_events), tuple(result.warnings), notices,
                   head, starts_at, stats, status_pairs)


def _scan(repository: Repository, settings: Settings, boundary: tuple[str, ...], head: str,
          cached: CachedHistory | None, progress: Progress | None,
          ) -> tuple[CachedHistory, HistoryScan]:
    """Read the commits after the cached head (all of them without a cache)."""
    from .scan import HistoryScan

    since = cached.head if cached else None
    reader = repository.blob_reader()
    # The pass allocates hundreds of thousands of small objects and frees none: the cyclic
    # garbage collector would walk them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        scan = HistoryScan(settings, reader, repository.prefix, frozenset(boundary),
                           dict(cached.broken_before) if cached else {})
        total = repository.count_commits(head, since) if progress else 0
        for commit in repository.log(head, since):
            scan.add(commit)
            if progress and scan.commits_read % _PROGRESS_EVERY == 0:
                progress(scan.commits_read, total)
        scan.finish()
        if progress:
            progress(scan.commits_read, total)
        result = CachedHistory.from_events(head, scan.events, scan.file_events, scan.warnings,
                                           scan.broken_before)
    finally:
        reader.close()
        if collecting:
            gc.enable()
    return result, scan


def _cache_key(prefix: str, vault_root: Path, boundary: tuple[str, ...],
               replacements: str) -> dict[str, str]:
    settings_file = vault_root / SETTINGS_PATH
    try:
        settings_bytes = settings_file.read_bytes()
    except OSError:
        settings_bytes = b""
    return {
        "format": cache.FORMAT,
        "opsvault_version": __version__,
        "settings": hashlib.sha256(settings_bytes).hexdigest(),
        "vault_folder": prefix,
        "shallow_boundary": " ".join(boundary),
        "replace_refs": hashlib.sha256(replacements.encode()).hexdigest(),
    }
