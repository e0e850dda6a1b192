"""Per-ticket facts: when each ticket was opened, answered, resolved and reopened, and where its
SLA clocks stand. Every aggregate metric is a count or a distribution over these.

Times follow SPEC §4 and §5. An explicit time in the ticket file (`first_response`,
`resolved`, `closed`, a Log line's time) wins; otherwise history says when a status changed
(an explicit time the commit wrote, else the commit's author date). Without history a ticket
has only its explicit times, and what cannot be known is None, never guessed — except the
backlog, which needs every ticket somewhere and says how it estimates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from ..business_time import (
    MICROSECONDS_PER_MINUTE,
    BusinessCalendar,
    add_clock_minutes,
    budget_minutes,
    clock_microseconds,
)
from ..history import CHANGE, INITIAL, History, TicketTimeline
from ..model import Ticket, Vault, as_text, kb_link_targets, link_target
from ..schema import FOLLOW_UP_DONE, LOG_AUTHORS, Duration, Priority, Settings, is_contact
from ..ticket_index import TicketSummary

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
UPDATE = "update"  # the longest gap between news to the requester (priorities.*.update)
MET, BREACHED, RUNNING, UNKNOWN = "met", "breached", "running", "unknown"
PAUSED = "paused"  # a resolution clock stopped while the desk waits on the requester
# A running clock with less than this share of its budget left is at risk.
AT_RISK_SHARE = 0.25
# `opsvault ticket reopen` writes "Reopened: <reason>" into the Log; so do people.
REOPEN_LOG_PREFIX = "reopened"


@dataclass(frozen=True, slots=True)  # slots: a big vault holds tens of thousands of clocks
class SlaClock:
    """One SLA target of one ticket: first response or resolution, on the priority's clock."""

    ticket_id: str
    target: str  # FIRST_RESPONSE | RESOLUTION | UPDATE
    duration: str  # the target as configured: 15m, 4h, 1bd, eod
    clock: str  # 24x7 | business
    budget_minutes: float  # the target in minutes of that clock
    started: datetime
    due: datetime | None  # when the budget runs out (None when the elapsed time is unknown)
    stopped: datetime | None  # when the target was reached
    elapsed_minutes: float | None  # clock minutes used, up to `stopped` or to "now"
    state: str  # MET | BREACHED | RUNNING | PAUSED | UNKNOWN
    # Waiting on the requester (resolution only): the clock's minutes not counted, and when.
    paused_minutes: float = 0.0
    paused_periods: tuple[tuple[datetime, datetime | None], ...] = ()

    @property
    def minutes_left(self) -> float | None:
        """Clock minutes until the budget runs out; negative once it has."""
        if self.elapsed_minutes is None:
            return None
        return self.budget_minutes - self.elapsed_minutes

    @property
    def at_risk(self) -> bool:
        left = self.minutes_left
        return (self.state == RUNNING and left is not None
                and left < AT_RISK_SHARE * self.budget_minutes)


class Instants(NamedTuple):
    """A ticket's times as POSIX seconds; NaN for one not known, so that `a <= t < b` is
    False for it as `Window.contains` is for None."""

    opened: float
    first_response: float
    resolved: float
    closed: float


