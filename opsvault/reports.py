"""Weekly and monthly reports (seed 000, "Metrics & Reporting"): metrics as data, rendered to
Markdown by a Jinja2 template that only lays out what this module has already formatted."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .history import History
from .jinja_cache import compiled_templates
from .markdown_code import code_span
from .metrics import (
    Metrics,
    PeriodMetrics,
    SlaCounts,
    TicketFacts,
    Window,
    as_dict,
    breakdown,
    build_metrics,
    ticket_facts,
)
from .metrics.export import change, duration, percent
from .model import Ticket, Vault
from .search.insights import Insights, build_insights

WEEKLY, MONTHLY, INSIGHTS = "weekly", "monthly", "insights"


@dataclass(frozen=True)
class Report:
    """The metrics of one week or month, next to those of the period before it."""

    kind: str  # WEEKLY | MONTHLY
    current: Metrics
    previous: Metrics
    # The period's numbers per category, location, technician and channel.
    breakdowns: dict[str, tuple[PeriodMetrics, ...]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.kind.title()} report {self.current.window.label}"


def default_window(kind: str, as_of: datetime) -> Window:
    """The last complete week or month before `as_of`."""
    day = as_of.date()
    current = Window.week_of(day) if kind == WEEKLY else Window.month_of(day)
    return current.previous()


def build_report(vault: Vault, history: History, kind: str, window: Window,
                 as_of: datetime, facts: tuple[TicketFacts, ...] | None = None) -> Report:
    facts = facts if facts is not None else ticket_facts(vault, history, as_of)
    zone = vault.settings.time_zone
    return Report(kind, build_metrics(vault, history, window, as_of, facts=facts),
                  build_metrics(vault, history, window.previous(), as_of, facts=facts),
                  {grouping: breakdown(facts, window, zone, as_of, grouping)
                   for grouping in BREAKDOWNS})


def report_as_dict(report: Report) -> dict[str, Any]:
    return {"kind": report.kind, "title": report.title, "metrics": as_dict(report.current),
            "previous": as_dict(report.previous.summary)}


def render_markdown(report: Report) -> str:
    template = _environment().get_template("report.md.j2")
    return template.render(**_view(report)).rstrip("\n") + "\n"


def _environment() -> Environment:
    return Environment(loader=PackageLoader("opsvault", "templates/reports"),
                       undefined=StrictUndefined, keep_trailing_newline=True,
                       trim_blocks=True, lstrip_blocks=True, autoescape=False,
                       bytecode_cache=compiled_templates())


# The breakdowns a report shows (priority has its own SLA table), with their headings.
BREAKDOWNS = {"category": ("By category", "Category"), "location": ("By location", "Location"),
              "assignee": ("By technician", "Technician"), "channel": ("By channel", "Channel")}
BREAKDOWN_COLUMNS = ("Opened", "Resolved", "First response, median", "Resolution, median",
                     "SLA met: resolution", "Reopened")


def breakdown_rows(periods: tuple[PeriodMetrics, ...]) -> list[list[str]]:
    """One row per group, busiest first: the numbers a CTO compares across groups."""
    ranked = sorted(periods, key=lambda p: (-(p.opened + p.resolved), p.label.lower()))
    return [[p.label, str(p.opened), str(p.resolved), duration(p.first_response.median),
             duration(p.resolution.median), percent(p.sla_resolution.compliance),
             str(p.reopens)] for p in ranked if p.opened or p.resolved or p.reopens]


REPEAT_COLUMNS = ("First ticket", "Problem", "Category", "Came back", "Tickets")
KB_USE_COLUMNS = ("Entry", "Title", "Tickets")


def repeat_problem_rows(metrics: Metrics) -> list[list[str]]:
    """The problems that came back most in the period: [first ticket, its title, category,
    how often it came back (reopens and repeats, in words), the tickets that came back]."""
    rows = []
    for problem in metrics.repeats.top_problems:
        parts = []
        if problem.reopens:
            parts.append(f"{problem.reopens} reopened")
        if problem.repeats:
            parts.append(f"{problem.repeats} reported again")
        rows.append([problem.ticket_id, problem.title, problem.category or "–",
                     f"{problem.returns} ({', '.join(parts)})", ", ".join(problem.tickets)])
    return rows


def kb_use_rows(metrics: Metrics) -> list[list[str]]:
    """The KB entries the period's tickets linked most: [entry, title, tickets]."""
    return [[use.entry, use.title, str(use.tickets)] for use in metrics.kb.most_used]


