"""Faults give one line and an exit code, never a traceback: extreme dates, symbolic-link
loops, git missing from PATH, a damaged repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from deskkit import VPN, desk
from vaultkit import TICKET, check_json

ROOT = Path(__file__).resolve().parents[1]
EXTREMES = {"9999-12-31T23:59:59-12:00": "T-20261118-late", "0001-01-01T00:00:00+14:00":
            "T-20261118-soon"}


def _opsvault(root: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command as a user runs it (a new process, its own PATH)."""
    environment = dict(os.environ)
    if path is not None:
        environment["PATH"] = path
    return subprocess.run([sys.executable, "-m", "opsvault.cli", *args, "--vault", str(root)],
                          capture_output=True, text=True, env=environment, timeout=120)


def _extreme_vault(root: Path) -> Path:
    files = {f"tickets/{ticket_id}.md": TICKET.replace("T-20261118-q7mz", ticket_id).replace(
        "opened: 2026-11-18T09:12:00-06:00", f"opened: {opened}")
        for opened, ticket_id in EXTREMES.items()}
    root = desk(root, files)
    shutil.copy(ROOT / "opsvault/scaffold/mkdocs.yml", root / "mkdocs.yml")
    return root


def test_check_reports_dates_out_of_range(tmp_path: Path) -> None:
    root = _extreme_vault(tmp_path / "desk")
    code, findings = check_json(root)
    assert code == 1
    out_of_range = sorted((f["path"], f["line"]) for f in findings
                          if "out of range" in str(f["message"]))
    assert out_of_range == [(f"tickets/{t}.md", 7) for t in sorted(EXTREMES.values())]


@pytest.mark.parametrize("command", [["build"], ["metrics"], ["sla"], ["report", "weekly"],
                                     ["ticket", "show", "T-20261118-late"], ["ticket", "list"],
                                     ["ticket", "board"]])
def test_extreme_dates_never_crash_a_command(tmp_path: Path, command: list[str]) -> None:
    root = _extreme_vault(tmp_path / "desk")
    result = _opsvault(root, *command)
    assert "Traceback" not in result.stderr, result.stderr
    # `sla` exits 1 because the base vault's VPN ticket is past its target.
    assert result.returncode == (1 if command == ["sla"] else 0), result.stderr


def test_a_symbolic_link_loop_is_a_finding(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    os.symlink("b.md", root / "tickets/a.md")
    os.symlink("a.md", root / "tickets/b.md")
    code, findings = check_json(root)
    assert code == 1
    assert sorted((f["path"], f["code"]) for f in findings if f["code"] == "broken-link") == [
        ("tickets/a.md", "broken-link"), ("tickets/b.md", "broken-link")]
    result = _opsvault(root, "ticket", "list")
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_a_link_into_git_is_not_read(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    os.symlink("../.git/config", root / "tickets/leak.md")
    _, findings = check_json(root)
    assert [(f["path"], f["code"]) for f in findings if f["path"] == "tickets/leak.md"] == [
        ("tickets/leak.md", "link-outside-vault")]


@pytest.fixture
def path_without_git(tmp_path: Path) -> str:
    """A PATH that has this Python but no git."""
    folder = tmp_path / "bin"
    folder.mkdir()
    os.symlink(sys.executable, folder / "python3")
    return str(folder)


def test_without_git_check_runs_and_says_the_history_rules_did_not(
        tmp_path: Path, path_without_git: str) -> None:
    root = desk(tmp_path / "desk")
    result = _opsvault(root, "check", path=path_without_git)
    assert "Traceback" not in result.stderr
    assert "the history rules did not run" in result.stdout + result.stderr
    assert "git is not installed" in result.stdout + result.stderr


def test_without_git_commit_is_refused_in_one_line(tmp_path: Path, path_without_git: str) -> None:
    root = desk(tmp_path / "desk")
    result = _opsvault(root, "ticket", "log", VPN, "Called.", "--as", "alice", "--commit",
                       path=path_without_git)
    assert result.returncode == 2
    assert result.stderr == "error: --commit: git is not installed (not on PATH)\n"


def test_a_damaged_repository_is_a_finding_not_silence(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    objects = root / ".git/objects"
    for folder in objects.iterdir():
        if len(folder.name) == 2:
            shutil.rmtree(folder)
    code, findings = check_json(root)
    assert [f["code"] for f in findings if f["code"] == "history-unreadable"] == [
        "history-unreadable"]
    assert code == 0  # a warning: the file rules still ran and found nothing


def test_a_failed_build_leaves_the_last_good_site(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    shutil.copy(ROOT / "opsvault/scaffold/mkdocs.yml", root / "mkdocs.yml")
    assert _opsvault(root, "build").returncode == 0
    index = root / "build/site/index.html"
    before = index.read_bytes()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "\nplugins:\n  - no-such-plugin\n")
    result = _opsvault(root, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert index.read_bytes() == before
    assert sorted(p.name for p in (root / "build").iterdir()) == ["docs", "site"]