@dataclass(frozen=True)
class TicketFacts:
    """What the metrics know about one ticket."""

    ticket_id: str
    path: str
    title: str
    status: str | None  # None: the ticket's status cannot be read (counted as open)
    priority: str | None
    category: str | None
    assignee: str | None
    channel: str | None
    location: str | None  # where the problem is (a clinic, a room): free text
    tags: tuple[str, ...]
    opened: datetime
    first_response: datetime | None
    resolved: datetime | None  # the final resolution; None while the ticket is active
    closed: datetime | None
    is_open: bool  # in an active status now
    # When the ticket was active: one period, or more after reopens. The last end is None
    # while it is open.
    open_periods: tuple[tuple[datetime, datetime | None], ...]
    backlog_periods: tuple[tuple[datetime, datetime | None], ...]  # the same, estimated if need be
    reopens: tuple[datetime, ...]
    repeat_of: str | None
    satisfaction: int | None
    automation: str | None
    first_response_minutes: float | None  # on the priority's clock
    resolution_minutes: float | None  # active time on the priority's clock, all periods
    sla: tuple[SlaClock, ...]  # first response, then resolution; none without a priority
    follow_ups_done: tuple[datetime, ...] = ()  # "Follow-up done" Log lines (SPEC §7)
    # Every note the ticket links (`kb_link_targets`), by the name the link gives: the KB
    # entries most used come from these, so the metrics need not read the ticket's file.
    kb_links: tuple[str, ...] = ()

    def clock(self, target: str) -> SlaClock | None:
        return next((c for c in self.sla if c.target == target), None)

    def value(self, dimension: str) -> str:
        """The ticket's value for a `--by` grouping: category, priority, assignee, channel,
        location."""
        return getattr(self, dimension) or "(none)"

    @property
    def span(self) -> tuple[float, float]:
        """The first and the last moment (POSIX seconds) anything of the ticket happened, the
        last infinite while it is active: a window outside this span counts nothing of it."""
        return self._posix_times[0]

    @property
    def instants(self) -> Instants:
        """The four times a window counts, as numbers: a window's counts compare them with
        its bounds hundreds of thousands of times, which across time zones date-times do
        twenty times slower."""
        return self._posix_times[1]

    @property
    def backlog_instants(self) -> tuple[tuple[float, float], ...]:
        """`backlog_periods` as POSIX seconds, an open end infinite (as `instants`)."""
        return self._posix_times[2]

    @property
    def reopen_instants(self) -> tuple[float, ...]:
        """`reopens` as POSIX seconds (as `instants`)."""
        return self._posix_times[3]

    @property
    def follow_up_instants(self) -> tuple[float, ...]:
        """`follow_ups_done` as POSIX seconds (as `instants`)."""
        return self._posix_times[4]

    @cached_property
    def _posix_times(self) -> tuple[tuple[float, float], Instants,
                                    tuple[tuple[float, float], ...], tuple[float, ...],
                                    tuple[float, ...]]:
        # One cached value, not several: an instance holding more than 30 attributes loses
        # the key-sharing dict and takes a kilobyte more (6 MiB over a metrics window). POSIX
        # seconds as floats order as the date-times do: at today's instants a float tells
        # apart times a microsecond apart (its step is a quarter of one).
        instants = Instants(*(math.nan if moment is None else moment.timestamp() for moment in (
            self.opened, self.first_response, self.resolved, self.closed)))
        backlog = tuple((start.timestamp(), math.inf if end is None else end.timestamp())
                        for start, end in self.backlog_periods)
        reopens = tuple(moment.timestamp() for moment in self.reopens)
        follow_ups = tuple(moment.timestamp() for moment in self.follow_ups_done)
        known = [*reopens, *follow_ups, *(start for start, _ in backlog),
                 *(start.timestamp() for start, _ in self.open_periods),
                 *(instant for instant in instants if not math.isnan(instant))]
        if any(end is None for _, end in self.open_periods) or \
                any(end == math.inf for _, end in backlog):
            return (min(known), math.inf), instants, backlog, reopens, follow_ups
        known += [end for _, end in backlog]
        known += [end.timestamp() for _, end in self.open_periods if end is not None]
        return (min(known), max(known)), instants, backlog, reopens, follow_ups


def ticket_facts(vault: Vault, history: History, as_of: datetime) -> tuple[TicketFacts, ...]:
    """Facts for every ticket that has an id, a status and an opening time, as of `as_of`."""
    settings = vault.settings
    calendar = BusinessCalendar.from_settings(settings)
    technicians = technicians_of(vault)
    facts = []
    for ticket in vault.tickets:
        fact = _facts(ticket, history.timeline(ticket.id), settings, calendar, technicians,
                      as_of)
        if fact is not None:
            facts.append(fact)
    return tuple(facts)


@dataclass(frozen=True)
class Excluded:
    """A ticket the metrics leave out in part or whole, and why (its "needs fixing" flaws)."""

    ticket: str  # the id, or the path when the id is missing
    path: str
    left_out: str  # "everything", "SLA and times" or COUNTED_AS_OPEN
    reason: str
    is_open: bool  # still to be worked on (an unreadable status counts as open)


COUNTED_AS_OPEN = "nothing: counted as open"