# Which way is good for each headline number: up, down, or neither (more tickets opened is
# not the desk's doing). The change column says "better" or "worse" in words, not colour.
UP, DOWN = 1, -1


def _cue(change_value: float | None, good: int | None) -> str:
    if change_value is None or good is None or round(change_value) == 0:
        return ""
    return ", better" if (change_value > 0) == (good == UP) else ", worse"


def comparison_rows(this: PeriodMetrics, last: PeriodMetrics, unit: str) -> list[list[str]]:
    """The headline numbers of a period against the one before, in words:
    [label, this period, previous period, change, with "better" or "worse" where one way is
    good]. Reports and the site both show these."""

    def count_row(label: str, value: int | None, previous: int | None,
                  good: int | None) -> list[str]:
        shown = "–" if value is None else str(value)
        shown_before = "–" if previous is None else str(previous)
        moved = None if value is None or previous is None or previous == 0 \
            else (value - previous) / previous * 100
        return [label, shown, shown_before, change(moved) + _cue(moved, good)]

    def time_row(label: str, value: float | None, previous: float | None) -> list[str]:
        moved = None if value is None or not previous else (value - previous) / previous * 100
        return [label, duration(value), duration(previous), change(moved) + _cue(moved, DOWN)]

    def share_row(label: str, value: float | None, previous: float | None) -> list[str]:
        if value is None or previous is None:
            return [label, percent(value), percent(previous), "–"]
        points = (value - previous) * 100
        return [label, percent(value), percent(previous), f"{points:+.0f} pts" + _cue(points, UP)]

    return [
        count_row("Tickets opened", this.opened, last.opened, None),
        count_row("Tickets resolved", this.resolved, last.resolved, UP),
        count_row("Tickets closed", this.closed, last.closed, UP),
        time_row("First response, median", this.first_response.median,
                 last.first_response.median),
        time_row("First response, p90", this.first_response.p90, last.first_response.p90),
        time_row("Resolution, median", this.resolution.median, last.resolution.median),
        time_row("Resolution, p90", this.resolution.p90, last.resolution.p90),
        share_row("SLA met: first response", this.sla_first_response.compliance,
                  last.sla_first_response.compliance),
        share_row("SLA met: resolution", this.sla_resolution.compliance,
                  last.sla_resolution.compliance),
        *([share_row("SLA met: updates", this.sla_update.compliance,
                     last.sla_update.compliance)]
          if this.sla_update != SlaCounts() or last.sla_update != SlaCounts() else []),
        count_row("Reopened", this.reopens, last.reopens, DOWN),
        count_row("Repeats of earlier tickets", this.repeats, last.repeats, DOWN),
        count_row("Follow-ups done", this.follow_ups_done, last.follow_ups_done, UP),
        count_row("KB entries added", this.kb_added, last.kb_added, UP),
        count_row("KB entries updated", this.kb_updated, last.kb_updated, UP),
        share_row("Satisfied (rated 4–5)", this.satisfaction.share, last.satisfaction.share),
        count_row("Resolved by a script", this.automated, last.automated, UP),
        count_row(f"Open at the end of the {unit}", this.backlog, last.backlog, DOWN),
    ]


def summary_sentences(current: Metrics, previous: Metrics, unit: str) -> list[str]:
    """The period in three sentences of plain numbers, for the top of a report (the CTO's
    first read): volume, speed and targets, what is left."""
    this, last = current.summary, previous.summary
    before = previous.window.label

    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    def took(minutes: float | None) -> str:
        return duration(minutes) if minutes is not None else "not measured (none in the period)"

    decided = this.sla_resolution.met + this.sla_resolution.breached
    targets = (f"{percent(this.sla_resolution.compliance)} of the {decided} resolution "
               f"targets decided were met ({before}: "
               f"{percent(last.sla_resolution.compliance)})") if decided else \
        "no resolution target was decided yet"
    missed = len(current.breaches)
    return [
        f"This {unit} the desk opened {plural(this.opened, 'ticket')} and resolved "
        f"{this.resolved} ({before}: {last.opened} opened, {last.resolved} resolved).",
        f"The median first response took {took(this.first_response.median)} and the median "
        f"resolution {took(this.resolution.median)}; {targets}.",
        f"Tickets opened this {unit} missed {plural(missed, 'SLA target')}, and "
        f"{plural(this.backlog, 'ticket')} {'was' if this.backlog == 1 else 'were'} open at "
        f"its end ({last.backlog} at the end of {before}).",
    ]


