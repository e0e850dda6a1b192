"""Aggregate metrics over a window (SPEC §5), from per-ticket facts and history.

Which tickets count where:
- opened / resolved / closed: the ticket's opening, final resolution or closing time falls in
  the window;
- first response and resolution times: tickets answered / resolved in the window, each in
  minutes of its priority's clock (24×7 or business hours); median and p90;
- SLA compliance and breaches: the tickets opened in the window, in their state as of `as_of`;
- reopens: reopen times in the window; repeats: tickets opened in it with `repeat_of`;
- satisfaction: tickets closed in the window with a rating; automation: tickets resolved in it;
- backlog: tickets active at the end of each day (or of the window), with their age.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..history import History
from ..model import Vault, kb_entries_by_key, kb_entries_named
from .facts import (
    BREACHED,
    FIRST_RESPONSE,
    MET,
    PAUSED,
    RESOLUTION,
    RUNNING,
    UPDATE,
    Excluded,
    TicketFacts,
    excluded_tickets,
)
from .windows import Window, quarter_label

# Seed 000, "Success Criteria": 90 % of closed tickets rated 4 or 5.
SATISFACTION_GOAL = 0.9
SATISFIED_RATING = 4
TOP_N = 5
GROUPINGS = ("category", "priority", "assignee", "channel", "location")


@dataclass(frozen=True)
class Distribution:
    """Durations in clock minutes: how many, median and 90th percentile (linear
    interpolation between ranks, as spreadsheets compute PERCENTILE)."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Distribution:
        ordered = sorted(values)
        if not ordered:
            return cls(0, None, None)
        return cls(len(ordered), statistics.median(ordered), percentile(ordered, 0.9))