def technicians_of(vault: Vault) -> frozenset[str] | None:
    """Whose Log lines count as the desk's (None without a team file: anyone not a system
    author)."""
    return frozenset(vault.team.handles) if vault.team.present else None


def excluded_tickets(vault: Vault) -> tuple[Excluded, ...]:
    """What the metrics could not measure, ticket by ticket, for stderr and JSON."""
    return excluded_among(vault.tickets)


def excluded_among(tickets: Iterable[Ticket | TicketSummary]) -> tuple[Excluded, ...]:
    """`excluded_tickets` of these tickets (files, or their rows in the ticket index)."""
    found = []
    for ticket in tickets:
        if not ticket.flaws:
            continue
        reason = "; ".join(ticket.flaws)
        if ticket.id is None or ticket.opened is None:
            left_out = "everything"
        elif ticket.priority is None:
            left_out = "SLA and times"
        elif ticket.status is None:
            left_out = COUNTED_AS_OPEN
        else:
            continue  # only the category is unreadable: counted under "(none)"
        found.append(Excluded(ticket.id or ticket.path, ticket.path, left_out, reason,
                              ticket.is_active))
    return tuple(found)


def facts_of(vault: Vault, history: History, ticket: Ticket,
             as_of: datetime) -> TicketFacts | None:
    """One ticket's facts (None without an id, a valid status or an opening time)."""
    return _facts(ticket, history.timeline(ticket.id), vault.settings,
                  BusinessCalendar.from_settings(vault.settings), technicians_of(vault), as_of)


@dataclass
class _StatusStory:
    """A ticket's status history replayed in time order."""

    periods: list[tuple[datetime, datetime | None]]
    reopens: list[datetime]
    left_initial: datetime | None  # first move out of the initial status
    done_since: datetime | None  # start of the current done run
    closed_at: datetime | None  # last move to the closing status
    known: bool  # history had status events
    paused: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    pause_start_unknown: bool = False  # in a pause status since before history shows


def _replay(timeline: TicketTimeline | None, opened: datetime, settings: Settings,
            closing_status: str | None) -> _StatusStory:
    story = _StatusStory([], [], None, None, None, False)
    if timeline is None:
        return story
    state: str | None = None
    period_start: datetime | None = None
    pause_start: datetime | None = None
    pausing = settings.sla_pause_statuses
    for event in timeline.events:
        if event.field != "status" or event.kind not in (CHANGE, INITIAL):
            continue
        new = event.new
        if new not in settings.transitions:
            continue  # an invalid status in some version: `check` reports it
        story.known = True
        old = state if state is not None else event.old
        if new == old:
            continue  # the same change made on two branches counts once
        when = max(event.time, opened)
        if old is None:  # created, or first seen at a shallow clone's boundary
            if settings.is_active(new):
                period_start = opened
            else:
                if event.kind == CHANGE:
                    story.periods.append((opened, when))
                story.done_since = when if event.kind == CHANGE else None
            if event.kind == CHANGE and new != settings.initial_status:
                story.left_initial = when
        else:
            if old == settings.initial_status and story.left_initial is None:
                story.left_initial = when
            if settings.is_reopen(old, new):
                story.reopens.append(when)
            if settings.is_active(old) and not settings.is_active(new):
                story.periods.append((period_start or opened, when))
                period_start = None
                story.done_since = when
            elif not settings.is_active(old) and settings.is_active(new):
                period_start = when
                story.done_since = None
        if new == closing_status:
            story.closed_at = when
        if new in pausing and (old is None or old not in pausing):
            # A file first committed already waiting does not say since when: the Log may.
            pause_start = when if event.kind == CHANGE and old is not None else None
            story.pause_start_unknown = pause_start is None
        elif new not in pausing and old in pausing:
            if pause_start is not None:
                story.paused.append((pause_start, when))
            pause_start, story.pause_start_unknown = None, False
        state = new
    if period_start is not None:
        story.periods.append((period_start, None))
    if pause_start is not None:
        story.paused.append((pause_start, None))
    return story