def _view(report: Report) -> dict[str, Any]:
    """Everything the template shows, already in words."""
    now, before = report.current, report.previous
    this, last = now.summary, before.summary
    unit = "week" if report.kind == WEEKLY else "month"

    rows = comparison_rows(this, last, unit)
    return {
        "title": report.title,
        "summary": [_inert(sentence) for sentence in summary_sentences(now, before, unit)],
        "breakdowns": [(*BREAKDOWNS[grouping], [[_table_cell(cell) for cell in row]
                                                for row in breakdown_rows(periods)])
                       for grouping, periods in report.breakdowns.items()
                       if breakdown_rows(periods)],
        "breakdown_columns": BREAKDOWN_COLUMNS,
        "period": (f"{now.window.start:%A %d %B %Y} to {now.window.end:%A %d %B %Y} "
                   f"({now.time_zone}), as of {now.as_of:%Y-%m-%d %H:%M}"),
        "unit": unit,
        "previous_label": before.window.label,
        "rows": rows,
        "clock_note": "Times are in minutes of each priority's clock: business hours, or "
                      "24×7 for priorities that say so.",
        "sla": [[row.priority, _sla_text(row.first_response), _sla_text(row.resolution)]
                for row in now.sla_by_priority],
        "breaches": [
            f"**{b.ticket_id}** ({b.priority}{', ' + b.assignee if b.assignee else ''}) — "
            f"{b.target.replace('_', ' ')} target {b.duration} "
            f"({'24×7' if b.clock == '24x7' else 'business hours'}) missed by "
            f"{duration(b.over_minutes)}"
            + (", still open" if b.stopped is None else f", reached {b.stopped:%a %d %b %H:%M}")
            + f": {_inert(b.title)}"
            for b in now.breaches],
        "repeats": _repeats(now),
        "repeat_problems": [[_table_cell(cell) for cell in row]
                            for row in repeat_problem_rows(now)],
        "repeat_columns": REPEAT_COLUMNS,
        "kb": _kb(now),
        "kb_used": [[_table_cell(cell) for cell in row] for row in kb_use_rows(now)],
        "kb_used_columns": KB_USE_COLUMNS,
        "satisfaction": _satisfaction(this),
        "automation": (f"{now.automation.automated} of {now.automation.resolved} resolved "
                       f"tickets were fixed by a script ({percent(now.automation.share)})"
                       + (": " + ", ".join(f"`{path}` ({count})"
                                           for path, count in now.automation.by_script)
                          if now.automation.by_script else ".")),
        "notices": list(now.notices),
    }


# --- the insights report -------------------------------------------------------------------

def build_insights_report(vault: Vault, history: History, as_of: datetime, weeks: int,
                          facts: tuple[TicketFacts, ...] | None = None) -> Insights:
    """The insights over the `weeks` before `as_of`, with the metrics' resolution times."""
    facts = facts if facts is not None else ticket_facts(vault, history, as_of)
    minutes = {f.ticket_id: f.resolution_minutes for f in facts
               if f.resolution_minutes is not None}
    return build_insights(vault, as_of, weeks, minutes)


def insights_as_dict(insights: Insights) -> dict[str, Any]:
    def ids(tickets: tuple[Ticket, ...]) -> list[str | None]:
        return [t.id for t in tickets]

    return {
        "kind": "insights", "start": insights.start.isoformat(),
        "end": insights.end.isoformat(), "weeks": insights.weeks,
        "recurring": [{"label": g.label, "words": list(g.words), "tickets": ids(g.tickets),
                       "solved": g.resolved, "hours_to_resolve": g.hours, "kb": list(g.kb),
                       "suggested_kb": g.suggested, "scripts": list(g.scripts),
                       "scriptable": g.scriptable} for g in insights.groups],
        "solved_without_kb": ids(insights.unlinked),
        "kb_unused_for_a_year": [e.id or e.name for e in insights.unused],
        "scripts": [{"path": s.path, "tickets": ids(s.tickets), "hours_to_resolve": s.hours}
                    for s in insights.scripts],
    }