def percentile(ordered: Sequence[float], share: float) -> float:
    position = share * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class SlaCounts:
    """SLA outcomes of one target: met, breached, still running, or unknown (the ticket
    moved on but when is not recorded)."""

    met: int = 0
    breached: int = 0
    running: int = 0
    unknown: int = 0

    @property
    def compliance(self) -> float | None:
        """Share met among the decided (met or breached); None when none is decided."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass(frozen=True)
class Satisfaction:
    rated: int
    satisfied: int  # rated SATISFIED_RATING or better
    goal: float = SATISFACTION_GOAL

    @property
    def share(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def goal_met(self) -> bool | None:
        share = self.share
        return None if share is None else share >= self.goal


@dataclass(frozen=True)
class PeriodMetrics:
    """The headline numbers of one window, one ISO week, or one group (`--by`)."""

    label: str
    start: date
    end: date
    opened: int
    resolved: int
    closed: int
    first_response: Distribution
    resolution: Distribution
    sla_first_response: SlaCounts
    sla_resolution: SlaCounts
    sla_update: SlaCounts  # all zero unless a priority sets an `update` target
    reopens: int
    repeats: int  # tickets opened with `repeat_of`
    follow_ups_done: int  # "Follow-up done" Log lines in the period
    satisfaction: Satisfaction
    automated: int  # tickets resolved with an `automation` script
    backlog: int  # active at the end of the period
    kb_added: int | None  # None for groups, where KB entries do not belong
    kb_updated: int | None


@dataclass(frozen=True)
class PrioritySla:
    priority: str
    first_response: SlaCounts
    resolution: SlaCounts
    update: SlaCounts | None = None  # None: the priority has no update target


@dataclass(frozen=True)
class Breach:
    """A target a ticket opened in the window missed (or is missing now)."""

    ticket_id: str
    title: str
    priority: str
    assignee: str | None
    target: str  # first_response | resolution
    duration: str  # the target as configured
    clock: str
    due: datetime | None
    stopped: datetime | None  # None: still running, already late
    over_minutes: float  # clock minutes past the target


@dataclass(frozen=True)
class BacklogDay:
    day: date
    open: int  # tickets active at the end of the day
    median_age_days: float | None
    oldest_age_days: float | None


@dataclass(frozen=True)
class RepeatMonth:
    month: str
    reopens: int
    repeat_links: int


@dataclass(frozen=True)
class RepeatProblem:
    """One problem that came back in the window: the first ticket that reported it (the end
    of its `repeat_of` chain) and every return, reopened or reported again."""

    ticket_id: str  # the first ticket of the chain
    title: str
    category: str | None
    reopens: int  # reopens in the window of any ticket of the chain
    repeats: int  # tickets opened in the window as a repeat of it
    tickets: tuple[str, ...]  # the chain's tickets that came back in the window, by id

    @property
    def returns(self) -> int:
        return self.reopens + self.repeats


@dataclass(frozen=True)
class RepeatIssues:
    reopens: int
    repeat_links: int
    by_month: tuple[RepeatMonth, ...]
    top_categories: tuple[tuple[str, int], ...]  # among reopened or repeat tickets
    top_tags: tuple[tuple[str, int], ...]
    top_problems: tuple[RepeatProblem, ...] = ()  # most returns first


@dataclass(frozen=True)
class KBWeek:
    week: str
    added: int | None  # None: not known without history
    updated: int


@dataclass(frozen=True)
class KBUse:
    """A KB entry and the tickets of the window that link it."""

    entry: str  # the entry's id, or its name without one
    title: str
    tickets: int  # tickets opened or resolved in the window that link the entry


@dataclass(frozen=True)
class KBGrowth:
    source: str  # "git": from history; "last_updated": from the entries' dates (no history)
    added: int | None
    updated: int
    by_week: tuple[KBWeek, ...]
    entries: int  # KB entries in the vault now
    stale: tuple[str, ...]  # ids (or paths) not updated within kb.stale_after_days
    most_used: tuple[KBUse, ...] = ()  # most tickets first


@dataclass(frozen=True)
class Automation:
    resolved: int
    automated: int
    by_script: tuple[tuple[str, int], ...]
    scripts_added_by_quarter: tuple[tuple[str, int], ...]  # empty without history

    @property
    def share(self) -> float | None:
        return self.automated / self.resolved if self.resolved else None


@dataclass(frozen=True)
class Trend:
    """This window against the one before it: negative changes in time are improvements."""

    previous: Window
    resolution_median: float | None
    previous_resolution_median: float | None
    first_response_median: float | None
    previous_first_response_median: float | None
    resolved: int
    previous_resolved: int

    @property
    def resolution_change(self) -> float | None:
        return change_percent(self.previous_resolution_median, self.resolution_median)

    @property
    def first_response_change(self) -> float | None:
        return change_percent(self.previous_first_response_median, self.first_response_median)

    @property
    def resolved_change(self) -> float | None:
        return change_percent(self.previous_resolved, self.resolved)


def change_percent(before: float | None, after: float | None) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return (after - before) / before * 100


@dataclass(frozen=True)
class Metrics:
    """Every metric of one window, as of one moment."""

    window: Window
    as_of: datetime
    time_zone: str
    history: str  # "git" or "files" (no history: explicit times only)
    notices: tuple[str, ...]
    summary: PeriodMetrics
    weeks: tuple[PeriodMetrics, ...]
    group_by: str | None
    groups: tuple[PeriodMetrics, ...]
    sla_by_priority: tuple[PrioritySla, ...]
    breaches: tuple[Breach, ...]
    backlog: tuple[BacklogDay, ...]
    repeats: RepeatIssues
    kb: KBGrowth
    automation: Automation
    trend: Trend
    excluded: tuple[Excluded, ...] = ()  # tickets measured in part or not at all, and why


def counted_from(window: Window, zone: ZoneInfo) -> float:
    """The first moment (POSIX seconds) anything counts in `window`'s metrics, its trend
    against the window before included: a ticket whose span ended earlier counts in none of
    them, and `compute_metrics` needs it only as a link of a `repeat_of` chain."""
    return min(span.posix_bounds(zone)[0] for span in (window, window.previous()))


def compute_metrics(vault: Vault, history: History, facts: Sequence[TicketFacts],
                    window: Window, as_of: datetime, group_by: str | None = None,
                    excluded: tuple[Excluded, ...] | None = None,
                    earlier: Mapping[str, TicketFacts] | None = None) -> Metrics:
    """All metrics of `window` from the vault, its history and the tickets' facts. The
    vault's tickets are not read (it need hold none); `excluded` is
    `excluded_tickets(vault)` unless given.

    `earlier` may hold, by id, the facts of tickets whose span ended before
    `counted_from(window)`, left out of `facts`: the same metrics, looking them up only
    where a `repeat_of` chain leads. Not with `group_by`, whose rows name every value any
    ticket has."""
    if group_by is not None and group_by not in GROUPINGS:
        raise ValueError(f"cannot group by '{group_by}' (use {', '.join(GROUPINGS)})")
    if group_by is not None and earlier:
        raise ValueError("a breakdown needs every ticket's facts, not only the window's")
    settings = vault.settings
    zone = settings.time_zone
    kb = _kb_growth(vault, history, facts, window, zone)
    kb_weeks = {week.week: week for week in kb.by_week}

    def period(label: str, span: Window, selected: Sequence[TicketFacts],
               with_kb: bool) -> PeriodMetrics:
        kb_week = kb_weeks.get(label)
        added = kb.added if label == window.label else kb_week.added if kb_week else 0
        updated = kb.updated if label == window.label else kb_week.updated if kb_week else 0
        return _period(label, span, selected, zone, as_of, added if with_kb else None,
                       updated if with_kb else None)

    summary = period(window.label, window, facts, True)
    weeks = tuple(period(w.label, w, facts, True) for w in window.weeks())
    groups = breakdown(facts, window, zone, as_of, group_by) if group_by else ()
    opened_here = [f for f in facts if window.contains(f.opened, zone)]
    previous = window.previous()
    return Metrics(
        window=window, as_of=as_of, time_zone=settings.time_zone_name,
        history="git" if history.available else "files", notices=history.notices,
        summary=summary, weeks=weeks, group_by=group_by, groups=groups,
        sla_by_priority=tuple(
            PrioritySla(name, _sla([f for f in opened_here if f.priority == name],
                                   FIRST_RESPONSE),
                        _sla([f for f in opened_here if f.priority == name], RESOLUTION),
                        _sla([f for f in opened_here if f.priority == name], UPDATE)
                        if priority.update is not None else None)
            for name, priority in settings.priorities.items()),
        breaches=_breaches(opened_here),
        backlog=_backlog(facts, window, zone, as_of),
        repeats=_repeats(facts, window, zone, earlier or {}),
        kb=kb,
        automation=_automation(facts, history, window, zone),
        trend=Trend(previous,
                    summary.resolution.median,
                    _resolution_times(facts, previous, zone).median,
                    summary.first_response.median,
                    _first_response_times(facts, previous, zone).median,
                    summary.resolved,
                    sum(previous.contains(f.resolved, zone) for f in facts)),
        excluded=excluded_tickets(vault) if excluded is None else excluded,
    )


def breakdown(facts: Sequence[TicketFacts], window: Window, zone: ZoneInfo, as_of: datetime,
              grouping: str) -> tuple[PeriodMetrics, ...]:
    """`window`'s headline numbers per value of `grouping` (`GROUPINGS`), in name order."""
    by_value: dict[str, list[TicketFacts]] = {}
    for fact in facts:
        by_value.setdefault(fact.value(grouping), []).append(fact)
    return tuple(_period(value, window, by_value[value], zone, as_of, None, None)
                 for value in sorted(by_value))