def _pauses(ticket: Ticket, story: _StatusStory, settings: Settings, opened: datetime
            ) -> list[tuple[datetime, datetime | None]]:
    """When the ticket waited on the requester. History says when it entered and left a
    pause status; a ticket in one now whose start history does not show (a first commit, a
    change not committed yet) is paused since the Log line that moved it there, else since
    its last Log line (the question it is waiting on)."""
    paused = list(story.paused)
    waiting_now = ticket.status in settings.sla_pause_statuses
    if not waiting_now or (paused and paused[-1][1] is None):
        return paused
    moved = [entry.time for entry in ticket.log
             if f"→ {ticket.status}" in entry.text or f"-> {ticket.status}" in entry.text]
    since = moved[-1] if moved else (ticket.log[-1].time if ticket.log else None)
    last_end = paused[-1][1] if paused else None
    if since is None or (last_end is not None and since < last_end):
        return paused  # that line is from before the last pause ended: nothing newer known
    paused.append((max(since, opened), None))
    return paused


@dataclass(frozen=True)
class FactsBasis:
    """What a ticket's facts are made of apart from the moment asked about: its facts with no
    clocks, and what the clocks are computed from. The facts cache keeps these."""

    facts: TicketFacts  # `sla` left empty
    pauses: tuple[tuple[datetime, datetime | None], ...]  # waiting on the requester
    contacts: tuple[datetime, ...]  # news to the requester (for an update target)


def _facts(ticket: Ticket, timeline: TicketTimeline | None, settings: Settings,
           calendar: BusinessCalendar, technicians: frozenset[str] | None,
           as_of: datetime) -> TicketFacts | None:
    basis = facts_basis(ticket, timeline, settings, calendar, technicians)
    return with_clocks(basis, settings, calendar, as_of) if basis is not None else None


def facts_basis(ticket: Ticket, timeline: TicketTimeline | None, settings: Settings,
                calendar: BusinessCalendar, technicians: frozenset[str] | None
                ) -> FactsBasis | None:
    """A ticket's facts as far as they do not depend on the moment (None without an id, a
    status or an opening time)."""
    opened = ticket.opened
    if opened is None or ticket.id is None:
        return None  # `check` reports it; nothing can be measured from it
    status = ticket.status
    is_open = ticket.is_active
    closing_status = settings.done_statuses[-1] if settings.done_statuses else None
    story = _replay(timeline, opened, settings, closing_status)

    # First response is the first contact with the requester: an explicit time wins; else
    # the acknowledgement (the first move out of the initial status) or a technician's
    # contact Log line (a reply, a call), whichever came first. Assignment and other
    # internal lines are not contact.
    first_response = ticket.time("first_response")
    if first_response is None:
        candidates = [story.left_initial] if story.left_initial else []
        candidates += [entry.time for entry in ticket.log
                       if _is_technician(entry.author, technicians)
                       and is_contact(entry.text)][:1]
        if candidates:
            first_response = max(min(candidates), opened)

    resolved = closed = None
    if not is_open:
        resolved = ticket.time("resolved") or story.done_since or ticket.time("closed")
        if status == closing_status:
            closed = ticket.time("closed") or story.closed_at
    periods = _open_periods(story, opened, is_open, resolved)
    reopens = _reopens(ticket, story)
    pauses = _within(_pauses(ticket, story, settings, opened), periods)

    priority = settings.priorities.get(ticket.priority or "")
    first_minutes = resolution_minutes = None
    contacts: list[datetime] = []
    if priority is not None:
        first_minutes = (clock_microseconds(opened, first_response, priority.clock, calendar)
                         / MICROSECONDS_PER_MINUTE if first_response else None)
        if not is_open and resolved is not None:
            resolution_minutes = (sum(clock_microseconds(start, end, priority.clock, calendar)
                                      for start, end in periods if end is not None)
                                  - sum(clock_microseconds(start, end, priority.clock, calendar)
                                        for start, end in pauses if end is not None)
                                  ) / MICROSECONDS_PER_MINUTE
        if priority.update is not None and first_response is not None:
            contacts = _contacts(ticket, timeline, technicians, first_response)
    satisfaction = ticket.meta.get("satisfaction")
    facts = TicketFacts(
        ticket_id=ticket.id, path=ticket.path, title=ticket.title, status=status,
        priority=ticket.priority, category=ticket.category, assignee=ticket.assignee,
        channel=ticket.channel, location=as_text(ticket.meta.get("location")),
        tags=ticket.tags, opened=opened,
        first_response=first_response, resolved=resolved, closed=closed, is_open=is_open,
        open_periods=tuple(periods),
        backlog_periods=tuple(_backlog_periods(ticket, periods, is_open, resolved, opened)),
        reopens=reopens, repeat_of=link_target(ticket.meta.get("repeat_of")),
        satisfaction=satisfaction if isinstance(satisfaction, int)
        and not isinstance(satisfaction, bool) else None,
        automation=as_text(ticket.meta.get("automation")),
        first_response_minutes=first_minutes, resolution_minutes=resolution_minutes, sla=(),
        follow_ups_done=tuple(entry.time for entry in ticket.log
                              if entry.text.startswith(FOLLOW_UP_DONE)),
        kb_links=tuple(sorted(kb_link_targets(ticket))))
    return FactsBasis(facts, tuple(pauses), tuple(contacts))


