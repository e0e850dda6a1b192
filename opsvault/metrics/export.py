"""Metrics as data for other programs: a JSON-able dict, CSV, Prometheus text, a plain table.

`as_dict` is the one description of every metric that the JSON output, the site's
`metrics.json` and the report pages share; CSV has one row per ISO week (or per group).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .windows import DAYS

if TYPE_CHECKING:  # the aggregates only for metrics; `sla` exports clocks alone
    from .aggregate import Metrics, PeriodMetrics, SlaCounts

PROMETHEUS_PREFIX = "opsvault_"


def as_dict(value: Any) -> Any:
    """Dataclasses (with their computed properties), dates and tuples as JSON-able values."""
    if is_dataclass(value) and not isinstance(value, type):
        result = {f.name: as_dict(getattr(value, f.name)) for f in fields(value)}
        for name, member in vars(type(value)).items():
            if isinstance(member, property):
                result[name] = as_dict(getattr(value, name))
        return result
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, tuple | list):
        return [as_dict(item) for item in value]
    if isinstance(value, dict):
        return {str(key): as_dict(item) for key, item in value.items()}
    return value


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "label", "start", "end", "opened", "resolved", "closed",
    "first_response_count", "first_response_median_minutes", "first_response_p90_minutes",
    "resolution_count", "resolution_median_minutes", "resolution_p90_minutes",
    "sla_first_response_met", "sla_first_response_breached", "sla_first_response_running",
    "sla_first_response_compliance", "sla_resolution_met", "sla_resolution_breached",
    "sla_resolution_running", "sla_resolution_compliance", "sla_update_met",
    "sla_update_breached", "sla_update_running", "sla_update_compliance", "reopens", "repeats",
    "follow_ups_done",
    "satisfaction_rated", "satisfaction_share", "automated", "backlog", "kb_added",
    "kb_updated",
)


def period_row(period: PeriodMetrics) -> dict[str, object]:
    """One period as flat columns (spreadsheets, Grafana's CSV data source)."""
    return {
        "label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
        "opened": period.opened, "resolved": period.resolved, "closed": period.closed,
        "first_response_count": period.first_response.count,
        "first_response_median_minutes": _number(period.first_response.median),
        "first_response_p90_minutes": _number(period.first_response.p90),
        "resolution_count": period.resolution.count,
        "resolution_median_minutes": _number(period.resolution.median),
        "resolution_p90_minutes": _number(period.resolution.p90),
        **_sla_columns("sla_first_response", period.sla_first_response),
        **_sla_columns("sla_resolution", period.sla_resolution),
        **_sla_columns("sla_update", period.sla_update),
        "reopens": period.reopens, "repeats": period.repeats,
        "follow_ups_done": period.follow_ups_done,
        "satisfaction_rated": period.satisfaction.rated,
        "satisfaction_share": _number(period.satisfaction.share),
        "automated": period.automated, "backlog": period.backlog,
        "kb_added": _number(period.kb_added), "kb_updated": _number(period.kb_updated),
    }


def _sla_columns(prefix: str, counts: SlaCounts) -> dict[str, object]:
    return {f"{prefix}_met": counts.met, f"{prefix}_breached": counts.breached,
            f"{prefix}_running": counts.running,
            f"{prefix}_compliance": _number(counts.compliance)}


def _number(value: float | None) -> object:
    if value is None:
        return ""
    return round(value, 4) if isinstance(value, float) else value


def to_csv(metrics: Metrics) -> str:
    """One row per ISO week and a last row for the whole window; with a grouping, one row
    per group instead."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = metrics.groups if metrics.group_by else (*metrics.weeks, metrics.summary)
    for period in rows:
        writer.writerow(period_row(period))
    return buffer.getvalue()


# --- Prometheus --------------------------------------------------------------------------------
#
# Prometheus conventions (prometheus.io/docs/practices/naming): base units (seconds), the unit
# last in the name, `_ratio` for shares, and labels whose values are bounded. The window the
# figures cover is not a label, which would start new time series every day: it is told by
# two timestamp gauges, so that a scheduled export is one set of series that moves.

# Label dimensions whose values the settings bound (a `--by` for Prometheus must be one).
PROMETHEUS_GROUPINGS = ("priority", "category")
SECONDS_PER_MINUTE = 60

_GAUGES: tuple[tuple[str, str, Any], ...] = (
    ("opened_tickets", "Tickets opened in the window.", lambda p: p.opened),
    ("resolved_tickets", "Tickets resolved in the window.", lambda p: p.resolved),
    ("closed_tickets", "Tickets closed in the window.", lambda p: p.closed),
    ("first_response_median_seconds", "Median first response time in the window, in seconds "
     "of each priority's clock (business hours or 24x7).",
     lambda p: _seconds(p.first_response.median)),
    ("first_response_p90_seconds", "90th percentile first response time in the window, in "
     "seconds of each priority's clock.", lambda p: _seconds(p.first_response.p90)),
    ("resolution_median_seconds", "Median resolution time in the window, in seconds of each "
     "priority's clock.", lambda p: _seconds(p.resolution.median)),
    ("resolution_p90_seconds", "90th percentile resolution time in the window, in seconds "
     "of each priority's clock.", lambda p: _seconds(p.resolution.p90)),
    ("reopened_tickets", "Tickets reopened in the window.", lambda p: p.reopens),
    ("repeat_tickets", "Tickets opened in the window as a repeat of an earlier one.",
     lambda p: p.repeats),
    ("backlog_tickets", "Tickets open at the end of the window.", lambda p: p.backlog),
    ("satisfaction_ratio", "Share of the rated tickets closed in the window rated 4 or 5.",
     lambda p: p.satisfaction.share),
    ("automated_tickets", "Tickets resolved by an automation script in the window.",
     lambda p: p.automated),
    ("kb_entries_added", "KB entries added in the window.", lambda p: p.kb_added),
    ("kb_entries_updated", "KB entries updated in the window.", lambda p: p.kb_updated),
)


def _seconds(minutes: float | None) -> float | None:
    return None if minutes is None else minutes * SECONDS_PER_MINUTE


def _timestamp(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), zone).timestamp())


def to_prometheus(metrics: Metrics) -> str:
    """The text exposition format, for a node_exporter textfile or a scrape endpoint."""
    if metrics.group_by is not None and metrics.group_by not in PROMETHEUS_GROUPINGS:
        raise ValueError(f"Prometheus labels must have bounded values: group by "
                         f"{' or '.join(PROMETHEUS_GROUPINGS)}, not {metrics.group_by}")
    zone = ZoneInfo(metrics.time_zone)
    window = metrics.window
    lines = _family("window_start_timestamp_seconds", "Start of the window the figures cover "
                    "(Unix time).", [({}, _timestamp(window.start, zone))])
    lines += _family("window_end_timestamp_seconds", "End of the window the figures cover "
                     "(Unix time, exclusive).",
                     [({}, _timestamp(window.end + timedelta(days=1), zone))])
    lines += _family("as_of_timestamp_seconds", "The moment the figures were judged at "
                     "(Unix time).", [({}, int(metrics.as_of.timestamp()))])
    # With --by, each figure per group: a total beside them would make sum() count twice.
    periods: list[tuple[dict[str, str], PeriodMetrics]] = \
        [({metrics.group_by: group.label}, group) for group in metrics.groups] \
        if metrics.group_by else [({}, metrics.summary)]
    for name, help_text, value_of in _GAUGES:
        samples = [(labels, value_of(period)) for labels, period in periods]
        lines += _family(name, help_text, [(labels, v) for labels, v in samples
                                           if v is not None])
    sla = [({"priority": row.priority, "target": target, "state": state}, count)
           for row in metrics.sla_by_priority
           for target, counts in (("first_response", row.first_response),
                                  ("resolution", row.resolution))
           for state, count in (("met", counts.met), ("breached", counts.breached),
                                ("running", counts.running), ("unknown", counts.unknown))]
    lines += _family("sla_tickets", "Tickets opened in the window, by priority, SLA target "
                     "and the state of its clock.", sla)
    lines += _family("kb_entries", "KB entries in the vault.", [({}, metrics.kb.entries)])
    lines += _family("kb_stale_entries", "KB entries not updated within kb.stale_after_days.",
                     [({}, len(metrics.kb.stale))])
    return "\n".join(lines) + "\n"


def _family(name: str, help_text: str,
            samples: list[tuple[dict[str, str], float | int]]) -> list[str]:
    full = PROMETHEUS_PREFIX + name
    lines = [f"# HELP {full} {help_text}", f"# TYPE {full} gauge"]
    for labels, value in samples:
        rendered = ",".join(f'{key}="{_escape(str(label))}"' for key, label in labels.items())
        number = f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else value
        lines.append(f"{full}{{{rendered}}} {number}" if rendered else f"{full} {number}")
    return lines


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# --- a table for people ------------------------------------------------------------------------

def duration(minutes: float | None) -> str:
    """Clock minutes as '45m', '3h 05m' (hours rather than days: business days vary)."""
    if minutes is None:
        return "–"
    total = round(minutes)
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 60)
    return f"{sign}{hours}h {rest:02d}m" if hours else f"{sign}{rest}m"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def change(value: float | None) -> str:
    if value is None:
        return "–"
    return "0%" if round(value) == 0 else f"{value:+.0f}%"


def to_table(metrics: Metrics) -> str:
    """The window week by week (or group by group), then SLA, breaches and the rest."""
    return "\n".join(_table_lines(metrics)) + "\n"


def _table_lines(metrics: Metrics) -> Iterator[str]:
    window = metrics.window
    # A week or month is named, then dated; a plain range is its dates, said once.
    dates = f"{window.start} to {window.end}"
    span = f"{dates} ({metrics.time_zone})" if window.kind == DAYS else \
        f"{window.label} ({dates}, {metrics.time_zone})"
    yield (f"{span}, as of "
           f"{metrics.as_of:%Y-%m-%d %H:%M}; times from "
           f"{'git history and the files' if metrics.history == 'git' else 'the files only'}")
    yield ""
    heading = metrics.group_by or "week"
    columns = (f"{heading:<14} {'opened':>6} {'resolved':>8} {'closed':>6}  "
               f"{'1st response med / p90':>22}  {'resolution med / p90':>22}  "
               f"{'SLA met':>7} {'reopen':>6} {'backlog':>7}")
    yield columns
    yield "-" * len(columns)
    rows = metrics.groups if metrics.group_by else metrics.weeks
    for period in (*rows, metrics.summary):
        label = "all" if period is metrics.summary else period.label
        sla = _combined(period.sla_first_response, period.sla_resolution)
        yield (f"{label:<14} {period.opened:>6} {period.resolved:>8} {period.closed:>6}  "
               f"{_pair(period.first_response.median, period.first_response.p90):>22}  "
               f"{_pair(period.resolution.median, period.resolution.p90):>22}  "
               f"{percent(sla):>7} {period.reopens:>6} {period.backlog:>7}")
    yield ""
    yield "SLA by priority (tickets opened in the window): met / breached / running"
    for row in metrics.sla_by_priority:
        first, resolution = row.first_response, row.resolution
        yield (f"  {row.priority:<4} first response {first.met}/{first.breached}/"
               f"{first.running} ({percent(first.compliance)}), resolution "
               f"{resolution.met}/{resolution.breached}/{resolution.running} "
               f"({percent(resolution.compliance)})")
    if metrics.breaches:
        yield ""
        yield f"Breaches ({len(metrics.breaches)}):"
        for breach in metrics.breaches:
            state = "still open" if breach.stopped is None else f"met {breach.stopped:%m-%d %H:%M}"
            yield (f"  {breach.ticket_id} {breach.priority} {breach.target.replace('_', ' ')} "
                   f"({breach.duration}, {breach.clock}) over by {duration(breach.over_minutes)}"
                   f", {state} - {breach.title}")
    summary = metrics.summary
    yield ""
    yield (f"Repeat issues: {metrics.repeats.reopens} reopened, {metrics.repeats.repeat_links} "
           f"linked with repeat_of"
           + (f"; top categories {_top(metrics.repeats.top_categories)}"
              if metrics.repeats.top_categories else ""))
    kb = metrics.kb
    added = "?" if kb.added is None else str(kb.added)
    yield (f"KB: {added} added, {kb.updated} updated, {kb.entries} entries, "
           f"{len(kb.stale)} stale")
    yield (f"Satisfaction: {percent(summary.satisfaction.share)} rated 4-5 of "
           f"{summary.satisfaction.rated} rated (goal {percent(summary.satisfaction.goal)})")
    automation = metrics.automation
    yield (f"Automation: {automation.automated} of {automation.resolved} resolved tickets by a "
           f"script ({percent(automation.share)})")
    trend = metrics.trend
    yield (f"Trend vs {trend.previous.label}: resolved {trend.resolved} "
           f"({change(trend.resolved_change)}), median resolution "
           f"{duration(trend.resolution_median)} ({change(trend.resolution_change)}), "
           f"median first response {duration(trend.first_response_median)} "
           f"({change(trend.first_response_change)})")


def _combined(first: SlaCounts, resolution: SlaCounts) -> float | None:
    from .aggregate import SlaCounts
    return SlaCounts(first.met + resolution.met, first.breached + resolution.breached).compliance


def _pair(median: float | None, p90: float | None) -> str:
    return f"{duration(median)} / {duration(p90)}"


def _top(items: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in items)
