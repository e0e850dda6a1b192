"""Ticket timelines from real git histories: changes, Log lines, mentions, renames, deletions,
merges, broken versions, rebases, shallow clones and plain folders."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest
from gitkit import commit, git, init_repo, ticket, ticket_path

from opsvault.history import (
    BASELINE,
    CHANGE,
    CREATED,
    DELETED,
    LOG,
    MENTION,
    RENAMED,
    RESTORED,
    History,
    load_history,
)
from opsvault.schema import Settings, load_settings

T = "T-20261116-ab12"
U = "T-20261117-cd34"
ACK = "2026-11-16 09:20 · alice · Acknowledged; asked for the client log."
FIX = "2026-11-16 11:00 · alice · Lowered the MTU; user confirmed."


def resolved(status: str = "resolved", **fields: str) -> str:
    """The fixture's ticket after its last commit, or with `status` and `fields` changed."""
    return ticket(T, status, log=[ACK, FIX], **{"assignee": "bob",
                                                "resolved": "2026-11-16T11:00:00-06:00",
                                                **fields})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def settings_of(repo: Path) -> Settings:
    return load_settings(repo)[0]


def history_of(repo: Path, **options: bool) -> History:
    return load_history(repo, settings_of(repo), **options)


def summary(history: History, ticket_id: str = T) -> list[tuple[object, ...]]:
    """A timeline without commit ids: what must survive rebases and caches."""
    timeline = history.timeline(ticket_id)
    assert timeline is not None, sorted(history.timelines)
    return [(e.time, e.kind, e.field, e.old, e.new, e.text, e.author, e.path)
            for e in timeline.events]