def with_clocks(basis: FactsBasis, settings: Settings, calendar: BusinessCalendar,
                as_of: datetime) -> TicketFacts:
    """The ticket's facts as of `as_of`: the basis with its SLA clocks (none without a known
    priority), worked out when first asked for."""
    facts = basis.facts
    if facts.priority not in settings.priorities:
        return facts
    lazy = object.__new__(_ClocksOnDemand)
    values = lazy.__dict__
    values.update(facts.__dict__)
    del values["sla"]
    # Not the basis itself: its facts would be a second copy of these, kept for nothing.
    values["_clock_inputs"] = (basis.pauses, basis.contacts, settings, calendar, as_of)
    return lazy


class _ClocksOnDemand(TicketFacts):
    """Facts whose SLA clocks are computed on first use. A metrics window looks at the clocks
    of the tickets it holds, a few hundred of 20,000: the rest are never worked out. Equal to,
    and compared, printed and exported as, the same facts with their clocks."""

    @cached_property
    def sla(self) -> tuple[SlaClock, ...]:  # type: ignore[override]
        pauses, contacts, settings, calendar, as_of = self.__dict__.pop("_clock_inputs")
        return clocks_as_of(self, pauses, contacts, settings, calendar, as_of)


class ClockState(NamedTuple):
    """One SLA target of a ticket as read at some moment (the anchor), and how it runs on
    from there for as long as nothing happens to the ticket: each time counts up by its rate
    times the clock's time since the anchor. Kept in the facts cache at an open ticket's
    last event, so that `sla` need not work out 4,000 clocks from their start."""

    target: str
    duration: str
    clock: str
    budget_minutes: float
    started: datetime
    due: datetime | None
    stopped: datetime | None
    paused_periods: tuple[tuple[datetime, datetime | None], ...]
    elapsed_us: int | None  # None: the clock stopped at a time not known
    elapsed_rate: int  # 1 while it runs, 0 while stopped or waiting on the requester
    floor_us: int  # an earlier gap between updates already longer than this one
    paused_us: int
    paused_rate: int  # 1 while waiting on the requester
    waiting: bool
    missed: bool  # an earlier update gap broke the target: breached whatever comes

    def reading(self, ticket_id: str, since_anchor_us: int) -> SlaClock:
        """The clock as it reads once it has run `since_anchor_us` microseconds of its own
        time (business or 24×7) past the anchor."""
        elapsed: float | None = None
        if self.elapsed_us is None:
            state = UNKNOWN
        else:
            elapsed = max(self.elapsed_us + self.elapsed_rate * since_anchor_us,
                          self.floor_us) / MICROSECONDS_PER_MINUTE
            if self.missed or elapsed > self.budget_minutes:
                state = BREACHED
            elif self.stopped is not None:
                state = MET
            else:
                state = PAUSED if self.waiting else RUNNING
        paused = (self.paused_us + self.paused_rate * since_anchor_us) / MICROSECONDS_PER_MINUTE
        return SlaClock(ticket_id, self.target, self.duration, self.clock, self.budget_minutes,
                        self.started, self.due, self.stopped, elapsed, state, paused,
                        self.paused_periods)


