"""HEAD read from the repository's files (history/refs.py): with a current cache, commands
answer without GitPython or a git process, and the answer is the one git gives. Whatever the
reader does not follow (worktrees, shallow clones, replace refs, GIT_DIR) falls back to git."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from gitkit import commit, git, init_repo, ticket, ticket_path
from test_history import ACK, FIX, T, history_of
from test_history_cache import two_commit_repo
from vaultkit import run_cli

import opsvault.history
from opsvault.history.refs import quick_look


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return two_commit_repo(tmp_path / "vault")


def test_head_from_loose_and_packed_refs_and_a_detached_head(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    assert quick_look(repo) is not None and quick_look(repo).head == head  # type: ignore[union-attr]
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git/refs/heads/main").exists()
    assert quick_look(repo).head == head  # type: ignore[union-attr]
    first = git(repo, "rev-parse", "HEAD~1")
    git(repo, "checkout", "-q", "--detach", first)
    assert quick_look(repo).head == first  # type: ignore[union-attr]


def test_a_vault_in_a_subfolder_and_an_unborn_branch(tmp_path: Path) -> None:
    top = tmp_path / "work"
    init_repo(top)
    vault = top / "desk"
    vault.mkdir()
    look = quick_look(vault)
    assert look is not None and (look.prefix, look.head) == ("desk/", None)


def test_layouts_it_does_not_follow_fall_back_to_git(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "worktree", "add", "-q", str(tmp_path / "other"), "-b", "other")
    assert quick_look(tmp_path / "other") is None  # .git is a file there
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
                   check=True, capture_output=True)
    assert quick_look(shallow) is None
    git(repo, "replace", git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD"))
    assert quick_look(repo) is None
    git(repo, "replace", "-d", git(repo, "rev-parse", "HEAD~1"))
    assert quick_look(repo) is not None
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert quick_look(repo) is None


def test_a_current_cache_gives_the_same_history_with_and_without_git(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history_of(repo)  # fills the cache
    from_files = history_of(repo)
    assert from_files.stats.cache == "current"
    monkeypatch.setattr(opsvault.history, "quick_look", lambda root: None)
    from_git = history_of(repo)
    assert from_git.stats.cache == "current"
    assert from_files.head == from_git.head == git(repo, "rev-parse", "HEAD")
    files_timeline, git_timeline = from_files.timeline(T), from_git.timeline(T)
    assert files_timeline is not None and git_timeline is not None
    assert files_timeline.events == git_timeline.events and len(files_timeline.events) >= 2
    assert from_files.file_events == from_git.file_events
    assert from_files.status_pairs == from_git.status_pairs


def test_a_new_commit_is_seen_and_read(repo: Path) -> None:
    history_of(repo)
    commit(repo, {ticket_path(T): ticket(T, "resolved", log=[ACK, FIX])}, f"{T}: resolved",
           "2026-11-16T11:30:00-06:00")
    history = history_of(repo)
    assert (history.stats.cache, history.stats.commits_read) == ("incremental", 1)
    assert history_of(repo).stats.cache == "current"


def shown_without_git_library(repo: Path, *options: str) -> dict[str, Any]:
    """`ticket show T --format json` in a fresh process, which must not import GitPython."""
    script = ("import json, sys; from opsvault.cli import main\n"
              f"sys.argv = ['opsvault', 'ticket', 'show', '{T}', '--vault', {str(repo)!r}, "
              f"'--format', 'json', *{list(options)!r}]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('GIT-IMPORTED' if 'git' in sys.modules else 'NO-GIT', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stderr.strip().endswith("NO-GIT"), done.stderr
    shown: dict[str, Any] = json.loads(done.stdout)
    return shown


def test_ticket_show_with_a_current_cache_imports_no_git_and_says_the_same(
        repo: Path) -> None:
    as_of = "2026-11-16T12:00:00-06:00"
    run_cli("ticket", "show", T, "--vault", str(repo), "--format", "json", "--as-of", as_of)
    shown = shown_without_git_library(repo, "--as-of", as_of)
    assert shown["history"] == "git" and [e["kind"] for e in shown["timeline"]][:1] == \
        ["created"]
    # The same answer as through git (the cache ignored: a cold read).
    (repo / ".opsvault/history.sqlite").unlink()
    cold = run_cli("ticket", "show", T, "--vault", str(repo), "--format", "json",
                   "--as-of", as_of)
    assert json.loads(cold.stdout) == shown


def test_bringing_the_history_up_to_date_imports_no_git_library(repo: Path) -> None:
    # After each update commit the cache is one commit behind: the next command reads that
    # commit through git itself, without loading GitPython (a tenth of a second).
    run_cli("ticket", "show", T, "--vault", str(repo), "--format", "json")
    ticket_file = next((repo / "tickets").rglob(f"{T}*.md"))
    ticket_file.write_text(ticket_file.read_text() + "- 2026-11-20 09:00 · alice · Checked.\n")
    git(repo, "commit", "-q", "-am", f"{T}: checked")
    shown = shown_without_git_library(repo)
    assert shown["timeline"][-1]["commit"] == git(repo, "rev-parse", "HEAD")


def test_a_vault_in_a_linked_worktree_has_the_same_history(repo: Path, tmp_path: Path) -> None:
    # git names a worktree's common folder relative to where it runs, and its `.git` is a
    # file: the history is found through git, and is the main checkout's.
    worktree = tmp_path / "worktree"
    git(repo, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    linked = history_of(worktree)
    assert linked.available and linked.head == git(repo, "rev-parse", "HEAD")
    timeline, main = linked.timeline(T), history_of(repo).timeline(T)
    assert timeline is not None and main is not None
    assert [e.kind for e in timeline.events] == [e.kind for e in main.events]