def _period(label: str, window: Window, facts: Sequence[TicketFacts], zone: ZoneInfo,
            as_of: datetime, kb_added: int | None, kb_updated: int | None) -> PeriodMetrics:
    # Only the tickets whose span meets the window can count in it: years of closed tickets
    # are passed over with two comparisons each instead of a dozen.
    first, after = window.posix_bounds(zone)
    facts = [f for f in facts if f.span[0] < after and f.span[1] >= first]
    opened = [f for f in facts if first <= f.instants.opened < after]
    resolved = [f for f in facts if first <= f.instants.resolved < after]
    closed = [f for f in facts if first <= f.instants.closed < after]
    end = min(window.bounds(zone)[1], as_of).timestamp()
    return PeriodMetrics(
        label=label, start=window.start, end=window.end,
        opened=len(opened), resolved=len(resolved), closed=len(closed),
        first_response=_first_response_times(facts, window, zone),
        resolution=_resolution_times(facts, window, zone),
        sla_first_response=_sla(opened, FIRST_RESPONSE),
        sla_resolution=_sla(opened, RESOLUTION),
        sla_update=_sla(opened, UPDATE),
        reopens=sum(first <= t < after for f in facts for t in f.reopen_instants),
        follow_ups_done=sum(first <= t < after for f in facts for t in f.follow_up_instants),
        repeats=sum(f.repeat_of is not None for f in opened),
        satisfaction=_satisfaction(closed),
        automated=sum(f.automation is not None for f in resolved),
        backlog=sum(_active_at(f, end) for f in facts),
        kb_added=kb_added, kb_updated=kb_updated,
    )


