"""Report pages (weekly and monthly, with charts), the reports index, the home dashboard's
numbers, and the metrics as `metrics.json` and `metrics.csv` at the site root.

All numbers come from the metrics stage; this module only picks windows, formats and lays
out. The site shows the last few weeks and months; `opsvault report` writes any other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from markupsafe import Markup

from ..business_time import BusinessCalendar, budget_minutes
from ..metrics import (
    BREACHED,
    BacklogDay,
    KBWeek,
    Metrics,
    PeriodMetrics,
    SlaClock,
    SlaCounts,
    Window,
    as_dict,
    breakdown,
    build_metrics,
    build_workbook,
    open_clocks,
    to_csv,
)
from ..metrics.export import duration, percent
from ..metrics.verdict import due_soon_horizon, is_due_soon, verdict
from ..reports import (
    BREAKDOWN_COLUMNS,
    BREAKDOWNS,
    breakdown_rows,
    build_insights_report,
    comparison_rows,
    render_insights_markdown,
    repeat_problem_rows,
    summary_sentences,
)
from .charts import Chart, Series, svg
from .context import Site
from .display import local_time, span
from .obsidian.escape import escape_text
from .obsidian.links import relative_url
from .paths import METRICS_CSV, METRICS_JSON, METRICS_XLSX, REPORTS
from .staging import StagedFile
from .templates import front_matter, raw, render_markdown

REPORTS_INDEX = f"{REPORTS}/index.md"
INSIGHTS_PAGE = f"{REPORTS}/insights.md"
WEEKLY_REPORTS = 4  # complete weeks shown on the site, newest first
MONTHLY_REPORTS = 3
TREND_WEEKS = 12  # weeks of the trend charts on the home page and the weekly reports


@dataclass(frozen=True)
class ReportSet:
    """Every metrics window the site shows, each computed once."""

    trend: Metrics  # the last TREND_WEEKS weeks up to now, this week so far included
    weeks: tuple[Metrics, ...]  # complete weeks, newest first, and the one before the last
    months: tuple[Metrics, ...]


def report_set(site: Site) -> ReportSet:
    found = site.extras.get("reports")
    if isinstance(found, ReportSet):
        return found
    today = site.now.date()
    this_week = Window.week_of(today)
    history = site.known_history
    trend = build_metrics(site.vault, history, Window(
        this_week.start - timedelta(weeks=TREND_WEEKS - 1), this_week.end),
        site.now, facts=site.facts)
    week_windows = [this_week]
    for _ in range(WEEKLY_REPORTS + 1):
        week_windows.append(week_windows[-1].previous())
    month_windows = [Window.month_of(today)]
    for _ in range(MONTHLY_REPORTS + 1):
        month_windows.append(month_windows[-1].previous())
    reports = ReportSet(
        trend,
        tuple(build_metrics(site.vault, history, w, site.now, "priority", site.facts)
              for w in week_windows[1:]),
        tuple(build_metrics(site.vault, history, w, site.now, "priority", site.facts)
              for w in month_windows[1:]))
    site.extras["reports"] = reports
    return reports


def report_page_path(metrics: Metrics) -> str:
    kind = "weekly" if metrics.window.kind == "week" else "monthly"
    return f"{REPORTS}/{kind}/{metrics.window.label}.md"


def pages(site: Site) -> Iterator[StagedFile]:
    reports = report_set(site)
    weekly = reports.weeks[:WEEKLY_REPORTS]
    monthly = reports.months[:MONTHLY_REPORTS]
    for series, unit in ((reports.weeks, "week"), (reports.months, "month")):
        shown = series[:-1]
        for position, metrics in enumerate(shown):
            previous = series[position + 1]
            newer = shown[position - 1] if position > 0 else None
            older = shown[position + 1] if position + 1 < len(shown) else None
            yield report_page(site, metrics, previous, unit, reports, newer, older)
    yield insights_page(site)
    yield index_page(site, reports, weekly, monthly)
    yield StagedFile(METRICS_JSON, metrics_json(site, reports))
    yield StagedFile(METRICS_CSV, to_csv(reports.trend))
    # The same window as a workbook with charts; ticket ids and titles only when published.
    yield StagedFile(METRICS_XLSX, build_workbook(
        site.vault, site.known_history, reports.trend.window, site.now,
        f"Help desk metrics {reports.trend.window.label}", include_tickets=site.policy.tickets,
        facts=site.facts))


# --- one report ---------------------------------------------------------------------------

def report_page(site: Site, metrics: Metrics, previous: Metrics, unit: str,
                reports: ReportSet, newer: Metrics | None, older: Metrics | None) -> StagedFile:
    page = report_page_path(metrics)
    title = f"{'Weekly' if unit == 'week' else 'Monthly'} report {metrics.window.label}"
    if unit == "week":
        # The trend up to this week, from the trend window (the weeks before it, too).
        weeks = [w for w in reports.trend.weeks if w.end <= metrics.window.end]
        backlog = [d for d in reports.trend.backlog if d.day <= metrics.window.end]
        kb_weeks = [w for w in reports.trend.kb.by_week if w.week <= metrics.window.label]
    else:
        weeks = list(metrics.weeks)
        backlog = list(metrics.backlog)
        kb_weeks = list(metrics.kb.by_week)
    charts = [
        opened_resolved_chart(f"{unit}-opened", weeks[-TREND_WEEKS:]),
        first_response_chart(site, f"{unit}-first-response", metrics),
        sla_chart(f"{unit}-sla", metrics),
        backlog_chart(f"{unit}-backlog", backlog[-7 * TREND_WEEKS:]),
        kb_chart(f"{unit}-kb", kb_weeks[-TREND_WEEKS:], metrics.kb.source),
    ]
    content = render_markdown(
        "report.md.j2",
        front_matter=raw(front_matter(title, exclude_from_search=True)),
        title=title,
        period=(f"{metrics.window.start:%A %d %B %Y} to {metrics.window.end:%A %d %B %Y} "
                f"({metrics.time_zone}), as of {metrics.as_of:%Y-%m-%d %H:%M}"),
        unit=unit, previous_label=previous.window.label,
        rows=comparison_rows(metrics.summary, previous.summary, unit),
        summary=" ".join(summary_sentences(metrics, previous, unit)),
        breakdowns=breakdown_views(site, metrics), breakdown_columns=BREAKDOWN_COLUMNS,
        sla=[{"priority": row.priority, "first_response": sla_text(row.first_response),
              "resolution": sla_text(row.resolution)} for row in metrics.sla_by_priority],
        breaches=breach_rows(site, metrics, page),
        repeat_problems=repeat_problem_views(site, metrics, page),
        kb_used=kb_use_views(site, metrics, page),
        charts=[chart_view(chart) for chart in charts],
        notices=list(metrics.notices),
        newer=report_link(page, newer), older=report_link(page, older),
        index_url=raw(site.url(page, REPORTS_INDEX)))
    return StagedFile(page, content)


def breakdown_views(site: Site, metrics: Metrics) -> list[dict[str, object]]:
    """The window's numbers per category, location, technician and channel (those with any
    ticket), busiest first; technicians only where ticket details are published."""
    zone = site.vault.settings.time_zone
    views = []
    for grouping, (heading, column) in BREAKDOWNS.items():
        if grouping == "assignee" and not site.policy.tickets:
            continue
        rows = breakdown_rows(breakdown(site.facts, metrics.window, zone, metrics.as_of,
                                        grouping))
        if rows:
            views.append({"heading": heading, "column": column, "rows": rows})
    return views


def repeat_problem_views(site: Site, metrics: Metrics, page: str) -> list[dict[str, object]]:
    """The problems that came back most: linked tickets where tickets are published, the
    category and the count alone where they are not."""
    tickets = {t.id: t for t in site.vault.tickets}

    def ticket_link(ident: str) -> Markup | str:
        ticket = tickets.get(ident)
        return site.link_to(page, ticket) if ticket else ident

    views: list[dict[str, object]] = []
    for problem, row in zip(metrics.repeats.top_problems, repeat_problem_rows(metrics),
                            strict=True):
        view: dict[str, object] = {"category": row[2], "returns": row[3]}
        if site.policy.tickets:
            view |= {"ticket": ticket_link(problem.ticket_id), "title": problem.title,
                     "tickets": Markup(", ").join(ticket_link(i) for i in problem.tickets)}
        views.append(view)
    return views


def kb_use_views(site: Site, metrics: Metrics, page: str) -> list[dict[str, object]]:
    """The KB entries this period's tickets linked most, each a link to its page."""
    views = []
    for use in metrics.kb.most_used:
        entry = site.index.document(use.entry)
        views.append({"entry": site.link_to(page, entry, use.entry) if entry else use.entry,
                      "title": use.title, "tickets": use.tickets})
    return views


