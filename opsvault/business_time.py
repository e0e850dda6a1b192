"""SLA clock arithmetic: how much of a priority's clock runs between two instants, and when a
target falls due.

A priority's clock (schema.CLOCKS) is either `24x7`, which counts every real minute, or
`business`, which counts only the minutes inside business hours on business days that are not
holidays, in the vault's time zone. Business windows are built per local day and compared in
UTC, so a DST change moves the window with the wall clock and a night that is an hour shorter or
longer changes nothing. Every function takes and returns aware date-times.

Spans of a clock are counted in whole microseconds (`clock_microseconds`), as `datetime`
holds them: integers add up exactly, so a clock's time up to some moment plus its time from
there to now is the time it has run up to now, to the last digit. That is what lets an open
ticket's clock be kept at its last event and moved on to any later moment (`metrics.facts`)
with the same answer as working it out from the start. Minutes are the microseconds over
`MICROSECONDS_PER_MINUTE`, divided once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .schema import Duration, Settings

CLOCK_24X7 = "24x7"
CLOCK_BUSINESS = "business"
MINUTES_PER_DAY = 24 * 60
MICROSECONDS_PER_MINUTE = 60_000_000
_MICROSECOND = timedelta(microseconds=1)
# A calendar whose holidays cover every business day would make a deadline search run forever.
_SEARCH_LIMIT_DAYS = 366 * 20


@dataclass(frozen=True)
class BusinessCalendar:
    """Business hours, business days and holidays in one time zone."""

    zone: ZoneInfo
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time
    holidays: frozenset[date] = frozenset()
    # Windows and running totals per day, filled on use: metrics ask about the same days for
    # thousands of tickets, some open for months.
    _windows: dict[int, tuple[datetime, datetime] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _totals: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _first_day: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> BusinessCalendar:
        hours = settings.business_hours
        return cls(settings.time_zone, hours.days, hours.start, hours.end, settings.holidays)

    @property
    def day_minutes(self) -> float:
        """The length of a business day on the wall clock: what `1bd` means."""
        start = datetime.combine(date.min, self.start)
        end = datetime.combine(date.min, self.end)
        return (end - start).total_seconds() / 60

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The business hours of a local day, in UTC; None on other days."""
        ordinal = day.toordinal()
        if ordinal not in self._windows:
            self._windows[ordinal] = (
                (datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC),
                 datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC))
                if self.is_business_day(day) else None)
        return self._windows[ordinal]

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def microseconds_before(self, day: date) -> int:
        """Business time of all days from an arbitrary fixed day up to `day` (excluded): the
        difference of two such totals is the business time of the days between."""
        ordinal = day.toordinal()
        if not self._first_day or ordinal < self._first_day[0]:
            self._first_day[:] = [ordinal - 366]
            self._totals[:] = [0]
        first = self._first_day[0]
        while first + len(self._totals) - 1 < ordinal:
            current = date.fromordinal(first + len(self._totals) - 1)
            window = self.window(current)
            self._totals.append(self._totals[-1] + (_microseconds(*window) if window else 0))
        return self._totals[ordinal - first]


def _microseconds(start: datetime, end: datetime) -> int:
    # Aware subtraction ignores offsets when both sides share a tzinfo: compare in UTC.
    return (end.astimezone(UTC) - start.astimezone(UTC)) // _MICROSECOND


