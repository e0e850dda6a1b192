"""The Excel workbook (`report … --format xlsx`, `metrics --format xlsx`, the site's
metrics.xlsx), opened with openpyxl as a spreadsheet program would open it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from gitkit import commit, ticket, ticket_path
from openpyxl.chart import BarChart, LineChart
from sitekit import site_pages
from test_metrics import HOLIDAY, build_repo
from vaultkit import run_cli

AS_OF = "2026-12-01T12:00:00-06:00"
SHEETS = ["Summary", "Weeks", "SLA by priority", "Breaches", "By category", "By priority",
          "By technician", "By channel", "By location"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_repo(tmp_path_factory.mktemp("xlsx") / "vault")
    # A title a spreadsheet would run as a formula if it were written as one.
    commit(root, {ticket_path("T-20261130-evil"): ticket(
        "T-20261130-evil", "new", "P2", opened="2026-11-30T09:00:00-06:00").replace(
        "title: Ticket T-20261130-evil", "title: '=HYPERLINK(\"http://x.example\",\"click\")'")},
        "T-20261130-evil: opened", "2026-11-30T09:00:00-06:00")
    return root


def workbook_of(data: bytes) -> openpyxl.Workbook:
    assert data.startswith(b"PK"), "not an xlsx (zip) file"
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(sheet: object) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]


def test_monthly_report_workbook_has_every_sheet_with_its_figures_and_charts(
        repo: Path) -> None:
    result = run_cli("report", "monthly", "--month", "2026-11", "--vault", str(repo),
                     "--as-of", AS_OF, "--format", "xlsx")
    assert result.exit_code == 0, result.stderr
    book = workbook_of(result.stdout_bytes)
    assert book.sheetnames == SHEETS
    expected = json.loads(run_cli("metrics", "--month", "2026-11", "--vault", str(repo),
                                  "--as-of", AS_OF, "--format", "json").stdout)
    weeks = rows(book["Weeks"])
    assert weeks[0][:6] == ("Period", "From", "To", "Opened", "Resolved", "Closed")
    assert [(r[0], r[3], r[4]) for r in weeks[1:]] == [
        (w["label"], w["opened"], w["resolved"]) for w in expected["weeks"]]
    summary = {r[0]: r[1] for r in rows(book["Summary"]) if r[0]}
    assert summary["Window"] == "2026-11" and summary["Opened"] == expected["summary"]["opened"]
    sla = rows(book["SLA by priority"])
    assert [r[0] for r in sla[1:]] == [p["priority"] for p in expected["sla_by_priority"]]
    breaches = rows(book["Breaches"])
    assert {r[0] for r in breaches[1:]} == {b["ticket_id"] for b in expected["breaches"]}
    assert HOLIDAY in {r[0] for r in breaches[1:]}
    # Native Excel charts: columns of opened and resolved, with a backlog line on the weeks.
    weeks_chart = book["Weeks"]._charts
    assert len(weeks_chart) == 1 and isinstance(weeks_chart[0], BarChart)
    assert any(isinstance(c, LineChart) for c in weeks_chart[0]._charts)
    for name in ("SLA by priority", "By category", "By technician", "By channel"):
        assert len(book[name]._charts) == 1, name
    by_category = rows(book["By category"])
    assert [r[0] for r in by_category[1:]] == [g["label"] for g in json.loads(run_cli(
        "metrics", "--month", "2026-11", "--vault", str(repo), "--as-of", AS_OF, "--by",
        "category", "--format", "json").stdout)["groups"]]


def test_a_figure_that_cannot_be_known_is_an_empty_cell_not_zero(repo: Path) -> None:
    book = workbook_of(run_cli("report", "weekly", "--week", "2026-W48", "--vault", str(repo),
                               "--as-of", AS_OF, "--format", "xlsx").stdout_bytes)
    sheet = book["SLA by priority"]
    headings = [cell.value for cell in sheet[1]]
    compliance = headings.index("Resolution SLA met")
    values = {row[0].value: row[compliance] for row in sheet.iter_rows(min_row=2)}
    undecided = [cell for cell in values.values() if cell.value is None]
    decided = [cell for cell in values.values() if cell.value is not None]
    assert undecided and decided  # P1 has no ticket: no data, which is not 0 %
    assert all(cell.number_format == "0%" for cell in decided)


def test_a_title_that_looks_like_a_formula_stays_text(repo: Path) -> None:
    book = workbook_of(run_cli("metrics", "--since", "2026-11-16", "--until", "2026-12-01",
                               "--vault", str(repo), "--as-of", AS_OF,
                               "--format", "xlsx").stdout_bytes)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert cells, "the ticket's title is in the breaches"
    assert all(cell.data_type == "s" for cell in cells)  # a string, never a formula ("f")
    assert all(cell.data_type != "f" for sheet in book.worksheets
               for row in sheet.iter_rows() for cell in row)


def test_output_writes_the_workbook_to_a_file(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "2026-11.xlsx"
    result = run_cli("report", "monthly", "--month", "2026-11", "--vault", str(repo),
                     "--as-of", AS_OF, "--format", "xlsx", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert workbook_of(target.read_bytes()).sheetnames == SHEETS
    assert [p.name for p in tmp_path.iterdir()] == ["2026-11.xlsx"]  # no temporary left
    wrong = run_cli("report", "monthly", "--vault", str(repo), "--output", str(target))
    assert wrong.exit_code == 2 and "--output goes with --format xlsx" in wrong.stderr


def test_insights_and_sending_have_no_workbook(repo: Path) -> None:
    for args in (("report", "insights"), ("report", "weekly", "--send-to", "cto@example.org")):
        result = run_cli(*args, "--vault", str(repo), "--format", "xlsx")
        assert result.exit_code == 2 and "--format xlsx" in result.stderr, args


def test_the_site_publishes_the_workbook_and_keeps_unpublished_tickets_out(
        tmp_path: Path) -> None:
    published = site_pages(tmp_path / "a")
    book = workbook_of(published["metrics.xlsx"])  # type: ignore[arg-type]
    assert book.sheetnames == SHEETS
    private = site_pages(tmp_path / "b", {
        "vault/opsvault.yml": "time_zone: America/Chicago\npublish:\n  tickets: false\n"})
    book = workbook_of(private["metrics.xlsx"])  # type: ignore[arg-type]
    assert "Breaches" not in book.sheetnames
    texts = {str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for cell in row if cell.value is not None}
    assert not any("T-2026" in text or "VPN drops" in text for text in texts)
    assert "metrics.xlsx" in str(published["reports/index.md"])
