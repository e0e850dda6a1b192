"""`opsvault metrics`, `report`, `sla` and `ticket show` through the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from gitkit import git
from prometheus_client.parser import text_string_to_metric_families
from test_metrics import HOLIDAY, REOPENED, RUNNING_P4, WEEKEND, build_repo
from test_sla_pause import _repo as pause_repo
from vaultkit import run_cli

from opsvault.cli import common as cli_common
from opsvault.history import load_history
from opsvault.metrics import as_dict, facts_of, open_clocks, ticket_facts
from opsvault.model import load_vault

AS_OF = "2026-12-01T12:00:00-06:00"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("cli") / "vault")


def metrics(repo: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("metrics", "--vault", str(repo), "--as-of", AS_OF, *args)
    return result.exit_code, result.stdout, result.stderr


def test_metrics_json_has_every_metric(repo: Path) -> None:
    code, out, _ = metrics(repo, "--week", "2026-W48", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["window"]["label"] == "2026-W48"
    assert (data["summary"]["opened"], data["summary"]["resolved"]) == (3, 2)
    assert data["summary"]["first_response"] == {"count": 2, "median": 42.5, "p90": 68.5}
    assert data["summary"]["sla_first_response"]["compliance"] == pytest.approx(0.3333, 1e-3)
    assert [b["ticket_id"] for b in data["breaches"]] == [HOLIDAY, RUNNING_P4]
    assert {"backlog", "repeats", "kb", "automation", "trend", "sla_by_priority"} <= set(data)
    assert data["trend"]["previous"]["label"] == "2026-W47"


def test_metrics_csv_has_a_row_per_week_and_a_total(repo: Path) -> None:
    code, out, _ = metrics(repo, "--since", "2026-11-16", "--until", "2026-11-29", "--format",
                           "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [row["label"] for row in rows] == ["2026-W47", "2026-W48", "2026-11-16..2026-11-29"]
    assert [row["opened"] for row in rows] == ["3", "3", "6"]
    assert rows[1]["resolution_median_minutes"] == "397.5"


def test_metrics_by_group(repo: Path) -> None:
    code, out, _ = metrics(repo, "--month", "2026-11", "--by", "priority", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {row["label"]: row["opened"] for row in rows} == {"P1": "2", "P2": "1", "P3": "3",
                                                             "P4": "1"}


def prometheus_families(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Metric family → its samples, as Prometheus's own client library parses the text."""
    return {family.name: [(sample.labels, sample.value) for sample in family.samples]
            for family in text_string_to_metric_families(text)}


def series_of(families: dict[str, list[tuple[dict[str, str], float]]]) -> set[tuple]:
    return {(name, tuple(sorted(labels.items())))
            for name, samples in families.items() for labels, _ in samples}


def test_metrics_prometheus_export_follows_prometheus_conventions(repo: Path) -> None:
    code, out, _ = metrics(repo, "--week", "2026-W48", "--format", "prometheus")
    assert code == 0
    families = prometheus_families(out)
    assert families["opsvault_opened_tickets"] == [({}, 3)]
    assert families["opsvault_first_response_median_seconds"] == [({}, 42.5 * 60)]
    assert ({"priority": "P2", "target": "first_response", "state": "breached"}, 1) in \
        families["opsvault_sla_tickets"]
    # The window is told by values, never by a label: each export continues the same series.
    monday = datetime(2026, 11, 23, tzinfo=ZoneInfo("America/Chicago")).timestamp()
    assert families["opsvault_window_start_timestamp_seconds"] == [({}, monday)]
    assert families["opsvault_window_end_timestamp_seconds"] == [({}, monday + 7 * 86400)]
    for name, samples in families.items():
        assert re.fullmatch(r"opsvault_[a-z][a-z0-9_]*", name), name
        assert not name.endswith("_minutes"), name  # base units: seconds
        for labels, _ in samples:
            assert set(labels) <= {"priority", "target", "state"}, (name, labels)
    _, earlier, _ = metrics(repo, "--week", "2026-W47", "--format", "prometheus")
    assert series_of(families) == series_of(prometheus_families(earlier))


def test_metrics_prometheus_groups_only_by_bounded_labels(repo: Path) -> None:
    code, out, _ = metrics(repo, "--week", "2026-W48", "--by", "category", "--format",
                           "prometheus")
    assert code == 0
    opened = prometheus_families(out)["opsvault_opened_tickets"]
    assert ({"category": "network"}, 3) in opened
    assert all(set(labels) == {"category"} for labels, _ in opened)  # no total to count twice
    code, _, err = metrics(repo, "--by", "assignee", "--format", "prometheus")
    assert code == 2 and "--by priority or category only" in err


