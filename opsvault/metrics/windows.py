"""Reporting windows: ISO weeks, months and date ranges in the vault's time zone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
WEEK, MONTH, DAYS = "week", "month", "days"


@dataclass(frozen=True)
class Window:
    """Whole days from `start` to `end`, both included, in the vault's time zone."""

    start: date
    end: date
    kind: str = DAYS  # WEEK | MONTH | DAYS: what `previous` steps back by

    @property
    def label(self) -> str:
        if self.kind == WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @classmethod
    def iso_week(cls, text: str) -> Window:
        """`2026-W47` (Monday to Sunday)."""
        match = _WEEK.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"'{text}' is not an ISO week (example: 2026-W47)")
        try:
            monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError as exc:
            raise ValueError(f"'{text}' is not an ISO week: {exc}") from None
        return cls(monday, monday + timedelta(days=6), WEEK)

    @classmethod
    def week_of(cls, day: date) -> Window:
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6), WEEK)

    @classmethod
    def month(cls, text: str) -> Window:
        """`2026-11`."""
        match = _MONTH.fullmatch(text.strip())
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"'{text}' is not a month (example: 2026-11)")
        return cls.month_of(date(int(match.group(1)), int(match.group(2)), 1))

    @classmethod
    def month_of(cls, day: date) -> Window:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1), MONTH)

    def previous(self) -> Window:
        """The window of the same kind and length just before this one."""
        if self.kind == WEEK:
            return Window.week_of(self.start - timedelta(days=7))
        if self.kind == MONTH:
            return Window.month_of(self.start - timedelta(days=1))
        length = self.end - self.start
        return Window(self.start - length - timedelta(days=1), self.start - timedelta(days=1))

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def weeks(self) -> list[Window]:
        """The ISO weeks this window touches, each cut to the window."""
        weeks = []
        monday = self.start - timedelta(days=self.start.weekday())
        while monday <= self.end:
            weeks.append(Window(max(monday, self.start), min(monday + timedelta(days=6),
                                                             self.end), WEEK))
            monday += timedelta(days=7)
        return weeks

    def months(self) -> list[Window]:
        months = []
        first = self.start.replace(day=1)
        while first <= self.end:
            month = Window.month_of(first)
            months.append(Window(max(month.start, self.start), min(month.end, self.end), MONTH))
            first = month.end + timedelta(days=1)
        return months

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The first instant of the window and the first instant after it."""
        return _bounds(self, zone)

    def posix_bounds(self, zone: ZoneInfo) -> tuple[float, float]:
        """`bounds` as POSIX seconds, to compare with times kept as numbers."""
        start, after = _bounds(self, zone)
        return start.timestamp(), after.timestamp()

    def contains(self, moment: datetime | None, zone: ZoneInfo) -> bool:
        if moment is None:
            return False
        offset = moment.tzinfo
        if type(offset) is timezone:
            # A fixed offset (what a ticket's front matter gives): on its wall clock the
            # bounds compare as instants do, at a twentieth of the cost of comparing across
            # tzinfos, which metrics do hundreds of thousands of times.
            start, after = _bounds_at(self, zone, offset)
        else:
            start, after = _bounds(self, zone)
        return start <= moment < after


@lru_cache(maxsize=4096)
def _bounds(window: Window, zone: ZoneInfo) -> tuple[datetime, datetime]:
    # Aware comparisons with a shared tzinfo compare wall clocks: give the bounds in UTC.
    return (datetime.combine(window.start, time(), zone).astimezone(UTC),
            datetime.combine(window.end + timedelta(days=1), time(), zone).astimezone(UTC))


@lru_cache(maxsize=4096)
def _bounds_at(window: Window, zone: ZoneInfo, offset: timezone) -> tuple[datetime, datetime]:
    start, after = _bounds(window, zone)
    return start.astimezone(offset), after.astimezone(offset)


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