def _first_response_times(facts: Iterable[TicketFacts], window: Window,
                          zone: ZoneInfo) -> Distribution:
    first, after = window.posix_bounds(zone)
    return Distribution.of(f.first_response_minutes for f in facts
                           if f.first_response_minutes is not None
                           and first <= f.instants.first_response < after)


def _resolution_times(facts: Iterable[TicketFacts], window: Window,
                      zone: ZoneInfo) -> Distribution:
    first, after = window.posix_bounds(zone)
    return Distribution.of(f.resolution_minutes for f in facts
                           if f.resolution_minutes is not None
                           and first <= f.instants.resolved < after)


def _sla(facts: Iterable[TicketFacts], target: str) -> SlaCounts:
    states = Counter(clock.state for f in facts if (clock := f.clock(target)))
    running = states[RUNNING] + states[PAUSED]  # a paused clock has not stopped for good
    return SlaCounts(states[MET], states[BREACHED], running,
                     sum(states.values()) - states[MET] - states[BREACHED] - running)


def _satisfaction(closed: Iterable[TicketFacts]) -> Satisfaction:
    ratings = [f.satisfaction for f in closed if f.satisfaction is not None]
    return Satisfaction(len(ratings), sum(r >= SATISFIED_RATING for r in ratings))


def _active_at(fact: TicketFacts, moment: float) -> bool:
    """Whether the ticket was in the backlog at `moment` (POSIX seconds)."""
    return any(start <= moment < end for start, end in fact.backlog_instants)


def _breaches(facts: Iterable[TicketFacts]) -> tuple[Breach, ...]:
    breaches = [
        Breach(f.ticket_id, f.title, f.priority or "", f.assignee, clock.target, clock.duration,
               clock.clock, clock.due, clock.stopped,
               (clock.elapsed_minutes or 0) - clock.budget_minutes)
        for f in facts for clock in f.sla if clock.state == BREACHED]
    return tuple(sorted(breaches, key=lambda b: (b.due.timestamp() if b.due else float("inf"),
                                                 b.ticket_id, b.target)))


