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
from vaultkit import run_cli, write_vault

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


def test_top_repeat_problems_name_the_first_ticket_and_count_every_return(repo: Path) -> None:
    # T-20261116-reop was reopened on 18 Nov and reported again as T-20261123-rept (23 Nov).
    problems = figures(repo, "--month", "2026-11")["repeats"]["top_problems"]
    assert [(p["ticket_id"], p["reopens"], p["repeats"], p["returns"], p["tickets"])
            for p in problems] == [("T-20261116-reop", 1, 1, 2,
                                    ["T-20261116-reop", "T-20261123-rept"])]
    text = report(repo, "monthly", "--month", "2026-11")
    rows = table_rows(text.split("Top repeat problems:", 1)[1].split("\n## ", 1)[0])
    assert rows["T-20261116-reop"] == ["Ticket T-20261116-reop", "network",
                                       "2 (1 reopened, 1 reported again)",
                                       "T-20261116-reop, T-20261123-rept"]
    # Week 48 holds only the repeat.
    week = figures(repo, "--week", "2026-W48")["repeats"]["top_problems"]
    assert [(p["ticket_id"], p["returns"], p["tickets"]) for p in week] == [
        ("T-20261116-reop", 1, ["T-20261123-rept"])]


def chain_ticket(ident: str, opened: str, body: str = "", **fields: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return (f"---\nid: {ident}\ntitle: Scanner {ident}\nstatus: new\npriority: P3\n"
            f"category: hardware\nopened: {opened}\n{extra}---\n{body or 'It fails.'}\n")


def kb_entry(ident: str, title: str) -> str:
    return (f"---\nid: {ident}\ntitle: {title}\ncategory: Hardware\ntags: [scanner]\n"
            "last_updated: 2026-10-01\n---\nDo this.\n")


def test_most_used_kb_entries_and_chains_of_repeats(tmp_path: Path) -> None:
    files = {
        "kb/Hardware/KB-HW-001-scanner.md": kb_entry("KB-HW-001", "Scanner not found"),
        "kb/Hardware/KB-HW-002-toner.md": kb_entry("KB-HW-002", "Toner streaks"),
        # First reported in October; repeated twice in November, the second of a repeat.
        "tickets/T-20261005-aaaa.md": chain_ticket("T-20261005-aaaa", "2026-10-05T09:00:00-05:00",
                                                   kb='"[[KB-HW-002]]"'),
        "tickets/T-20261103-bbbb.md": chain_ticket(
            "T-20261103-bbbb", "2026-11-03T09:00:00-06:00", "See [[KB-HW-001]].",
            repeat_of='"[[T-20261005-aaaa]]"', kb='"[[KB-HW-001]]"'),
        "tickets/T-20261110-cccc.md": chain_ticket(
            "T-20261110-cccc", "2026-11-10T09:00:00-06:00", "Tried [[KB-HW-001|the fix]].",
            repeat_of='"[[T-20261103-bbbb]]"', related='["[[KB-HW-002]]"]'),
        "tickets/T-20261112-dddd.md": chain_ticket("T-20261112-dddd",
                                                   "2026-11-12T09:00:00-06:00",
                                                   "Same as [[KB-HW-001-scanner]]."),
    }
    root = write_vault(tmp_path / "vault", files)
    data = json.loads(run_cli("metrics", "--vault", str(root), "--month", "2026-11",
                              "--as-of", AS_OF, "--format", "json").stdout)
    assert [(p["ticket_id"], p["repeats"], p["tickets"]) for p in
            data["repeats"]["top_problems"]] == [
        ("T-20261005-aaaa", 2, ["T-20261103-bbbb", "T-20261110-cccc"])]
    # Front matter and text links count once per ticket; October's ticket is outside.
    assert [(u["entry"], u["tickets"]) for u in data["kb"]["most_used"]][:2] == [
        ("KB-HW-001", 3), ("KB-HW-002", 1)]
    text = run_cli("report", "monthly", "--month", "2026-11", "--vault", str(root),
                   "--as-of", AS_OF).stdout
    rows = table_rows(text.split("Most used by this month's tickets:", 1)[1])
    assert rows["KB-HW-001"] == ["Scanner not found", "3"]


def test_site_reports_show_repeat_problems_and_kb_use_within_the_publish_policy(
        tmp_path: Path) -> None:
    files = {
        "kb/Hardware/KB-HW-001-scanner.md": kb_entry("KB-HW-001", "Scanner not found"),
        "tickets/T-20261103-bbbb.md": chain_ticket("T-20261103-bbbb",
                                                   "2026-11-03T09:00:00-06:00",
                                                   "See [[KB-HW-001]]."),
        "tickets/T-20261110-cccc.md": chain_ticket(
            "T-20261110-cccc", "2026-11-10T09:00:00-06:00", "Again.",
            repeat_of='"[[T-20261103-bbbb]]"', kb='"[[KB-HW-001]]"'),
    }
    now = datetime.fromisoformat(AS_OF)

    def november(settings: str | None) -> str:
        extra = {"vault/opsvault.yml": settings} if settings else {}
        root = write_vault(tmp_path / str(len(list(tmp_path.iterdir()))), files | extra)
        staged, _ = render(load_vault(root), now)
        content = next(f.content for f in staged if f.path == "reports/monthly/2026-11.md")
        assert isinstance(content, str)
        return content.split("## Top repeat problems", 1)[1].split("\n## Notes", 1)[0]

    published = november(None)
    assert "| [T-20261103-bbbb](../../tickets/" in published
    assert "| Scanner T-20261103-bbbb | hardware | 1 (1 reported again) |" in published
    assert "| [KB-HW-001](../../knowledge-base/Hardware/KB-HW-001-scanner.md" in published
    assert "| Scanner not found | 2 |" in published
    private = november("time_zone: America/Chicago\npublish:\n  tickets: false\n")
    assert "| hardware | 1 (1 reported again) |" in private
    assert "T-2026" not in private and "Scanner T-" not in private
    assert "| Scanner not found | 2 |" in private
