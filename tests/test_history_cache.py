"""The history cache: a re-run reads only new commits; anything doubtful is rebuilt, and the
result always equals a cold run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gitkit import commit, git, init_repo, ticket, ticket_path
from test_history import ACK, FIX, T, U, history_of, settings_of, summary

import opsvault.history
from opsvault.history import load_history
from opsvault.history.cache import cache_path


def two_commit_repo(root: Path) -> Path:
    """A repository where ticket T was opened, then acknowledged: two commits."""
    init_repo(root)
    commit(root, {ticket_path(T): ticket(T)}, f"{T}: new", "2026-11-16T09:05:00-06:00")
    commit(root, {ticket_path(T): ticket(T, "open", log=[ACK])}, f"{T}: ack",
           "2026-11-16T09:21:00-06:00")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return two_commit_repo(tmp_path / "vault")


def add_update(repo: Path, date: str = "2026-11-16T11:30:00-06:00") -> str:
    return commit(repo, {ticket_path(T): ticket(T, "resolved", log=[ACK, FIX])},
                  f"{T}: resolved", date)


def test_first_run_reads_everything_and_fills_the_cache(repo: Path) -> None:
    history = history_of(repo)
    assert (history.stats.cache, history.stats.commits_read) == ("cold", 2)
    assert cache_path(repo).is_file()


def test_unchanged_repository_reads_no_commit(repo: Path) -> None:
    history_of(repo)
    history = history_of(repo)
    assert (history.stats.cache, history.stats.commits_read, history.stats.blobs_read) == (
        "current", 0, 0)
    assert summary(history) == summary(history_of(repo, use_cache=False))


def test_after_one_new_commit_only_that_commit_is_read(repo: Path) -> None:
    history_of(repo)
    add_update(repo)
    history = history_of(repo)
    assert (history.stats.cache, history.stats.commits_read) == ("incremental", 1)
    # Its new version, and the version before it to compare with.
    assert history.stats.blobs_read == 2
    assert summary(history) == summary(history_of(repo, use_cache=False))
    assert history_of(repo).stats.cache == "current"


def test_commits_merged_from_a_branch_are_read_incrementally(repo: Path) -> None:
    history_of(repo)
    git(repo, "checkout", "-q", "-b", "branch")
    add_update(repo)
    git(repo, "checkout", "-q", "main")
    commit(repo, {"kb/FAQ/KB-OPS-001.md": "---\nid: KB-OPS-001\n---\n"}, "KB",
           "2026-11-16T12:00:00-06:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge", "branch", date="2026-11-16T13:00:00-06:00")
    history = history_of(repo)
    assert (history.stats.cache, history.stats.commits_read) == ("incremental", 3)
    assert summary(history) == summary(history_of(repo, use_cache=False))


def test_after_a_rebase_the_result_equals_a_cold_run(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    commit(repo, {"kb/FAQ/KB-OPS-001.md": "---\nid: KB-OPS-001\n---\n"}, "KB",
           "2026-11-16T09:10:00-06:00")
    git(repo, "checkout", "-q", "main")
    add_update(repo)
    history_of(repo)
    git(repo, "rebase", "-q", "feature", date="2026-11-20T12:00:00-06:00")
    history = history_of(repo)
    assert history.stats.cache == "rebuilt (history was rewritten (rebase, amend or reset))"
    assert summary(history) == summary(history_of(repo, use_cache=False))
    assert [e.commit for e in history.timeline(T).events] == [  # type: ignore[union-attr]
        e.commit for e in history_of(repo, use_cache=False).timeline(T).events]  # type: ignore


def test_after_an_amend_the_result_equals_a_cold_run(repo: Path) -> None:
    add_update(repo)
    history_of(repo)
    commit(repo, {ticket_path(T): ticket(T, "closed", log=[ACK, FIX])}, "Amended",
           "2026-11-16T11:40:00-06:00")
    git(repo, "reset", "-q", "--soft", "HEAD~2")
    git(repo, "commit", "-q", "-m", "Squashed", date="2026-11-16T11:45:00-06:00")
    history = history_of(repo)
    assert history.stats.cache.startswith("rebuilt")
    assert summary(history) == summary(history_of(repo, use_cache=False))


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00"])
def test_a_corrupt_cache_is_rebuilt(repo: Path, damage: bytes) -> None:
    history_of(repo)
    cache_path(repo).write_bytes(damage)
    history = history_of(repo)
    assert history.stats.cache.startswith("rebuilt (the cache")
    assert summary(history) == summary(history_of(repo, use_cache=False))
    assert history_of(repo).stats.cache == "current"


def test_a_cache_with_a_missing_table_is_rebuilt(repo: Path) -> None:
    history_of(repo)
    with sqlite3.connect(cache_path(repo)) as connection:
        connection.execute("DROP TABLE tickets")
    assert history_of(repo).stats.cache == "rebuilt (the cache is unreadable)"


def test_a_cache_from_another_version_is_rebuilt(repo: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    history_of(repo)
    monkeypatch.setattr(opsvault.history, "__version__", "99.0")
    assert history_of(repo).stats.cache == (
        "rebuilt (the cache was made with a different opsvault version)")


def test_changed_settings_rebuild_the_cache(repo: Path) -> None:
    history_of(repo)
    settings = repo / "vault/opsvault.yml"
    settings.write_text(settings.read_text() + "reopen_status: open\n")
    assert history_of(repo).stats.cache == (
        "rebuilt (the cache was made with a different settings file)")


def test_the_cache_stays_out_of_git(repo: Path) -> None:
    history_of(repo)
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_history_of_some_tickets_from_a_current_cache_equals_the_whole(repo: Path) -> None:
    # U's file starts as T's (an id changed in the file), so U's timeline holds both ids' rows.
    commit(repo, {ticket_path(T): None, ticket_path(U): ticket(U, "open", log=[ACK])},
           f"{U}: id corrected", "2026-11-16T10:00:00-06:00")
    whole = history_of(repo)
    partial = load_history(repo, settings_of(repo), only={U})
    assert partial.stats.cache == "current"
    assert summary(partial, U) == summary(whole, U)
    assert any(e.field == "id" for e in partial.timeline(U).events)  # type: ignore[union-attr]
    assert partial.status_pairs[U] == whole.status_pairs[U]
    assert list(partial.timelines) == [U] and partial.file_events == ()


def test_history_of_some_tickets_reads_new_commits_as_the_whole_does(repo: Path) -> None:
    history_of(repo)
    add_update(repo)
    partial = load_history(repo, settings_of(repo), only={T})
    assert partial.stats.cache == "incremental"
    assert summary(partial) == summary(history_of(repo, use_cache=False))


def test_some_tickets_without_their_events_answer_as_the_whole_history(repo: Path) -> None:
    """`sla` asks for the open tickets' digests alone: their timelines, read when asked for,
    and their versions are those of the whole history; no other ticket is held."""
    other = "T-20261116-b2c3"
    commit(repo, {ticket_path(other): ticket(other)}, f"{other}: new",
           "2026-11-16T10:00:00-06:00")
    whole = history_of(repo)
    light = load_history(repo, settings_of(repo), only=[T], events_on_demand=True)
    assert light.stats.cache == "current"
    assert light.events_version(T) == whole.events_version(T) is not None
    assert light.timeline(other) is None
    assert summary(light) == summary(whole)


def test_a_history_without_events_is_extended_by_a_new_commit_as_it_is(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`metrics`, `sla` and `check` after a commit: the cache is read without any ticket's
    events, only the touched ticket's are read, and the answer is the whole history's."""
    other = "T-20261116-b2c3"
    commit(repo, {ticket_path(other): ticket(other)}, f"{other}: new",
           "2026-11-16T10:00:00-06:00")
    history_of(repo)
    add_update(repo)
    loads: list[bool] = []
    original = opsvault.history.cache.load

    def recording(*args: object, **kwargs: object) -> object:
        loads.append(bool(kwargs.get("events", args[3] if len(args) > 3 else True)))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(opsvault.history.cache, "load", recording)
    for only in (None, [T]):
        light = load_history(repo, settings_of(repo), only=only, events_on_demand=True)
        monkeypatch.undo()
        assert (light.stats.cache, light.stats.commits_read) == ("incremental", 1)
        assert loads and not any(loads)  # no load with every ticket's events
        assert summary(light) == summary(history_of(repo, use_cache=False))
        # The version the rows now hold: the facts cache will find what it keyed on them.
        assert light.events_version(T) == history_of(repo).events_version(T)
        git(repo, "reset", "-q", "--hard", "HEAD~1")
        history_of(repo)
        add_update(repo)
        loads.clear()
        monkeypatch.setattr(opsvault.history.cache, "load", recording)
    monkeypatch.undo()