def report_link(page: str, metrics: Metrics | None) -> Markup | None:
    if metrics is None:
        return None
    target = report_page_path(metrics)
    return raw(f"[{escape_text(metrics.window.label)}]({relative_url(page, target)})")


def sla_text(counts: SlaCounts) -> str:
    text = f"{counts.met} met, {counts.breached} breached, {counts.running} running"
    return f"{text} ({percent(counts.compliance)})"


def breach_rows(site: Site, metrics: Metrics, page: str) -> list[dict[str, object]]:
    if not site.policy.tickets:
        return []  # ticket ids and titles stay off the site with the tickets
    tickets = {t.id: t for t in site.vault.tickets}
    rows = []
    for breach in metrics.breaches:
        ticket = tickets.get(breach.ticket_id)
        rows.append({
            "ticket": site.link_to(page, ticket) if ticket else breach.ticket_id,
            "title": breach.title, "priority": breach.priority,
            "target": f"{breach.target.replace('_', ' ')} {breach.duration}",
            "over": duration(breach.over_minutes),
            "state": "still open" if breach.stopped is None else "reached late"})
    return rows


# --- charts -----------------------------------------------------------------------------------

def chart_view(chart: Chart) -> dict[str, object]:
    """A chart as the page shows it: the figure, and its numbers as a table."""
    return {"title": chart.title, "figure": svg(chart),
            "headers": ["", *(s.name for s in chart.series)],
            "rows": [[label, *("–" if s.values[i] is None else chart.unit(s.values[i] or 0.0)
                               for s in chart.series)]
                     for i, label in enumerate(chart.labels)]}


