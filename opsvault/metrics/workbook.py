"""Metrics as an Excel workbook (XlsxWriter): the week-by-week figures, SLA by priority, the
breaches and the breakdowns by category, priority, technician and channel, each sheet with a
native Excel chart, for the CTO who lives in spreadsheets.

Every text from a ticket is written as a string cell, never through XlsxWriter's `write()`,
which would take a title starting with `=` for a formula (a spreadsheet formula injection).
A figure that cannot be known (a median of no tickets) is an empty cell, never a 0.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .aggregate import Metrics, PeriodMetrics
from .export import period_row

# Sheet names as Excel shows them (at most 31 characters, no []:*?/\).
SUMMARY, WEEKS, SLA, BREACHES = "Summary", "Weeks", "SLA by priority", "Breaches"
BREAKDOWN_SHEETS = {"category": "By category", "priority": "By priority",
                    "assignee": "By technician", "channel": "By channel",
                    "location": "By location"}
# The period columns every figures sheet has, with their headings.
PERIOD_COLUMNS = (
    ("label", "Period"), ("start", "From"), ("end", "To"), ("opened", "Opened"),
    ("resolved", "Resolved"), ("closed", "Closed"),
    ("first_response_median_minutes", "First response median (min)"),
    ("first_response_p90_minutes", "First response p90 (min)"),
    ("resolution_median_minutes", "Resolution median (min)"),
    ("resolution_p90_minutes", "Resolution p90 (min)"),
    ("sla_first_response_compliance", "SLA met: first response"),
    ("sla_resolution_compliance", "SLA met: resolution"),
    ("reopens", "Reopened"), ("repeats", "Repeats"), ("satisfaction_share", "Satisfied"),
    ("backlog", "Open at the end"),
)
SHARES = {"sla_first_response_compliance", "sla_resolution_compliance", "satisfaction_share"}


def to_xlsx(metrics: Metrics, breakdowns: Mapping[str, Sequence[PeriodMetrics]], title: str,
            include_tickets: bool = True) -> bytes:
    """The workbook's bytes. `breakdowns` maps a grouping (`GROUPINGS`) to the same window's
    figures per value of it (`breakdown`); without `include_tickets` no ticket id or title
    is written (the site's publish policy)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    # The moment judged at, not the clock: the same figures make the same bytes (the site
    # rewrites only files whose content changed).
    workbook.set_properties({"title": title, "created": metrics.as_of.replace(tzinfo=None)})
    styles = _Styles(workbook)
    _summary_sheet(workbook, styles, metrics, title)
    _periods_sheet(workbook, styles, WEEKS, [*metrics.weeks], "Opened and resolved per week",
                   line_of_backlog=True)
    _sla_sheet(workbook, styles, metrics)
    if include_tickets:
        _breaches_sheet(workbook, styles, metrics)
    for grouping, grouped in breakdowns.items():
        _periods_sheet(workbook, styles, BREAKDOWN_SHEETS[grouping], grouped,
                       f"Opened and resolved by {BREAKDOWN_SHEETS[grouping][3:]}")
    workbook.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, workbook: Workbook) -> None:
        self.heading = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True,
                                            "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.share = workbook.add_format({"num_format": "0%"})
        self.number = workbook.add_format({"num_format": "0.0"})


def _cell(sheet: Worksheet, row: int, column: int, value: Any, styles: _Styles,
          share: bool = False) -> None:
    if value is None or value == "":
        sheet.write_blank(row, column, None)
    elif isinstance(value, bool) or not isinstance(value, int | float):
        sheet.write_string(row, column, str(value))
    elif share:
        sheet.write_number(row, column, value, styles.share)
    else:
        sheet.write_number(row, column, value,
                           styles.number if isinstance(value, float) else None)


def _table(sheet: Worksheet, styles: _Styles, top: int, headings: Sequence[str],
           rows: Sequence[Sequence[Any]], shares: frozenset[int] = frozenset()) -> None:
    for column, heading in enumerate(headings):
        sheet.write_string(top, column, heading, styles.heading)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            _cell(sheet, top + offset, column, value, styles, column in shares)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, len(headings) - 1, 13)
    sheet.freeze_panes(top + 1, 1)