def test_some_tickets_after_new_commits_read_only_their_rows_and_the_touched_ones(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ticket show` after an update commit: the new commits are read, then only the rows of
    the asked and the touched tickets, and the cache extended by them is the whole
    history's: every ticket's timeline, pairs and file events as a cold run gives them."""
    other, untouched = "T-20261116-b2c3", "T-20261116-d4e5"
    commit(repo, {ticket_path(other): ticket(other), ticket_path(untouched): ticket(untouched)},
           "two more", "2026-11-16T10:00:00-06:00")
    history_of(repo)
    add_update(repo)
    commit(repo, {ticket_path(other): ticket(other, "open", log=[ACK]),
                  "kb/FAQ/KB-OPS-001.md": "---\nid: KB-OPS-001\n---\n"},
           f"{other}: ack", "2026-11-16T12:00:00-06:00")
    asked: list[object] = []
    original = opsvault.history.cache.load

    def recording(*args: object, **kwargs: object) -> object:
        asked.append(kwargs.get("only", args[2] if len(args) > 2 else None))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(opsvault.history.cache, "load", recording)
    partial = load_history(repo, settings_of(repo), only={T}, events_on_demand=True)
    monkeypatch.undo()
    assert (partial.stats.cache, partial.stats.commits_read) == ("incremental", 2)
    assert None not in asked  # no load of every ticket's row
    assert untouched not in partial.timelines
    cold = history_of(repo, use_cache=False)
    assert summary(partial) == summary(cold)
    whole = history_of(repo)
    assert whole.stats.cache == "current"
    # The version the rows now hold: the facts cache will find what it keyed on them.
    assert partial.events_version(T) == whole.events_version(T)
    for ticket_id in (T, other, untouched):
        assert summary(whole, ticket_id) == summary(cold, ticket_id), ticket_id
        assert whole.status_pairs.get(ticket_id) == cold.status_pairs.get(ticket_id)
    assert [(e.time, e.kind, e.path) for e in whole.file_events] == \
        [(e.time, e.kind, e.path) for e in cold.file_events]