def settled_at(facts: TicketFacts, pauses: tuple[tuple[datetime, datetime | None], ...],
               contacts: tuple[datetime, ...]) -> datetime:
    """The last moment the ticket's clocks are worked out from: after it, each of them only
    runs on or stands still."""
    moments = [facts.opened, *contacts]
    moments += (moment for moment in (facts.first_response, facts.resolved)
                if moment is not None)
    for start, end in (*facts.open_periods, *pauses):
        moments.append(start)
        if end is not None:
            moments.append(end)
    return max(moments)


def clocks_as_of(facts: TicketFacts, pauses: tuple[tuple[datetime, datetime | None], ...],
                 contacts: tuple[datetime, ...], settings: Settings,
                 calendar: BusinessCalendar, as_of: datetime) -> tuple[SlaClock, ...]:
    """The ticket's SLA clocks as of `as_of`: read at its last event and run on to `as_of`
    (the answer the facts cache's kept states give), or read at `as_of` when that is
    earlier."""
    anchor = min(settled_at(facts, pauses, contacts), as_of)
    return run_on(facts.ticket_id, clock_states(facts, pauses, contacts, settings, calendar,
                                                anchor), anchor, as_of, calendar)


def run_on(ticket_id: str, states: Sequence[ClockState], anchor: datetime, as_of: datetime,
           calendar: BusinessCalendar) -> tuple[SlaClock, ...]:
    """What clocks read at `anchor` say at `as_of` (not before it): the one way both the full
    computation and the facts cache's kept states are read."""
    if not states:
        return ()
    since = clock_microseconds(anchor, as_of, states[0].clock, calendar)  # one priority's
    return tuple(state.reading(ticket_id, since) for state in states)


def clock_states(facts: TicketFacts, paused: tuple[tuple[datetime, datetime | None], ...],
                 contacts: tuple[datetime, ...], settings: Settings,
                 calendar: BusinessCalendar, as_of: datetime) -> tuple[ClockState, ...]:
    """The ticket's SLA targets read at `as_of`: first response, resolution and, where the
    priority sets one, update. Each time is in microseconds, so that a state read at one
    moment and run on to a later one gives the very figures read at the later one."""
    priority = settings.priorities[facts.priority or ""]
    periods, pauses = list(facts.open_periods), list(paused)
    states = (
        _first_response_clock(priority, facts.opened, facts.first_response, facts.status,
                              settings, calendar, as_of),
        _resolution_clock(priority, facts.opened, periods, pauses, facts.resolved,
                          facts.is_open, calendar, as_of),
    )
    if priority.update is not None and facts.first_response is not None:
        states += (_update_clock(priority, priority.update, list(contacts), periods, pauses,
                                 facts.resolved, facts.is_open, calendar, as_of),)
    return states


def _open_periods(story: _StatusStory, opened: datetime, is_open: bool,
                  resolved: datetime | None) -> list[tuple[datetime, datetime | None]]:
    """When the ticket was active, by history, with the file having the last word."""
    periods = list(story.periods) if story.known else [(opened, None)]
    if is_open:
        if not periods or periods[-1][1] is not None:
            # Active in the file but not (yet) in history: reopened since the last commit.
            periods.append((periods[-1][1] if periods else opened, None))  # type: ignore[arg-type]
    elif periods:
        start = periods[-1][0]
        if resolved is not None:
            periods[-1] = (start, max(resolved, start))  # an explicit time wins
        elif periods[-1][1] is None:
            periods.pop()  # done, but when is not known
    elif resolved is not None:
        # Done before history starts (a shallow clone): the file's times are all there is.
        periods.append((opened, max(resolved, opened)))
    return periods


def _is_technician(author: str, technicians: frozenset[str] | None) -> bool:
    if technicians is not None:
        return author in technicians
    return author not in LOG_AUTHORS


def _reopens(ticket: Ticket, story: _StatusStory) -> tuple[datetime, ...]:
    """Reopen times: the Log's 'Reopened …' lines when they account for every reopen history
    shows (their times are explicit), else history's."""
    logged = [entry.time for entry in ticket.log
              if entry.text.lower().startswith(REOPEN_LOG_PREFIX)]
    return tuple(sorted(logged if len(logged) >= len(story.reopens) else story.reopens))