def _backlog(facts: Sequence[TicketFacts], window: Window, zone: ZoneInfo,
             as_of: datetime) -> tuple[BacklogDay, ...]:
    """Tickets active at the end of each day of the window (up to `as_of`), with their age.

    One sweep over period starts and ends, so a long window costs its days times the
    backlog's size, not times every ticket.
    """
    changes: list[tuple[datetime, int, str, datetime]] = []
    for fact in facts:
        for start, end in fact.backlog_periods:
            changes.append((start, 1, fact.ticket_id, fact.opened))
            if end is not None:
                changes.append((end, -1, fact.ticket_id, fact.opened))
    changes.sort(key=lambda change: (change[0], change[1]))
    # Each active ticket's opening instant as POSIX seconds, which order as the instants do:
    # a day's ages are only worked out for the middle and the oldest, as a sorted list of
    # every age would give them. The instants are kept in UTC: an age is time elapsed, where
    # two datetimes of one zone would subtract as wall-clock times across a DST change.
    active: dict[str, float] = {}
    opened_at: dict[float, datetime] = {}
    days = []
    position = 0
    for day in window.days():
        moment = min(datetime.combine(day + timedelta(days=1), time(), zone), as_of)
        if moment <= datetime.combine(day, time(), zone):
            break  # days after `as_of`
        while position < len(changes) and changes[position][0] <= moment:
            _, step, ticket_id, opened = changes[position]
            if step > 0:
                stamp = opened.timestamp()
                active[ticket_id] = stamp
                opened_at.setdefault(stamp, opened.astimezone(UTC))
            else:
                active.pop(ticket_id, None)
            position += 1
        days.append(_backlog_day(day, moment, sorted(active.values(), reverse=True),
                                 opened_at))
    return tuple(days)


def _backlog_day(day: date, moment: datetime, newest_first: list[float],
                 opened_at: dict[float, datetime]) -> BacklogDay:
    """The backlog at `moment` from its tickets' opening instants, newest first (youngest
    first), each in `opened_at` as a UTC datetime: the count, the median age and the oldest,
    in days of elapsed time, as `statistics.median` gives them over the sorted ages."""
    moment = moment.astimezone(UTC)

    def age(index: int) -> float:
        return (moment - opened_at[newest_first[index]]).total_seconds() / 86400

    count = len(newest_first)
    if not count:
        return BacklogDay(day, 0, None, None)
    middle = count // 2
    median = age(middle) if count % 2 else (age(middle - 1) + age(middle)) / 2
    return BacklogDay(day, count, median, age(count - 1))


def _repeats(facts: Sequence[TicketFacts], window: Window, zone: ZoneInfo,
             earlier: Mapping[str, TicketFacts]) -> RepeatIssues:
    reopened = [f for f in facts if any(window.contains(t, zone) for t in f.reopens)]
    linked = [f for f in facts if f.repeat_of and window.contains(f.opened, zone)]
    repeat_tickets = {f.ticket_id: f for f in [*reopened, *linked]}.values()
    months = tuple(
        RepeatMonth(month.label,
                    sum(month.contains(t, zone) for f in facts for t in f.reopens),
                    sum(1 for f in linked if month.contains(f.opened, zone)))
        for month in window.months())
    return RepeatIssues(
        reopens=sum(window.contains(t, zone) for f in facts for t in f.reopens),
        repeat_links=len(linked), by_month=months,
        top_categories=tuple(Counter(f.category or "(none)" for f in repeat_tickets)
                             .most_common(TOP_N)),
        top_tags=tuple(Counter(tag for f in repeat_tickets for tag in f.tags)
                       .most_common(TOP_N)),
        top_problems=_top_problems(facts, reopened, linked, window, zone, earlier))


