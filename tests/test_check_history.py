"""`check` reads history: status changes the workflow does not allow, and reopens that would
not count, each naming the commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitkit import commit, git
from vaultkit import TICKET, check_json, run_cli, write_vault

import opsvault.history

PATH = "tickets/T-20261118-q7mz-vpn-drops.md"
STATUS_LINE = 4


def with_status(status: str, extra: str = "") -> str:
    text = TICKET.replace("status: in-progress", f"status: {status}")
    return text.replace("---\nThe VPN", f"{extra}---\nThe VPN") if extra else text


CLOSED = ("resolution: MTU lowered.\nroot_cause: MTU\nconfirmation: not-required\n"
          "resolved: 2026-11-19T10:00:00-06:00\nclosed: 2026-11-19T11:00:00-06:00\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "vault", {PATH: with_status("new")})
    git(root, "init", "-q", "-b", "main")
    commit(root, {}, "Start", "2026-11-18T09:15:00-06:00")
    return root


def history_findings(root: Path) -> list[dict[str, object]]:
    _, findings = check_json(root)
    return [f for f in findings if f["code"] in ("illegal-transition", "reopen-not-counted")]


def test_a_commit_bundling_several_steps_is_legal(repo: Path) -> None:
    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    assert history_findings(repo) == []


def test_illegal_transition_names_the_commit(repo: Path) -> None:
    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    sha = commit(repo, {PATH: with_status("new")}, "Back to new", "2026-11-18T11:00:00-06:00",
                 author="bob")
    findings = history_findings(repo)
    assert [(f["path"], f["line"], f["code"], f["severity"]) for f in findings] == [
        (PATH, STATUS_LINE, "illegal-transition", "error")]
    message = str(findings[0]["message"])
    assert f"'in-progress' to 'new' in commit {sha[:10]} (2026-11-18 11:00, Bob Okafor)" in message
    assert "allows from 'in-progress': waiting-on-user, escalated" in message


def test_reopen_is_legal(repo: Path) -> None:
    commit(repo, {PATH: with_status("closed", CLOSED)}, "Close", "2026-11-19T11:00:00-06:00")
    commit(repo, {PATH: with_status("open")}, "Reopen", "2026-11-20T09:00:00-06:00")
    assert history_findings(repo) == []


def test_going_back_from_done_without_reopening_is_reported(repo: Path) -> None:
    commit(repo, {PATH: with_status("closed", CLOSED)}, "Close", "2026-11-19T11:00:00-06:00")
    sha = commit(repo, {PATH: with_status("in-progress")}, "Oops", "2026-11-20T09:00:00-06:00")
    findings = history_findings(repo)
    assert [f["code"] for f in findings] == ["reopen-not-counted"]
    assert sha[:10] in str(findings[0]["message"])
    assert "reopen by moving to 'open'" in str(findings[0]["message"])


def test_one_step_per_commit_when_each_update_is_committed(repo: Path) -> None:
    settings = repo / "vault/opsvault.yml"
    settings.write_text(settings.read_text() + "workflow:\n  commit_each_update: true\n")
    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    assert [f["code"] for f in history_findings(repo)] == ["illegal-transition"]


def test_plain_folder_skips_history_without_running_git(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError("history was read for a folder without git")

    monkeypatch.setattr(opsvault.history, "load_history", no_git)
    root = write_vault(tmp_path / "vault")
    assert check_json(root) == (0, [])


def test_findings_are_the_same_from_the_cache(repo: Path) -> None:
    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    commit(repo, {PATH: with_status("new")}, "Back to new", "2026-11-18T11:00:00-06:00")
    first = history_findings(repo)
    assert (repo / ".opsvault/history.sqlite").is_file()
    assert history_findings(repo) == first and len(first) == 1


def test_changes_before_history_checked_from_are_not_checked(repo: Path) -> None:
    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    commit(repo, {PATH: with_status("new")}, "Back to new", "2026-11-18T11:00:00-06:00")
    settings = "time_zone: America/Chicago\nworkflow:\n  history_checked_from: {day}\n"
    commit(repo, {"vault/opsvault.yml": settings.format(day="2026-11-19")}, "Acknowledge",
           "2026-11-19T09:00:00-06:00")
    assert history_findings(repo) == []
    commit(repo, {"vault/opsvault.yml": settings.format(day="2026-11-18")}, "Check all",
           "2026-11-19T10:00:00-06:00")
    assert [f["code"] for f in history_findings(repo)] == ["illegal-transition"]


def test_no_history_skips_only_the_history_rules_and_says_so(repo: Path) -> None:
    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    commit(repo, {PATH: with_status("new")}, "Back to new", "2026-11-18T11:00:00-06:00")
    code, findings = check_json(repo)
    assert code == 1 and [f["code"] for f in findings] == ["illegal-transition"]
    code, findings = check_json(repo, "--no-history")
    assert (code, findings) == (0, [])
    result = run_cli("check", "--vault", str(repo), "--no-history", "--as-of", "2026-11-25")
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s) (history rules skipped: --no-history)" in result.stderr
    # The file rules still run.
    (repo / PATH).write_text(with_status("resolvd"))
    code, findings = check_json(repo, "--no-history")
    assert code == 1 and [f["code"] for f in findings] == ["invalid-value"]


def test_history_with_events_on_demand_answers_as_the_whole_history(repo: Path) -> None:
    from opsvault.history.cache import EncodedEvents, StoredEvents
    from opsvault.model import load_vault

    other = "tickets/T-20261118-b2c3-printer.md"
    commit(repo, {PATH: with_status("in-progress"),
                  other: with_status("open").replace("T-20261118-q7mz", "T-20261118-b2c3"),
                  "kb/Network/KB-NET-001-vpn.md": "---\nid: KB-NET-001\ntitle: VPN\n---\n"},
           "Work", "2026-11-18T10:00:00-06:00")
    commit(repo, {PATH: with_status("new")}, "Back to new", "2026-11-18T11:00:00-06:00")
    settings = load_vault(repo).settings
    # No cache yet: the pass runs, and what is kept is read back from the cache it wrote.
    light = opsvault.history.load_history(repo, settings, events_on_demand=True)
    assert light.stats.cache == "cold" and light.stats.commits_read == 3
    assert {type(source) for source in light.timelines._sources.values()} == {StoredEvents}
    whole = opsvault.history.load_history(repo, settings)
    assert whole.stats.cache == "current"
    assert {type(source) for source in whole.timelines._sources.values()} == {EncodedEvents}
    assert light.status_pairs == whole.status_pairs
    assert set(light.timelines) == set(whole.timelines) >= {"T-20261118-q7mz", "T-20261118-b2c3"}
    for ticket_id in whole.timelines:
        assert light.timeline(ticket_id) == whole.timeline(ticket_id)
    # The versions the facts cache compares are told from each row's digest, unread, and
    # are those of the events a pass without the cache reads; the KB's file events are kept.
    passed = opsvault.history.load_history(repo, settings, use_cache=False)
    for ticket_id in whole.timelines:
        assert light.events_version(ticket_id) == whole.events_version(ticket_id) == \
            passed.events_version(ticket_id)
    assert light.file_events == whole.file_events == passed.file_events != ()
    # A current cache is read the same way, and `check` says the same as before.
    again = opsvault.history.load_history(repo, settings, events_on_demand=True)
    assert again.stats.cache == "current" and again.status_pairs == whole.status_pairs
    assert [f["code"] for f in history_findings(repo)] == ["illegal-transition"]


def test_a_history_cache_gone_while_the_rules_run_is_said_not_a_traceback(repo: Path) -> None:
    from opsvault.checks import run_checks
    from opsvault.checks.context import check_history
    from opsvault.history.cache import cache_path
    from opsvault.model import load_vault

    commit(repo, {PATH: with_status("in-progress")}, "Work", "2026-11-18T10:00:00-06:00")
    commit(repo, {PATH: with_status("new")}, "Back to new", "2026-11-18T11:00:00-06:00")
    vault = load_vault(repo)
    history = check_history(repo, vault.settings)
    cache_path(repo).unlink()  # another run, or a person, cleared the caches meanwhile
    found = [d for d in run_checks(vault, read_history=history)
             if d.code in ("history-unreadable", "illegal-transition")]
    assert [(d.code, d.path) for d in found] == [("history-unreadable",
                                                  ".opsvault/history.sqlite")]
    assert "run the check again" in found[0].message