def business_microseconds(start: datetime, end: datetime, calendar: BusinessCalendar) -> int:
    """Business time between two instants (0 when `end` is not after `start`)."""
    # Local days from the instants as given: already in the vault's zone, they need no
    # conversion (a clock's times usually are).
    first, last = calendar.local_date(start), calendar.local_date(end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0
    if first == last:
        return _overlap(calendar.window(first), start, end)
    # The first and last days in part, the days between from the running totals: the
    # earlier day's first, since asking for a day before the totals' start starts them anew.
    before_first = calendar.microseconds_before(first + timedelta(days=1))
    between = calendar.microseconds_before(last) - before_first
    return (_overlap(calendar.window(first), start, end) + between
            + _overlap(calendar.window(last), start, end))


def business_minutes(start: datetime, end: datetime, calendar: BusinessCalendar) -> float:
    """Business minutes between two instants (0 when `end` is not after `start`)."""
    return business_microseconds(start, end, calendar) / MICROSECONDS_PER_MINUTE


def _overlap(window: tuple[datetime, datetime] | None, start: datetime, end: datetime) -> int:
    if window is None:
        return 0
    overlap_start, overlap_end = max(window[0], start), min(window[1], end)
    if overlap_end <= overlap_start:
        return 0
    return (overlap_end - overlap_start) // _MICROSECOND


def clock_microseconds(start: datetime, end: datetime, clock: str,
                       calendar: BusinessCalendar) -> int:
    """How long `clock` runs between two instants (0 when `end` is not after `start`)."""
    if clock == CLOCK_BUSINESS:
        return business_microseconds(start, end, calendar)
    return max(0, _microseconds(start, end))


def clock_minutes(start: datetime, end: datetime, clock: str, calendar: BusinessCalendar) -> float:
    """Minutes that `clock` runs between two instants (0 when `end` is not after `start`)."""
    return clock_microseconds(start, end, clock, calendar) / MICROSECONDS_PER_MINUTE


def add_business_minutes(start: datetime, minutes: float, calendar: BusinessCalendar) -> datetime:
    """The earliest instant at which `minutes` business minutes have run since `start`."""
    if minutes <= 0:
        return start
    moment = start.astimezone(UTC)
    remaining = timedelta(minutes=minutes)
    day = calendar.local_date(start)
    for _ in range(_SEARCH_LIMIT_DAYS):
        window = calendar.window(day)
        if window is not None:
            opens, closes = window
            begin = max(opens, moment)
            if closes >= begin:
                if remaining <= closes - begin:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= closes - begin
        day += timedelta(days=1)
    raise ValueError("the business calendar has no business day in 20 years")


def add_clock_minutes(start: datetime, minutes: float, clock: str,
                      calendar: BusinessCalendar) -> datetime:
    """The instant at which `clock` has run `minutes` since `start`."""
    if clock == CLOCK_BUSINESS:
        return add_business_minutes(start, minutes, calendar)
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)


def end_of_business_day(start: datetime, calendar: BusinessCalendar) -> datetime:
    """The end of the business day on which a clock started at `start` first runs.

    Opened during business hours: that day's end. Opened before opening time on a business day:
    that day's end. Opened after hours, on a weekend or a holiday: the next business day's end.
    """
    moment = start.astimezone(UTC)
    day = calendar.local_date(moment)
    for _ in range(_SEARCH_LIMIT_DAYS):
        window = calendar.window(day)
        if window is not None and window[1] > moment:
            return window[1].astimezone(start.tzinfo)
        day += timedelta(days=1)
    raise ValueError("the business calendar has no business day in 20 years")


def budget_minutes(duration: Duration, start: datetime, clock: str,
                   calendar: BusinessCalendar) -> float:
    """An SLA target as minutes of `clock` from `start`.

    `15m`/`4h` are clock minutes; `Nbd` is N business-day lengths on the business clock and
    N × 24 h on the 24×7 clock; `eod` is whatever the clock runs until the end of the business
    day on which it starts.
    """
    if duration.end_of_business_day:
        return clock_minutes(start, end_of_business_day(start, calendar), clock, calendar)
    if duration.business_days:
        per_day = calendar.day_minutes if clock == CLOCK_BUSINESS else MINUTES_PER_DAY
        return duration.business_days * per_day
    return float(duration.minutes)


def deadline(start: datetime, duration: Duration, clock: str,
             calendar: BusinessCalendar) -> datetime:
    """When a target of `duration` on `clock`, started at `start`, falls due."""
    return add_clock_minutes(start, budget_minutes(duration, start, clock, calendar), clock,
                             calendar)