def _backlog_periods(ticket: Ticket, periods: list[tuple[datetime, datetime | None]],
                     is_open: bool, resolved: datetime | None,
                     opened: datetime) -> list[tuple[datetime, datetime | None]]:
    """Open periods for the backlog; a done ticket with no known resolution time counts as
    open until the last time its file records (user confirmation, closing, a Log line)."""
    if periods or is_open:
        return periods
    known = [t for t in (ticket.time("user_confirmed"), ticket.time("closed"),
                         *(entry.time for entry in ticket.log)) if t is not None]
    return [(opened, max([opened, *known]))]


def _first_response_clock(priority: Priority, opened: datetime,
                          first_response: datetime | None, status: str, settings: Settings,
                          calendar: BusinessCalendar, as_of: datetime) -> ClockState:
    if first_response is None and status != settings.initial_status:
        # Answered (the status moved on), but when is not known.
        return _clock(FIRST_RESPONSE, priority.first_response, priority, opened, calendar,
                      None, None)
    elapsed = clock_microseconds(opened, first_response or as_of, priority.clock, calendar)
    return _clock(FIRST_RESPONSE, priority.first_response, priority, opened, calendar,
                  first_response, elapsed, rate=int(first_response is None))


def _within(pauses: list[tuple[datetime, datetime | None]],
            periods: list[tuple[datetime, datetime | None]]
            ) -> list[tuple[datetime, datetime | None]]:
    """The parts of the pauses inside the active periods (a pause ends when the ticket is
    resolved from the pause status)."""
    clipped: list[tuple[datetime, datetime | None]] = []
    for pause_start, pause_end in pauses:
        for start, end in periods:
            lower = max(pause_start, start)
            upper = end if pause_end is None else (pause_end if end is None
                                                   else min(pause_end, end))
            if upper is None or lower < upper:
                clipped.append((lower, upper))
    return clipped


def _resolution_clock(priority: Priority, opened: datetime,
                      periods: list[tuple[datetime, datetime | None]],
                      pauses: list[tuple[datetime, datetime | None]],
                      resolved: datetime | None, is_open: bool, calendar: BusinessCalendar,
                      as_of: datetime) -> ClockState:
    if not is_open and resolved is None:
        return _clock(RESOLUTION, priority.resolution, priority, opened, calendar, None, None)

    def used(start: datetime, end: datetime | None) -> int:
        return clock_microseconds(start, min(end or as_of, as_of), priority.clock, calendar) \
            if start < as_of else 0

    # The clock runs while the ticket is active and not waiting on the requester; a reopened
    # ticket goes on where it stopped. After `as_of`, each span still open runs on.
    paused = sum(used(start, end) for start, end in pauses)
    elapsed = sum(used(start, end) for start, end in periods) - paused
    paused_rate = sum(end is None for _, end in pauses)
    rate = sum(end is None for _, end in periods) - paused_rate
    clock = _clock(RESOLUTION, priority.resolution, priority, opened, calendar, resolved,
                   elapsed, rate)._replace(paused_us=paused, paused_rate=paused_rate,
                                           paused_periods=tuple(pauses))
    if not is_open:
        return clock
    if any(start <= as_of and (end is None or end > as_of) for start, end in pauses):
        # Stopped: no due time until the ticket moves on; a breach already made stays one.
        return clock._replace(due=None, waiting=True)
    if len(periods) > 1 or pauses:
        # Due: the rest of the budget, counted from when the clock last started again.
        resumed = max([periods[-1][0], *(end for _, end in pauses
                                         if end is not None and end <= as_of)])
        used_before = (elapsed - used(resumed, None)) / MICROSECONDS_PER_MINUTE
        clock = clock._replace(due=add_clock_minutes(
            resumed, clock.budget_minutes - used_before, priority.clock, calendar))
    return clock


def _contacts(ticket: Ticket, timeline: TicketTimeline | None,
              technicians: frozenset[str] | None, first_response: datetime) -> list[datetime]:
    """When the requester had news: the first response, each contact Log line (a reply, a
    call) and each status change after it."""
    found = {first_response}
    found.update(entry.time for entry in ticket.log
                 if _is_technician(entry.author, technicians) and is_contact(entry.text))
    if timeline is not None:
        found.update(event.time for event in timeline.events
                     if event.field == "status" and event.kind == CHANGE and event.old)
    return sorted(moment for moment in found if moment >= first_response)