def render_insights_markdown(insights: Insights,
                             ticket_link: Callable[[Ticket], Markup] | None = None,
                             entry_link: Callable[[str], Markup] | None = None,
                             escape: Callable[[str], str] | None = None,
                             show_tickets: bool = True, heading: bool = True) -> str:
    """The insights as Markdown. Every value from the vault is escaped by `escape` (the
    template's one layer), links come ready from `ticket_link` and `entry_link`: the site
    passes its own three; the defaults give ids and HTML-inert text for a terminal or an email.
    Without `show_tickets` no ticket id, title or title word is shown, only counts."""
    escape = escape or _inert
    ticket_link = ticket_link or _ticket_id
    entry_link = entry_link or _plain
    environment = Environment(loader=PackageLoader("opsvault", "templates/reports"),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              autoescape=False, bytecode_cache=compiled_templates(),
                              finalize=lambda value: value if isinstance(
                                  value, Markup) else escape(str(value)))
    groups = [{"label": g.label, "count": len(g.tickets), "solved": g.resolved,
               "hours": g.hours, "kb": _joined([entry_link(i) for i in g.kb]),
               "suggested": entry_link(g.suggested) if g.suggested else None,
               "scripts": _joined([_code(path) for path in g.scripts]),
               "scriptable": g.scriptable,
               "tickets": _joined([ticket_link(t) for t in g.tickets])}
              for g in insights.groups]
    text = environment.get_template("insights.md.j2").render(
        insights=insights, groups=groups, show_tickets=show_tickets, heading=heading,
        uncovered=sum(1 for g in insights.groups if not g.kb),
        fixed_by_scripts=sum(len(s.tickets) for s in insights.scripts),
        scripts=[{"path": _code(s.path), "count": len(s.tickets), "hours": s.hours,
                  "tickets": _joined([ticket_link(t) for t in s.tickets])}
                 for s in insights.scripts],
        unlinked=[(ticket_link(t), t.title) for t in insights.unlinked],
        unused=[(entry_link(e.id or e.name), e.last_updated)
                for e in insights.unused])
    return text.rstrip("\n") + "\n"


def _joined(links: list[Markup], shown: int = 12) -> Markup:
    more = f" and {len(links) - shown} more" if len(links) > shown else ""
    return Markup(", ".join(links[:shown]) + more)


def _code(path: str) -> Markup:
    return Markup(code_span(path))


def _plain(ident: str) -> Markup:
    return Markup(_inert(ident))


def _ticket_id(ticket: Ticket) -> Markup:
    return Markup(_inert(ticket.id or ticket.path))


def _inert(text: str) -> str:
    """Text from the vault, made safe to paste into a page that renders Markdown: HTML in a
    ticket title shows as text instead of running."""
    return html.escape(text, quote=False)


def _table_cell(text: str) -> str:
    """Vault text for a Markdown table cell: inert, and a `|` cannot end the cell."""
    return _inert(text).replace("|", "\\|")


def _sla_text(counts: SlaCounts) -> str:
    text = f"{counts.met} met, {counts.breached} breached, {counts.running} running"
    if counts.unknown:
        text += f", {counts.unknown} unknown"
    return f"{text} ({percent(counts.compliance)})"


def _repeats(metrics: Metrics) -> str:
    repeats = metrics.repeats
    text = (f"{repeats.reopens} reopened, {repeats.repeat_links} opened as a repeat of an "
            "earlier ticket")
    if repeats.top_categories:
        text += "; most often " + ", ".join(f"{name} ({count})"
                                            for name, count in repeats.top_categories)
    if repeats.top_tags:
        text += "; tags " + ", ".join(f"#{_inert(name)} ({count})"
                                      for name, count in repeats.top_tags)
    return text + "."


def _kb(metrics: Metrics) -> str:
    kb = metrics.kb
    added = "an unknown number of" if kb.added is None else str(kb.added)
    text = f"{added} entries added, {kb.updated} updated; {kb.entries} entries in all"
    if kb.stale:
        text += f"; {len(kb.stale)} not updated in a long time: " + ", ".join(kb.stale[:10])
    if kb.source != "git":
        text += " (from the entries' last_updated dates: there is no git history)"
    return text + "."


def _satisfaction(period: PeriodMetrics) -> str:
    satisfaction = period.satisfaction
    if not satisfaction.rated:
        return "No closed ticket was rated."
    verdict = "meets" if satisfaction.goal_met else "is below"
    return (f"{satisfaction.satisfied} of {satisfaction.rated} rated closed tickets were "
            f"rated 4 or 5 ({percent(satisfaction.share)}), which {verdict} the goal of "
            f"{percent(satisfaction.goal)}.")