def _week_label(label: str) -> str:
    return label.rpartition("-")[2]  # 2026-W47 → W47


def opened_resolved_chart(key: str, weeks: Sequence[PeriodMetrics]) -> Chart:
    opened = sum(w.opened for w in weeks)
    resolved = sum(w.resolved for w in weeks)
    return Chart(
        key, "Opened vs resolved per week",
        f"Tickets opened and resolved in each of the {len(weeks)} weeks shown: {opened} "
        f"opened, {resolved} resolved in all.",
        [_week_label(w.label) for w in weeks],
        [Series("Opened", [w.opened for w in weeks], 1),
         Series("Resolved", [w.resolved for w in weeks], 2)])


def first_response_chart(site: Site, key: str, metrics: Metrics) -> Chart:
    """Median first response of each priority as a share of its target (100 % = on target)."""
    settings = site.vault.settings
    calendar = BusinessCalendar.from_settings(settings)
    start = first_business_morning(metrics.window.start, calendar, settings.business_hours.start)
    medians = {group.label: group.first_response.median for group in metrics.groups}
    labels, shares, words = [], [], []
    for name, priority in settings.priorities.items():
        target = budget_minutes(priority.first_response, start, priority.clock, calendar)
        median = medians.get(name)
        labels.append(name)
        shares.append(None if median is None or not target else 100 * median / target)
        if median is not None:
            words.append(f"{name} {duration(median)} against {priority.first_response.text}")
    return Chart(
        key, "First response: median against the target, by priority",
        "Median first response of the tickets answered in this period, as a share of the "
        "priority's target (below the 100 % line is within target): "
        + ("; ".join(words) if words else "no ticket was answered") + ".",
        labels, [Series("Median, % of target", shares, 1)],
        unit=lambda value: f"{value:.0f}%", targets=[("target", 100.0)])


