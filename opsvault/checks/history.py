"""History rules: status changes made in past commits that the workflow does not allow.

These are the one family of checks that reads git history. It is skipped at once when the
vault is not in a git repository, and otherwise reads history through its cache, so only
commits since the last run are read.

A commit may bundle several workflow steps (a technician moves a ticket from new to open to
in-progress, then commits once), so a change is legal when the status table leads from the old
status to the new one without passing through a reopen. With `workflow.commit_each_update`
every commit is one step, and each change must be one row of the table. A move from a done
status back to an active one other than the reopen status is reported on its own: it would
not count as a reopen in the metrics.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error, warning
from ..history import UNREADABLE_PREFIX, TicketEvent, is_repository
from ..history.cache import CACHE_NAME
from ..model import CACHE_DIR
from ..schema import Settings
from .context import CheckContext

ILLEGAL_TRANSITION = "illegal-transition"
REOPEN_NOT_COUNTED = "reopen-not-counted"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    vault = context.vault
    if not vault.tickets or not is_repository(vault.root):
        return
    history = context.history
    if not history.available:
        # A repository git cannot read (damaged objects, another owner, git missing): the
        # rules did not run, and a finding says so rather than a clean bill.
        for notice in history.notices:
            if notice.startswith(UNREADABLE_PREFIX):
                yield warning(".git", 0, "history-unreadable",
                              f"the history rules did not run: {notice}")
        return
    settings = vault.settings
    reachable = _reachable(settings)
    since = settings.history_checked_from
    for ticket in vault.tickets:
        pairs = history.status_pairs.get(ticket.id or "", frozenset())
        if not any(_problem(settings, reachable, old, new) for old, new in pairs):
            continue  # most tickets: no need to build the timeline
        try:
            timeline = history.timeline(ticket.id)
        except (sqlite3.Error, ValueError) as exc:  # events read on demand from the cache
            yield warning(f"{CACHE_DIR}/{CACHE_NAME}", 0, "history-unreadable",
                          f"the history rules stopped at {ticket.id}: the history cache "
                          f"could not be read ({exc}); run the check again")
            return
        for event in timeline.changes("status") if timeline else ():
            if since is not None and event.commit_time.date() < since:
                continue
            old, new = event.old or "", event.new or ""
            problem = _problem(settings, reachable, old, new)
            if problem == REOPEN_NOT_COUNTED:
                yield error(ticket.path, ticket.line_of("status"), problem,
                            f"status went from '{old}' back to '{new}' in {_commit(event)}, "
                            f"which does not count as a reopen; reopen by moving to "
                            f"'{settings.reopen_status}' (opsvault ticket reopen)")
            elif problem == ILLEGAL_TRANSITION:
                allowed = ", ".join(settings.allowed_next(old)) or "nothing"
                yield error(ticket.path, ticket.line_of("status"), problem,
                            f"status went from '{old}' to '{new}' in {_commit(event)}; the "
                            f"workflow allows from '{old}': {allowed}")


def _problem(settings: Settings, reachable: dict[str, frozenset[str]], old: str,
             new: str) -> str | None:
    """What is wrong with a status change, if anything."""
    if old not in reachable or new not in reachable or settings.is_reopen(old, new):
        return None  # created, or an invalid status that other rules report
    if old in settings.done_statuses and settings.is_active(new):
        return REOPEN_NOT_COUNTED
    if new in settings.allowed_next(old):
        return None
    if not settings.commit_each_update and new in reachable[old]:
        return None
    return ILLEGAL_TRANSITION


def _reachable(settings: Settings) -> dict[str, frozenset[str]]:
    """For each status, the statuses the table leads to without a reopen."""
    return {status: _reachable_from(settings, status) for status in settings.transitions}


def _reachable_from(settings: Settings, start: str) -> frozenset[str]:
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        status = frontier.pop()
        for target in settings.allowed_next(status):
            if target not in seen and not settings.is_reopen(status, target):
                seen.add(target)
                frontier.append(target)
    return frozenset(seen)


def _commit(event: TicketEvent) -> str:
    return (f"commit {event.commit[:10]} ({event.commit_time:%Y-%m-%d %H:%M}, "
            f"{event.author})")