def test_metrics_table_for_people(repo: Path) -> None:
    code, out, _ = metrics(repo, "--since", "2026-11-16", "--until", "2026-11-29")
    assert code == 0
    assert "2026-W47" in out and "2026-W48" in out and "Breaches (" in out
    assert out.splitlines()[0].startswith("2026-11-16 to 2026-11-29 (America/Chicago), as of ")
    assert out.count("2026-11-16") == 1  # the range is said once


def test_a_week_is_named_then_dated(repo: Path) -> None:
    code, out, _ = metrics(repo, "--week", "2026-W47")
    assert code == 0
    assert out.splitlines()[0].startswith("2026-W47 (2026-11-16 to 2026-11-22, America/Chicago)")


@pytest.mark.parametrize("args", [("--week", "2026-W60"), ("--month", "2026-13"),
                                  ("--week", "2026-W47", "--since", "2026-11-01"),
                                  ("--since", "2026-11-30", "--until", "2026-11-01")])
def test_metrics_usage_errors_exit_2(repo: Path, args: tuple[str, ...]) -> None:
    code, _, err = metrics(repo, *args)
    assert code == 2 and err.startswith("error:")


def test_metrics_without_git_gives_a_notice(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(repo, folder, ignore=shutil.ignore_patterns(".git", ".opsvault"))
    code, out, err = metrics(folder, "--week", "2026-W48", "--format", "json")
    assert code == 0
    assert "not in a git repository" in err
    assert json.loads(out)["history"] == "files"


def test_metrics_on_a_shallow_clone_gives_a_notice(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    code, _, err = metrics(clone, "--week", "2026-W48")
    assert code == 0
    assert "shallow clone" in err and "git fetch --unshallow" in err


def test_weekly_report_markdown(repo: Path) -> None:
    result = run_cli("report", "weekly", "--vault", str(repo), "--week", "2026-W48",
                     "--as-of", AS_OF)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# Weekly report 2026-W48\n")
    assert "| Tickets resolved | 2 | 2 | 0% |" in out
    assert "| First response, median | 42m | 25m | +70%, worse |" in out
    assert f"**{HOLIDAY}** (P2, alice) — first response target 30m" in out
    assert "## Repeat issues" in out and "## Knowledge base" in out


def test_report_defaults_to_the_last_complete_period(repo: Path) -> None:
    weekly = run_cli("report", "weekly", "--vault", str(repo), "--as-of", AS_OF,
                     "--format", "json")
    assert json.loads(weekly.stdout)["title"] == "Weekly report 2026-W48"
    monthly = run_cli("report", "monthly", "--vault", str(repo), "--as-of", AS_OF,
                      "--format", "json")
    data = json.loads(monthly.stdout)
    assert data["title"] == "Monthly report 2026-11"
    assert data["metrics"]["summary"]["satisfaction"]["share"] == 0.5


def test_report_rejects_a_week_for_a_monthly_report(repo: Path) -> None:
    result = run_cli("report", "monthly", "--vault", str(repo), "--week", "2026-W48")
    assert result.exit_code == 2


def test_sla_lists_breached_open_tickets_and_exits_1(repo: Path) -> None:
    result = run_cli("sla", "--vault", str(repo), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert RUNNING_P4 in result.stdout and "12h 00m over" in result.stdout


def test_sla_with_nothing_breached_exits_0_and_lists_what_is_due_soon(repo: Path) -> None:
    result = run_cli("sla", "--vault", str(repo), "--as-of", "2026-11-25T12:00")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "As of 2026-11-25 12:00 America/Chicago"
    # Due Monday 09:00: within one business day of Wednesday noon, Thanksgiving being off.
    assert "Due soon (at risk, or due within a business day) (1)" in lines
    assert "Breached now" not in result.stdout
    row = next(line for line in lines if line.startswith(RUNNING_P4))
    assert " new " in row and "6h 00m left" in row and "2026-11-30 09:00" in row
    everything = run_cli("sla", "--vault", str(repo), "--as-of", "2026-11-25T12:00", "--all",
                         "--format", "json")
    tickets = json.loads(everything.stdout)["tickets"]
    assert [(t["ticket_id"], t["state"], t["minutes_left"]) for t in tickets] == [
        (RUNNING_P4, "running", 360)]


@pytest.mark.parametrize("build", [build_repo, pause_repo], ids=["desk", "pauses"])
@pytest.mark.parametrize("as_of", ["2026-11-30T10:00:00-06:00", AS_OF])
def test_sla_from_the_open_tickets_alone_says_what_the_whole_vault_says(
        build: Callable[[Path], Path], as_of: str, tmp_path: Path) -> None:
    root = build(tmp_path / "vault")
    vault = load_vault(root)
    moment = datetime.fromisoformat(as_of)
    every_fact = ticket_facts(vault, load_history(root, vault.settings, use_cache=False),
                              moment)
    expected = [(c.ticket_id, c.target, c.state, c.minutes_left, c.due and c.due.isoformat())
                for c in open_clocks(every_fact) if c.started <= moment]
    shown = []
    for _ in range(2):  # no cache and no index yet; then both
        result = run_cli("sla", "--vault", str(root), "--as-of", as_of, "--all",
                         "--format", "json")
        assert result.exit_code in (0, 1), result.stderr
        shown.append([(c["ticket_id"], c["target"], c["state"].replace("at-risk", "running"),
                       c["minutes_left"], c["due"])
                      for c in json.loads(result.stdout)["tickets"]])
    assert shown[0] == shown[1] == expected
    assert expected and len(vault.tickets) > len(expected) + 2  # and closed ones to leave out


def test_ticket_show_lists_fields_and_timeline(repo: Path) -> None:
    result = run_cli("ticket", "show", REOPENED, "--vault", str(repo), "--as-of", AS_OF)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(f"{REOPENED} · Ticket {REOPENED}\n")
    assert "status: open → resolved" in out and "status: resolved → open" in out
    assert "Log: Reopened: it happened again." in out
    assert "reopened    2026-11-18 09:00" in out


def test_ticket_show_json(repo: Path) -> None:
    result = run_cli("ticket", "show", WEEKEND, "--vault", str(repo), "--format", "json",
                     "--as-of", AS_OF)
    data = json.loads(result.stdout)
    assert data["facts"]["first_response_minutes"] == 75
    assert [e["new"] for e in data["timeline"] if e["field"] == "status"] == [
        "new", "open", "resolved"]


def test_ticket_show_from_its_own_cache_rows_says_what_the_whole_history_says(
        repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".opsvault"))
    vault = load_vault(copy)
    whole = load_history(copy, vault.settings, use_cache=False)
    moment = datetime.fromisoformat(AS_OF)

    def plain(value: object) -> object:
        return json.loads(json.dumps(value, default=str))

    for ticket in vault.tickets:
        shown = [json.loads(run_cli("ticket", "show", ticket.id, "--vault", str(copy),
                                    "--format", "json", "--as-of", AS_OF).stdout)
                 for _ in range(2)]  # the first reads all of history, the second its rows
        assert shown[0] == shown[1], ticket.id
        fact = facts_of(vault, whole, ticket, moment)
        assert shown[1]["facts"] == plain(as_dict(fact) if fact else None), ticket.id
        timeline = whole.timeline(ticket.id)
        assert shown[1]["timeline"] == plain(
            [as_dict(e) for e in (timeline.events if timeline else ())]), ticket.id
    assert len(vault.tickets) >= 5


def test_ticket_show_unknown_ticket_exits_1(repo: Path) -> None:
    result = run_cli("ticket", "show", "T-19990101-zzzz", "--vault", str(repo))
    assert result.exit_code == 1 and "no ticket" in result.stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(repo: Path) -> None:
    _, _, err = metrics(repo, "--week", "2026-W48")
    assert "Reading history" not in err


def test_progress_bar_on_a_long_first_pass_in_a_terminal(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".opsvault"))
    monkeypatch.setattr(cli_common, "PROGRESS_FROM_COMMITS", 10)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    cli_common.history_of(load_vault(copy))
    assert "Reading history" in capsys.readouterr().err


def test_markdown_report_shows_html_in_titles_as_text(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[1]
    vault = tmp_path / "demo"
    for folder in ("vault", "tickets", "kb", "sops", "scripts"):
        shutil.copytree(demo / folder, vault / folder)
    ticket = next((vault / "tickets").glob("T-20261116-o2fj*.md"))
    text = ticket.read_text()
    ticket.write_text(text.replace("title: ", "title: <img src=x onerror=alert(1)> ", 1))
    result = run_cli("report", "weekly", "--vault", str(vault), "--week", "2026-W47",
                     "--as-of", "2026-11-25T12:00:00-06:00")
    assert result.exit_code == 0
    assert "T-20261116-o2fj" in result.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;" in result.stdout
    assert "<img" not in result.stdout