def first_business_morning(day: date, calendar: BusinessCalendar, start: time) -> datetime:
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, start, calendar.zone)


def sla_chart(key: str, metrics: Metrics) -> Chart:
    rows = metrics.sla_by_priority

    def share(counts: SlaCounts) -> float | None:
        return None if counts.compliance is None else 100 * counts.compliance

    summary = metrics.summary
    return Chart(
        key, "SLA compliance by priority",
        "Share of targets met among the tickets opened in this period whose targets are "
        f"decided: first response {percent(summary.sla_first_response.compliance)}, "
        f"resolution {percent(summary.sla_resolution.compliance)} overall.",
        [row.priority for row in rows],
        [Series("First response", [share(r.first_response) for r in rows], 1),
         Series("Resolution", [share(r.resolution) for r in rows], 2)],
        unit=lambda value: f"{value:.0f}%", maximum=100.0)


def backlog_chart(key: str, days: Sequence[BacklogDay]) -> Chart:
    values = [d.open for d in days]
    labels = [f"{d.day:%m-%d}" for d in days]
    last = values[-1] if values else 0
    return Chart(
        key, "Open tickets (backlog) at the end of each day",
        f"Tickets open at the end of each of the {len(days)} days shown; {last} at the end.",
        labels, [Series("Open tickets", values, 1)], kind="lines")


def kb_chart(key: str, weeks: Sequence[KBWeek], source: str) -> Chart:
    added = [w.added for w in weeks]
    updated = [w.updated for w in weeks]
    how = "from git history" if source == "git" else \
        "from the entries' last_updated dates (no git history: additions unknown)"
    return Chart(
        key, "Knowledge base growth per week",
        f"KB entries added and updated per week, {how}: "
        f"{sum(a or 0 for a in added)} added, {sum(updated)} updated.",
        [_week_label(w.week) for w in weeks],
        [Series("Added", added, 3), Series("Updated", updated, 4)])


# --- the index, the dashboard, the data files -------------------------------------------------

def insights_page(site: Site) -> StagedFile:
    """The insights report over the trend's weeks, linking the tickets and KB entries the
    site publishes (and naming no ticket when tickets are not published)."""
    insights = build_insights_report(site.vault, site.known_history, site.now, TREND_WEEKS,
                                     site.facts)

    def entry_link(ident: str) -> Markup:
        entry = site.index.document(ident)
        return site.link_to(INSIGHTS_PAGE, entry) if entry else Markup(escape_text(ident))

    body = render_insights_markdown(
        insights, ticket_link=lambda ticket: site.link_to(INSIGHTS_PAGE, ticket),
        entry_link=entry_link, escape=escape_text, show_tickets=site.policy.tickets,
        heading=False)
    title = f"Insights: the {TREND_WEEKS} weeks to {site.now:%Y-%m-%d}"
    return StagedFile(INSIGHTS_PAGE, render_markdown(
        "insights.md.j2", front_matter=raw(front_matter(title, exclude_from_search=True)),
        title=title, body=raw(body), index_url=raw(site.url(INSIGHTS_PAGE, REPORTS_INDEX))))


def index_page(site: Site, reports: ReportSet, weekly: Sequence[Metrics],
               monthly: Sequence[Metrics]) -> StagedFile:
    trend = reports.trend
    charts = [opened_resolved_chart("index-opened", trend.weeks),
              backlog_chart("index-backlog", trend.backlog)]
    content = render_markdown(
        "reports_index.md.j2", front_matter=raw(front_matter("Reports", exclude_from_search=True)),
        weekly=[{"link": report_link(REPORTS_INDEX, m), "summary": one_line(m.summary)}
                for m in weekly],
        monthly=[{"link": report_link(REPORTS_INDEX, m), "summary": one_line(m.summary)}
                 for m in monthly],
        charts=[chart_view(chart) for chart in charts],
        insights_url=raw(site.url(REPORTS_INDEX, INSIGHTS_PAGE)),
        json_url=raw(site.url(REPORTS_INDEX, METRICS_JSON)),
        csv_url=raw(site.url(REPORTS_INDEX, METRICS_CSV)),
        xlsx_url=raw(site.url(REPORTS_INDEX, METRICS_XLSX)))
    return StagedFile(REPORTS_INDEX, content)