def _summary_sheet(workbook: Workbook, styles: _Styles, metrics: Metrics, title: str) -> None:
    sheet = workbook.add_worksheet(SUMMARY)
    sheet.write_string(0, 0, title, styles.title)
    window = metrics.window
    facts = [("Window", window.label), ("From", window.start.isoformat()),
             ("To", window.end.isoformat()),
             ("As of", metrics.as_of.isoformat(timespec="minutes")),
             ("Time zone", metrics.time_zone), ("Times from", metrics.history)]
    row = period_row(metrics.summary)
    figures = [(heading, row[key], key in SHARES) for key, heading in PERIOD_COLUMNS[3:]]
    for offset, (label, value, share) in enumerate(
            [(label, value, False) for label, value in facts] + figures, start=2):
        sheet.write_string(offset, 0, label, styles.heading)
        _cell(sheet, offset, 1, value, styles, share)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 24)


def _periods_sheet(workbook: Workbook, styles: _Styles, name: str,
                   periods: Sequence[PeriodMetrics], chart_title: str,
                   line_of_backlog: bool = False) -> None:
    sheet = workbook.add_worksheet(name)
    rows = [[period_row(p)[key] for key, _ in PERIOD_COLUMNS] for p in periods]
    shares = frozenset(i for i, (key, _) in enumerate(PERIOD_COLUMNS) if key in SHARES)
    _table(sheet, styles, 0, [heading for _, heading in PERIOD_COLUMNS], rows, shares)
    if not rows:
        return
    last = len(rows)
    chart = workbook.add_chart({"type": "column"})
    for column in (3, 4):  # opened, resolved
        chart.add_series({"name": [name, 0, column], "categories": [name, 1, 0, last, 0],
                          "values": [name, 1, column, last, column]})
    if line_of_backlog:
        backlog = workbook.add_chart({"type": "line"})
        column = len(PERIOD_COLUMNS) - 1
        backlog.add_series({"name": [name, 0, column], "categories": [name, 1, 0, last, 0],
                            "values": [name, 1, column, last, column]})
        chart.combine(backlog)
    chart.set_title({"name": chart_title})
    chart.set_y_axis({"name": "Tickets"})
    chart.set_legend({"position": "bottom"})
    sheet.insert_chart(last + 3, 0, chart, {"x_scale": 1.6, "y_scale": 1.2})


def _sla_sheet(workbook: Workbook, styles: _Styles, metrics: Metrics) -> None:
    sheet = workbook.add_worksheet(SLA)
    headings = ["Priority", "First response met", "breached", "running", "unknown",
                "First response SLA met", "Resolution met", "breached", "running", "unknown",
                "Resolution SLA met"]
    rows = []
    for row in metrics.sla_by_priority:
        first, resolution = row.first_response, row.resolution
        rows.append([row.priority, first.met, first.breached, first.running, first.unknown,
                     first.compliance, resolution.met, resolution.breached, resolution.running,
                     resolution.unknown, resolution.compliance])
    _table(sheet, styles, 0, headings, rows, frozenset({5, 10}))
    if not rows:
        return
    last = len(rows)
    chart = workbook.add_chart({"type": "column"})
    for column, label in ((5, "First response"), (10, "Resolution")):
        chart.add_series({"name": label, "categories": [SLA, 1, 0, last, 0],
                          "values": [SLA, 1, column, last, column]})
    chart.set_title({"name": "SLA met by priority (empty: none decided yet)"})
    chart.set_y_axis({"name": "Share met", "min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"position": "bottom"})
    sheet.insert_chart(last + 3, 0, chart, {"x_scale": 1.4, "y_scale": 1.2})


def _breaches_sheet(workbook: Workbook, styles: _Styles, metrics: Metrics) -> None:
    sheet = workbook.add_worksheet(BREACHES)
    headings = ["Ticket", "Title", "Priority", "Assignee", "Target", "Target time", "Clock",
                "Due", "Reached", "Over by (min)"]
    rows = [[b.ticket_id, b.title, b.priority, b.assignee or "unassigned", b.target,
             b.duration, b.clock, b.due.isoformat(timespec="minutes") if b.due else "",
             b.stopped.isoformat(timespec="minutes") if b.stopped else "still open",
             round(b.over_minutes, 1)] for b in metrics.breaches]
    _table(sheet, styles, 0, headings, rows)
    sheet.set_column(1, 1, 48)