def changes(history: History, field: str, ticket_id: str = T) -> list[tuple[object, ...]]:
    timeline = history.timeline(ticket_id)
    assert timeline is not None
    return [(e.old, e.new, e.time, e.author) for e in timeline.changes(field)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A ticket opened, acknowledged, reassigned and resolved over four commits."""
    root = init_repo(tmp_path / "vault")
    path = ticket_path(T)
    commit(root, {path: ticket(T)}, f"{T}: new ticket", "2026-11-16T09:05:00-06:00")
    commit(root, {path: ticket(T, "open", log=[ACK])}, f"{T}: acknowledged",
           "2026-11-16T09:21:00-06:00")
    commit(root, {path: ticket(T, "in-progress", log=[ACK], assignee="bob")}, "Hand over",
           "2026-11-16T10:00:00-06:00", author="bob")
    commit(root, {path: resolved()}, f"{T}: resolved", "2026-11-16T11:30:00-06:00", author="bob")
    return root


def test_timeline_has_field_changes_with_commit_author_and_date(repo: Path) -> None:
    history = history_of(repo)
    assert changes(history, "status") == [
        # Created with the values of the file, at its `opened` time.
        (None, "new", at("2026-11-16T09:00:00-06:00"), "Alice Moreno"),
        ("new", "open", at("2026-11-16T09:21:00-06:00"), "Alice Moreno"),
        ("open", "in-progress", at("2026-11-16T10:00:00-06:00"), "Bob Okafor"),
        # The commit wrote `resolved: 11:00`, which wins over its own date (11:30).
        ("in-progress", "resolved", at("2026-11-16T11:00:00-06:00"), "Bob Okafor"),
    ]
    assert changes(history, "assignee") == [
        (None, "alice", at("2026-11-16T09:00:00-06:00"), "Alice Moreno"),
        ("alice", "bob", at("2026-11-16T10:00:00-06:00"), "Bob Okafor"),
    ]


def test_ticket_created_past_the_initial_status_was_answered_by_its_commit(
        tmp_path: Path) -> None:
    root = init_repo(tmp_path / "vault")
    commit(root, {ticket_path(U): ticket(U, "in-progress", opened="2026-11-17T08:00:00-06:00")},
           f"{U}: walk-in", "2026-11-17T08:20:00-06:00")
    history = history_of(root)
    assert changes(history, "status", U) == [
        (None, "in-progress", at("2026-11-17T08:20:00-06:00"), "Alice Moreno")]
    assert changes(history, "category", U)[0][2] == at("2026-11-17T08:00:00-06:00")


def test_created_event_takes_the_opened_time_from_the_file(repo: Path) -> None:
    created = history_of(repo).timeline(T).of_kind(CREATED)  # type: ignore[union-attr]
    assert [(e.time, e.explicit, e.commit_time) for e in created] == [
        (at("2026-11-16T09:00:00-06:00"), True, at("2026-11-16T09:05:00-06:00"))]


def test_log_lines_added_take_their_own_time_and_author(repo: Path) -> None:
    logs = history_of(repo).timeline(T).of_kind(LOG)  # type: ignore[union-attr]
    assert [(e.time, e.author, e.text) for e in logs] == [
        (at("2026-11-16T09:20:00-06:00"), "alice", "Acknowledged; asked for the client log."),
        (at("2026-11-16T11:00:00-06:00"), "alice", "Lowered the MTU; user confirmed."),
    ]


def test_edited_log_line_is_not_a_new_action(repo: Path) -> None:
    edited = FIX.replace("Lowered", "Reduced")
    commit(repo, {ticket_path(T): resolved().replace(FIX, edited)},
           "Typo", "2026-11-17T08:00:00-06:00")
    assert len(history_of(repo).timeline(T).of_kind(LOG)) == 2  # type: ignore[union-attr]


def test_commits_whose_message_names_the_ticket_are_listed(repo: Path) -> None:
    commit(repo, {"scripts/python/fix_vpn.py": "# Purpose: x\n"}, f"{T}: script for the fix",
           "2026-11-16T12:00:00-06:00")
    commit(repo, {"kb/Network/KB-OPS-001.md": "---\nid: KB-OPS-001\n---\n"},
           f"Write up the VPN fix\n\nTicket: {T}, {U}", "2026-11-16T13:00:00-06:00",
           author="bob")
    mentions = history_of(repo).timeline(T).of_kind(MENTION)  # type: ignore[union-attr]
    assert [(e.time, e.text, e.author) for e in mentions] == [
        (at("2026-11-16T12:00:00-06:00"), f"{T}: script for the fix", "Alice Moreno"),
        (at("2026-11-16T13:00:00-06:00"), "Write up the VPN fix", "Bob Okafor"),
    ]


def test_a_ticket_only_ever_mentioned_has_no_timeline(repo: Path) -> None:
    commit(repo, {}, f"{U}: nothing here", "2026-11-16T12:00:00-06:00")
    assert U not in history_of(repo).timelines


def test_renamed_file_keeps_its_timeline(repo: Path) -> None:
    git(repo, "mv", ticket_path(T), f"tickets/{T}-vpn-drops.md")
    commit(repo, {f"tickets/{T}-vpn-drops.md": resolved("closed")},
           "Rename and close", "2026-11-17T09:00:00-06:00")
    timeline = history_of(repo).timeline(T)
    assert timeline is not None
    assert [(e.old, e.new) for e in timeline.of_kind(RENAMED)] == [
        (ticket_path(T), f"tickets/{T}-vpn-drops.md")]
    assert timeline.paths == (ticket_path(T), f"tickets/{T}-vpn-drops.md")
    assert [e.new for e in timeline.changes("status")][-1] == "closed"


def test_move_git_cannot_pair_is_joined_by_id(repo: Path) -> None:
    rewritten = resolved("closed")
    rewritten += "\n".join(f"A long appendix line {n} that changes most of the file."
                           for n in range(80)) + "\n"
    commit(repo, {ticket_path(T): None, f"tickets/archive/{T}.md": rewritten},
           "Archive", "2026-11-17T09:00:00-06:00")
    timeline = history_of(repo).timeline(T)
    assert timeline is not None
    assert [(e.kind, e.old, e.new) for e in timeline.events if e.kind in (
        RENAMED, DELETED, RESTORED, CREATED)][1:] == [
        (RENAMED, ticket_path(T), f"tickets/archive/{T}.md")]
    assert len(timeline.of_kind(LOG)) == 2
    assert [e.new for e in timeline.changes("status")][-1] == "closed"


def test_deleted_ticket_keeps_its_timeline_ending_in_deletion(repo: Path) -> None:
    commit(repo, {ticket_path(T): None}, "Remove duplicate", "2026-11-17T09:00:00-06:00")
    timeline = history_of(repo).timeline(T)
    assert timeline is not None
    assert timeline.events[-1].kind == DELETED and timeline.deleted
    assert timeline.events[-1].time == at("2026-11-17T09:00:00-06:00")


def test_restored_ticket_is_not_created_twice(repo: Path) -> None:
    commit(repo, {ticket_path(T): None}, "Oops", "2026-11-17T09:00:00-06:00")
    commit(repo, {ticket_path(T): resolved()}, "Restore", "2026-11-17T09:10:00-06:00")
    timeline = history_of(repo).timeline(T)
    assert timeline is not None
    kinds = [e.kind for e in timeline.events if e.kind in (CREATED, DELETED, RESTORED)]
    assert kinds == [CREATED, DELETED, RESTORED]
    assert not timeline.deleted
    assert len(timeline.of_kind(LOG)) == 2
    assert len(timeline.changes("status")) == 4


def test_empty_commits_change_nothing(repo: Path) -> None:
    before = summary(history_of(repo, use_cache=False))
    commit(repo, {}, "Nothing", "2026-11-17T09:00:00-06:00")
    commit(repo, {}, "Nothing again", "2026-11-17T09:05:00-06:00")
    assert summary(history_of(repo, use_cache=False)) == before


def test_merged_branch_changes_count_once_at_the_commit_that_made_them(repo: Path) -> None:
    path = ticket_path(U)
    commit(repo, {path: ticket(U, opened="2026-11-17T08:00:00-06:00")}, f"{U}: new",
           "2026-11-17T08:01:00-06:00")
    git(repo, "checkout", "-q", "-b", "bob-laptop")
    commit(repo, {path: ticket(U, "open", opened="2026-11-17T08:00:00-06:00", assignee="bob")},
           f"{U}: take it", "2026-11-17T08:30:00-06:00", author="bob")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"kb/FAQ/KB-OPS-002.md": "---\nid: KB-OPS-002\n---\n"}, "KB",
           "2026-11-17T08:40:00-06:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge bob-laptop", "bob-laptop",
        date="2026-11-17T09:00:00-06:00")
    history = history_of(repo)
    assert changes(history, "status", U) == [
        (None, "new", at("2026-11-17T08:00:00-06:00"), "Alice Moreno"),
        ("new", "open", at("2026-11-17T08:30:00-06:00"), "Bob Okafor")]
    assert changes(history, "assignee", U)[-1][:2] == ("alice", "bob")


def test_merge_conflict_resolution_is_the_merge_commits_own_change(repo: Path) -> None:
    path = ticket_path(U)
    commit(repo, {path: ticket(U, opened="2026-11-17T08:00:00-06:00")}, f"{U}: new",
           "2026-11-17T08:01:00-06:00")
    git(repo, "checkout", "-q", "-b", "branch")
    commit(repo, {path: ticket(U, "open", opened="2026-11-17T08:00:00-06:00")}, "open",
           "2026-11-17T08:30:00-06:00", author="bob")
    git(repo, "checkout", "-q", "main")
    commit(repo, {path: ticket(U, "resolved", opened="2026-11-17T08:00:00-06:00")}, "resolve",
           "2026-11-17T08:40:00-06:00")
    with pytest.raises(Exception):  # noqa: B017 - a conflict makes git exit non-zero
        git(repo, "merge", "-q", "branch", date="2026-11-17T09:00:00-06:00")
    commit(repo, {path: ticket(U, "escalated", opened="2026-11-17T08:00:00-06:00",
                               escalated_to="vendor")}, "Merge branch",
           "2026-11-17T09:00:00-06:00")
    statuses = [(old, new) for old, new, *_ in changes(history_of(repo), "status", U)]
    assert statuses == [(None, "new"), ("new", "open"), ("new", "resolved"),
                        ("resolved", "escalated")]


def test_broken_historic_version_is_skipped_with_a_warning(repo: Path) -> None:
    broken = resolved("closed").replace("title: Ticket", "title: [Ticket")
    sha = commit(repo, {ticket_path(T): broken}, "Broken edit", "2026-11-17T09:00:00-06:00")
    commit(repo, {ticket_path(T): resolved("closed")}, "Fix the YAML",
           "2026-11-17T09:10:00-06:00")
    history = history_of(repo)
    assert [(w.path, w.code) for w in history.warnings] == [
        (ticket_path(T), "history-unreadable-version")]
    assert sha[:10] in history.warnings[0].message
    # The fixed version is compared with the last readable one.
    assert changes(history, "status")[-1][:3] == (
        "resolved", "closed", at("2026-11-17T09:10:00-06:00"))


def test_changed_id_joins_the_two_timelines(repo: Path) -> None:
    renamed = resolved().replace(f"id: {T}", f"id: {U}")
    commit(repo, {ticket_path(T): None, ticket_path(U): renamed}, "Fix the id",
           "2026-11-17T09:00:00-06:00")
    history = history_of(repo)
    assert T not in history.timelines
    timeline = history.timeline(U)
    assert timeline is not None
    assert [(e.old, e.new) for e in timeline.changes("id")] == [(T, U)]
    assert len(timeline.changes("status")) == 4


def test_status_aliases_and_priority_aliases_are_not_changes(repo: Path) -> None:
    commit(repo, {ticket_path(T): resolved().replace("priority: P3", "priority: medium")},
           "Alias", "2026-11-17T09:00:00-06:00")
    assert len(changes(history_of(repo), "priority")) == 1


def test_rebased_history_gives_the_same_timeline(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~2")
    commit(repo, {"kb/FAQ/KB-OPS-003.md": "---\nid: KB-OPS-003\n---\n"}, "KB on a branch",
           "2026-11-16T09:50:00-06:00")
    git(repo, "checkout", "-q", "main")
    before = summary(history_of(repo, use_cache=False))
    git(repo, "rebase", "-q", "feature", date="2026-11-20T12:00:00-06:00")
    assert summary(history_of(repo, use_cache=False)) == before


def test_vault_in_a_subfolder_of_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    init_repo(root)
    vault = init_repo(root / "helpdesk")
    shutil.rmtree(vault / ".git")
    commit(root, {f"helpdesk/{ticket_path(T)}": ticket(T), "README.md": "code\n"},
           f"{T}: new", "2026-11-16T09:05:00-06:00")
    history = history_of(vault)
    timeline = history.timeline(T)
    assert timeline is not None and timeline.paths == (ticket_path(T),)


# --- files that are not tickets -----------------------------------------------------------

def test_kb_and_script_changes_are_file_events(repo: Path) -> None:
    commit(repo, {"kb/Network/KB-OPS-001-vpn.md": "---\nid: KB-OPS-001\n---\n",
                  "scripts/python/check.py": "# Purpose: x\n", "tickets/attachments/a.png": "x"},
           "Docs", "2026-11-17T09:00:00-06:00")
    commit(repo, {"kb/Network/KB-OPS-001-vpn.md": "---\nid: KB-OPS-001\ntitle: VPN\n---\n"},
           "Update", "2026-11-18T09:00:00-06:00")
    events = [(e.area, e.kind, e.path, e.time) for e in history_of(repo).file_events]
    assert sorted(events, key=lambda e: (e[3], e[0])) == [
        ("kb", "added", "kb/Network/KB-OPS-001-vpn.md", at("2026-11-17T09:00:00-06:00")),
        ("scripts", "added", "scripts/python/check.py", at("2026-11-17T09:00:00-06:00")),
        ("kb", "modified", "kb/Network/KB-OPS-001-vpn.md", at("2026-11-18T09:00:00-06:00")),
    ]


# --- without full history -----------------------------------------------------------------

def test_plain_folder_has_no_history_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    (folder / "tickets").mkdir(parents=True)
    history = history_of(folder)
    assert not history.available and not history.timelines
    assert "not in a git repository" in history.notices[0]


def test_repository_without_commits_says_so(tmp_path: Path) -> None:
    history = history_of(init_repo(tmp_path / "vault"))
    assert not history.available
    assert "no commits yet" in history.notices[0]


def test_shallow_clone_says_where_history_starts(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history = history_of(clone)
    assert history.available
    assert history.starts_at == at("2026-11-16T11:30:00-06:00")
    assert "shallow clone" in history.notices[0]
    assert "git fetch --unshallow" in history.notices[0]
    timeline = history.timeline(T)
    assert timeline is not None and timeline.starts_at_boundary
    # Known from the file, not as changes: no creation, no status change at the boundary.
    assert [e.kind for e in timeline.events if e.kind in (CREATED, BASELINE)] == [BASELINE]
    assert timeline.changes("status") == ()
    assert len(timeline.of_kind(LOG)) == 2


def test_unshallowing_rebuilds_the_history(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history_of(clone)
    git(clone, "fetch", "-q", "--unshallow")
    history = history_of(clone)
    assert history.stats.cache.startswith("rebuilt") and not history.notices
    assert summary(history) == summary(history_of(repo, use_cache=False))


def test_events_carry_the_change_kind_constants(repo: Path) -> None:
    kinds = {e.kind for e in history_of(repo).timeline(T).events}  # type: ignore[union-attr]
    assert kinds == {CREATED, CHANGE, LOG}


def test_a_repository_git_cannot_read_gives_a_notice_not_a_crash(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    (repo / ".git/objects" / head[:2] / head[2:]).unlink()
    history = history_of(repo)
    assert not history.available
    assert "git could not read the history" in history.notices[0]


def test_stopping_early_does_not_wait_for_git(repo: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from opsvault.history import repository

    # More output than a pipe holds, tiny pieces and no read-ahead: git and the reader
    # thread both block once the first commit is taken.
    (repo / "message.txt").write_text("Long\n\n" + "x" * (3 << 20) + "\n")
    git(repo, "commit", "-q", "--allow-empty", "-F", "message.txt",
        date="2026-11-15T09:00:00-06:00")
    commit(repo, {}, f"{T}: resolved", "2026-11-17T09:00:00-06:00")
    monkeypatch.setattr(repository, "_CHUNK_BYTES", 16)
    monkeypatch.setattr(repository, "_READ_AHEAD_CHUNKS", 1)
    opened = repository.Repository.open(repo)
    assert opened is not None
    commits = opened.log(opened.head() or "")
    first = next(commits)
    done = threading.Event()
    closer = threading.Thread(target=lambda: (commits.close(), done.set()), daemon=True)
    closer.start()
    assert done.wait(10), "closing the log waited for git"
    assert first.subject == f"{T}: resolved"
