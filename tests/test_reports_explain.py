"""Reports that explain: three plain sentences at the top, better/worse on every change that
has a good direction, breakdowns by category, location, technician and channel, and no table
header left empty."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from test_metrics import build_repo
from vaultkit import run_cli

from opsvault.history import load_history
from opsvault.model import load_vault
from opsvault.pages import render

AS_OF = "2026-12-01T12:00:00-06:00"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("explain") / "vault")


def report(repo: Path, *args: str) -> str:
    result = run_cli("report", *args, "--vault", str(repo), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def figures(repo: Path, *args: str) -> dict:
    return json.loads(run_cli("metrics", *args, "--vault", str(repo), "--as-of", AS_OF,
                              "--format", "json").stdout)


def table_rows(text: str) -> dict[str, list[str]]:
    return {cells[0]: cells[1:] for line in text.splitlines() if line.startswith("| ")
            for cells in [[c.strip() for c in line.strip().strip("|").split(" | ")]]}


def test_the_summary_says_the_period_in_three_sentences_of_plain_numbers(repo: Path) -> None:
    text = report(repo, "weekly", "--week", "2026-W48")
    summary = text.split("\n\n")[2]
    assert summary.count(". ") == 2 and summary.endswith(".")
    week = figures(repo, "--week", "2026-W48")["summary"]
    before = figures(repo, "--week", "2026-W47")["summary"]
    assert summary.startswith(f"This week the desk opened {week['opened']} tickets and "
                              f"resolved {week['resolved']} (2026-W47: {before['opened']} "
                              f"opened, {before['resolved']} resolved).")
    breaches = len(figures(repo, "--week", "2026-W48")["breaches"])
    assert f"missed {breaches} SLA target" in summary
    assert f"{week['backlog']} ticket" in summary


def test_changes_say_better_or_worse_where_one_way_is_good(repo: Path) -> None:
    rows = table_rows(report(repo, "weekly", "--week", "2026-W48"))
    for label in ("Tickets resolved", "First response, median", "Open at the end of the week"):
        change = rows[label][2]
        assert change in ("0%", "–") or change.endswith((", better", ", worse")), (label, change)
    assert not rows["Tickets opened"][2].endswith(("better", "worse"))  # neither way is good
    week, before = (figures(repo, "--week", w)["summary"] for w in ("2026-W48", "2026-W47"))
    if week["backlog"] > before["backlog"] > 0:
        assert rows["Open at the end of the week"][2].endswith(", worse")
    first, first_before = week["first_response"]["median"], before["first_response"]["median"]
    if first and first_before and round((first - first_before) / first_before * 100):
        cue = ", worse" if first > first_before else ", better"
        assert rows["First response, median"][2].endswith(cue)


def test_breakdowns_match_the_grouped_metrics(repo: Path) -> None:
    text = report(repo, "monthly", "--month", "2026-11")
    section = text.split("## By category", 1)[1].split("\n## ", 1)[0]
    shown = {cells[0]: (int(cells[1]), int(cells[2]))
             for cells in table_rows(section).items() for cells in [[cells[0], *cells[1]]]
             if cells[0] != "Category"}
    groups = figures(repo, "--month", "2026-11", "--by", "category")["groups"]
    assert shown == {g["label"]: (g["opened"], g["resolved"]) for g in groups
                     if g["opened"] or g["resolved"] or g["reopens"]}
    assert "## By technician" in text and "## By channel" in text


def test_site_report_pages_explain_and_leave_no_header_empty(repo: Path) -> None:
    vault = load_vault(repo)
    now = datetime.fromisoformat(AS_OF)
    staged, _ = render(vault, now, history=load_history(repo, vault.settings))
    reports = {f.path: f.content for f in staged if f.path.startswith("reports/")
               and f.path.endswith(".md") and "/" in f.path[len("reports/"):]}
    assert len(reports) >= 5
    for path, content in reports.items():
        assert isinstance(content, str)
        for header in re.findall(r"^\|.*\|\s*\n\| ?-", content, re.MULTILINE):
            cells = [c.strip() for c in header.splitlines()[0].strip().strip("|").split("|")]
            assert all(cells), (path, header)
        if "/monthly/" in path:
            assert "This month the desk opened" in content, path
    november = reports["reports/monthly/2026-11.md"]
    assert isinstance(november, str)
    assert "## By category" in november and "| Category | Opened | Resolved |" in november