def _top_problems(facts: Sequence[TicketFacts], reopened: Sequence[TicketFacts],
                  linked: Sequence[TicketFacts], window: Window,
                  zone: ZoneInfo, earlier: Mapping[str, TicketFacts]
                  ) -> tuple[RepeatProblem, ...]:
    """The problems that came back most often in the window. A problem is a `repeat_of`
    chain, named by its first ticket: a reopen of any ticket of the chain and each new
    ticket that repeats it count as one return."""
    by_id = {f.ticket_id: f for f in facts}

    def fact_of(ticket_id: str) -> TicketFacts | None:
        return by_id.get(ticket_id) or earlier.get(ticket_id)

    def first_of(fact: TicketFacts) -> str:
        seen = {fact.ticket_id}
        current = fact
        while current.repeat_of and current.repeat_of not in seen:
            seen.add(current.repeat_of)
            before = fact_of(current.repeat_of)
            if before is None:
                return current.repeat_of  # the first ticket is gone: still the problem's name
            current = before
        return current.ticket_id

    reopens: Counter[str] = Counter()
    repeats: Counter[str] = Counter()
    members: dict[str, dict[str, None]] = {}
    for fact in reopened:
        root = first_of(fact)
        reopens[root] += sum(window.contains(t, zone) for t in fact.reopens)
        members.setdefault(root, {})[fact.ticket_id] = None
    for fact in linked:
        root = first_of(fact)
        repeats[root] += 1
        members.setdefault(root, {})[fact.ticket_id] = None
    problems = []
    for root, tickets in members.items():
        named = fact_of(root) or by_id[next(iter(tickets))]
        problems.append(RepeatProblem(root, named.title, named.category, reopens[root],
                                      repeats[root], tuple(tickets)))
    problems.sort(key=lambda p: (-p.returns, p.ticket_id))
    return tuple(problems[:TOP_N])


def _kb_use(vault: Vault, facts: Sequence[TicketFacts], window: Window,
            zone: ZoneInfo) -> tuple[KBUse, ...]:
    """The KB entries linked most by the tickets opened or resolved in the window, in the
    front matter (`kb:`, `related:`) or the text (`TicketFacts.kb_links`)."""
    entries = kb_entries_by_key(vault)
    uses: Counter[str] = Counter()
    for fact in facts:
        if window.contains(fact.opened, zone) or window.contains(fact.resolved, zone):
            uses.update(kb_entries_named(fact.kb_links, entries))
    titles = {entry.id or entry.name: entry.title for entry in vault.kb}
    ranked = sorted(uses.items(), key=lambda item: (-item[1], item[0]))
    return tuple(KBUse(name, titles[name], count) for name, count in ranked[:TOP_N])


def _kb_growth(vault: Vault, history: History, facts: Sequence[TicketFacts], window: Window,
               zone: ZoneInfo) -> KBGrowth:
    settings = vault.settings
    most_used = _kb_use(vault, facts, window, zone)
    stale_before = window.end - timedelta(days=settings.kb_stale_after_days)
    stale = tuple(sorted(entry.id or entry.path for entry in vault.kb
                         if entry.last_updated is not None and entry.last_updated < stale_before))
    weeks = window.weeks()
    if history.available:
        events = [e for e in history.file_events if e.area == "kb"]

        def counts(span: Window) -> tuple[int, int]:
            inside = [e for e in events if span.contains(e.time, zone)]
            added = {e.path for e in inside if e.kind == "added"}
            updated = {e.path for e in inside if e.kind in ("modified", "renamed")} - added
            return len(added), len(updated)

        by_week = tuple(KBWeek(w.label, *counts(w)) for w in weeks)
        added, updated = counts(window)
        return KBGrowth("git", added, updated, by_week, len(vault.kb), stale, most_used)
    # Without history, `last_updated` is all there is: updates, but not additions.
    dates = [entry.last_updated for entry in vault.kb if entry.last_updated is not None]
    by_week = tuple(KBWeek(w.label, None, sum(w.start <= d <= w.end for d in dates))
                    for w in weeks)
    return KBGrowth("last_updated", None, sum(window.start <= d <= window.end for d in dates),
                    by_week, len(vault.kb), stale, most_used)


def _automation(facts: Sequence[TicketFacts], history: History, window: Window,
                zone: ZoneInfo) -> Automation:
    resolved = [f for f in facts if window.contains(f.resolved, zone)]
    scripts = Counter(f.automation for f in resolved if f.automation)
    quarters: Counter[str] = Counter()
    for event in history.file_events:
        if event.area == "scripts" and event.kind == "added" and window.contains(event.time,
                                                                                   zone):
            quarters[quarter_label(event.time.astimezone(zone).date())] += 1
    return Automation(len(resolved), sum(scripts.values()), tuple(scripts.most_common()),
                      tuple(sorted(quarters.items())))