def _active_time(start: datetime, end: datetime,
                 periods: list[tuple[datetime, datetime | None]],
                 pauses: list[tuple[datetime, datetime | None]], clock: str,
                 calendar: BusinessCalendar) -> int:
    """Clock time between `start` and `end` while the ticket was active and not paused."""
    def overlap(spans: list[tuple[datetime, datetime | None]]) -> int:
        total = 0
        for span_start, span_end in spans:
            lower, upper = max(start, span_start), min(end, span_end or end)
            if lower < upper:
                total += clock_microseconds(lower, upper, clock, calendar)
        return total
    return max(0, overlap(periods) - overlap(pauses))


def _update_clock(priority: Priority, target: Duration, contacts: list[datetime],
                  periods: list[tuple[datetime, datetime | None]],
                  pauses: list[tuple[datetime, datetime | None]], resolved: datetime | None,
                  is_open: bool, calendar: BusinessCalendar, as_of: datetime) -> ClockState:
    """The longest the requester went without news, against the update target; while open,
    the time since the last news."""
    if not is_open and resolved is None:
        return _clock(UPDATE, target, priority, contacts[0], calendar, None, None)
    end = min(resolved or as_of, as_of)
    shown = [moment for moment in contacts if moment <= end] or contacts[:1]
    gaps = [(start, _active_time(start, stop, periods, pauses, priority.clock, calendar))
            for start, stop in zip(shown, [*shown[1:], end], strict=True)]
    if not is_open:
        worst_start, worst = max(gaps, key=lambda gap: gap[1])
        return _clock(UPDATE, target, priority, worst_start, calendar, resolved, worst)
    # Open: the clock runs since the last news (on after `as_of` unless waiting); an earlier
    # gap too long is a breach already.
    last_start, current = gaps[-1]
    waiting = any(start <= as_of and (stop is None or stop > as_of) for start, stop in pauses)
    rate = sum(stop is None for _, stop in periods) - sum(stop is None for _, stop in pauses)
    clock = _clock(UPDATE, target, priority, last_start, calendar, None, current, rate)
    missed = [minutes for start, minutes in gaps[:-1]
              if minutes / MICROSECONDS_PER_MINUTE
              > budget_minutes(target, start, priority.clock, calendar)]
    if missed:
        return clock._replace(missed=True, floor_us=max(missed))
    if waiting:
        return clock._replace(due=None, waiting=True)
    # Due: the budget from the last news, moved on by the time that did not count.
    uncounted = (clock_microseconds(last_start, as_of, priority.clock, calendar) - current
                 ) / MICROSECONDS_PER_MINUTE
    return clock._replace(due=add_clock_minutes(last_start, clock.budget_minutes + uncounted,
                                                priority.clock, calendar))


def _clock(target_name: str, target: Duration, priority: Priority, opened: datetime,
           calendar: BusinessCalendar, stopped: datetime | None, elapsed: int | None,
           rate: int = 0) -> ClockState:
    """A clock started at `opened`; `elapsed` None means it stopped at an unknown time."""
    budget = budget_minutes(target, opened, priority.clock, calendar)
    due = add_clock_minutes(opened, budget, priority.clock, calendar)
    return ClockState(target_name, target.text, priority.clock, budget, opened, due, stopped,
                      (), elapsed, rate, 0, 0, 0, False, False)


def open_clocks(facts: Iterable[TicketFacts]) -> list[SlaClock]:
    """The running or breached clock of every open ticket that still has one, most urgent
    first: first response until answered, then resolution or update, whichever is due
    first."""
    clocks = []
    for fact in facts:
        if not fact.is_open:
            continue
        pending = [c for c in fact.sla if c.stopped is None and c.state != UNKNOWN]
        if pending:
            # First response until answered, then resolution; an update target that runs
            # out sooner than the resolution target is the one to watch.
            first, *rest = pending
            if first.target != FIRST_RESPONSE and rest:
                first = min(pending, key=lambda c: c.minutes_left if c.minutes_left is not None
                            else float("inf"))
            clocks.append(first)
    return sorted(clocks, key=lambda c: (c.minutes_left if c.minutes_left is not None
                                         else float("inf"), c.ticket_id))