def one_line(period: PeriodMetrics) -> str:
    return (f"{period.opened} opened, {period.resolved} resolved, first response median "
            f"{duration(period.first_response.median)}, SLA met "
            f"{percent(period.sla_resolution.compliance)} (resolution)")


def dashboard(site: Site, page: str) -> dict[str, object]:
    """The home page's numbers: this week so far, the SLA now, the backlog, the breaches."""
    reports = report_set(site)
    this_week = reports.trend.weeks[-1]
    zone = site.vault.settings.time_zone
    tickets = {t.id: t for t in site.vault.tickets}
    clocks = open_clocks(site.facts)
    breaching = [c for c in clocks if c.state == BREACHED or (c.minutes_left or 0) < 0]
    open_facts = [f for f in site.facts if f.is_open]
    oldest = min((f.opened for f in open_facts), default=None)
    figures = [
        ("Opened this week", str(this_week.opened)),
        ("Resolved this week", str(this_week.resolved)),
        ("First response, median", duration(this_week.first_response.median)),
        ("SLA met: first response", percent(this_week.sla_first_response.compliance)),
        ("SLA met: resolution", percent(this_week.sla_resolution.compliance)),
        ("Open now", str(len(open_facts))),
        ("Oldest open", span(site.now - oldest) if oldest else "–"),
        ("Breaching an SLA now", str(len(breaching))),
    ]
    horizon = due_soon_horizon(site.now, site.vault.settings)
    due_soon = [c for c in clocks if is_due_soon(c, horizon)]

    def row(clock: SlaClock) -> dict[str, object]:
        ticket = tickets.get(clock.ticket_id)
        reading = verdict(clock)
        return {
            "ticket": site.link_to(page, ticket) if ticket else clock.ticket_id,
            "title": ticket.title if ticket else "",
            "priority": ticket.priority if ticket else "",
            "assignee": (ticket.assignee if ticket else None) or "unassigned",
            "status": (ticket.status if ticket else None) or "",
            "target": f"{reading.name.lower()} {clock.duration}",
            "state": reading.state, "time": reading.time_text,
            "over": duration(-(clock.minutes_left or 0)),
            "due": local_time(clock.due, zone)}

    breaches = [row(clock) for clock in breaching]
    latest = {"weekly": report_link(page, reports.weeks[0]) if reports.weeks else None,
              "monthly": report_link(page, reports.months[0]) if reports.months else None}
    return {"week": this_week.label, "figures": figures,
            "as_of": site.as_of_text,
            "breaches": breaches if site.policy.tickets else [],
            "due_soon": [row(clock) for clock in due_soon] if site.policy.tickets else [],
            "chart": chart_view(opened_resolved_chart("home-opened", reports.trend.weeks)),
            "latest": latest, "reports_url": raw(site.url(page, REPORTS_INDEX))}


def metrics_json(site: Site, reports: ReportSet) -> str:
    """The trend window's metrics, this week's numbers and the open tickets' SLA clocks."""
    published = site.policy.tickets
    data = {
        "generated": site.now.isoformat(),
        "trend": as_dict(reports.trend),
        "weekly_reports": [as_dict(m.summary) for m in reports.weeks[:WEEKLY_REPORTS]],
        "monthly_reports": [as_dict(m.summary) for m in reports.months[:MONTHLY_REPORTS]],
        "open_sla": [as_dict(clock) for clock in open_clocks(site.facts)] if published else [],
    }
    if not published:  # ticket ids and titles stay off the site with the tickets
        data["trend"]["breaches"] = []
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
