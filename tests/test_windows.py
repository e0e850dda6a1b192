"""Reporting windows hold whole local days of the vault's time zone, whatever zone or offset
a time is written in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.metrics.windows import Window

ZONE = ZoneInfo("America/Chicago")
# The weeks around both DST changes of 2026 in Chicago, a month, and a single day.
WINDOWS = (Window.iso_week("2026-W10"), Window.iso_week("2026-W11"),
           Window.iso_week("2026-W44"), Window.iso_week("2026-W45"), Window.month("2026-03"),
           Window(date(2026, 11, 1), date(2026, 11, 1)))
OFFSETS = (UTC, timezone(timedelta(hours=-6)), timezone(timedelta(hours=-5)),
           timezone(timedelta(hours=13, minutes=45)), timezone(timedelta(hours=-9, minutes=-30)),
           ZONE, ZoneInfo("Europe/Berlin"))


def on_a_local_day_of(window: Window, instant: datetime) -> bool:
    """The definition: the instant's date on the vault zone's wall clock is in the window."""
    return window.start <= instant.astimezone(ZONE).date() <= window.end


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(WINDOWS), st.booleans(), st.integers(min_value=-36 * 60, max_value=36 * 60),
       st.sampled_from(OFFSETS))
def test_a_time_is_in_a_window_when_its_local_day_is_whatever_offset_it_has(
        window: Window, at_the_end: bool, minutes: int, offset: timezone | ZoneInfo) -> None:
    # Within a day and a half of the window's first or last local midnight, where an
    # offset or a DST change would move a time across the edge.
    edge = window.end + timedelta(days=1) if at_the_end else window.start
    instant = datetime(edge.year, edge.month, edge.day, tzinfo=ZONE).astimezone(UTC) \
        + timedelta(minutes=minutes)
    assert window.contains(instant.astimezone(offset), ZONE) == on_a_local_day_of(window,
                                                                                instant)


def test_the_edges_of_a_window_and_the_hour_repeated_when_dst_ends() -> None:
    week = Window.iso_week("2026-W44")  # Monday 26 October to Sunday 1 November
    central, eastern = timezone(timedelta(hours=-6)), timezone(timedelta(hours=-5))
    inside = [datetime(2026, 10, 26, 0, 0, tzinfo=eastern),  # midnight CDT: the first instant
              datetime(2026, 11, 1, 1, 30, tzinfo=eastern),  # 01:30 CDT, before the change
              datetime(2026, 11, 1, 1, 30, tzinfo=central),  # 01:30 CST, an hour later
              datetime(2026, 11, 1, 23, 59, 59, tzinfo=central),
              datetime(2026, 11, 2, 0, 30, tzinfo=eastern)]  # 23:30 CST on the Sunday
    outside = [datetime(2026, 10, 25, 23, 59, 59, tzinfo=eastern),
               datetime(2026, 11, 2, 0, 0, tzinfo=central),  # midnight after the week
               datetime(2026, 11, 2, 6, 0, tzinfo=UTC)]
    assert [week.contains(moment, ZONE) for moment in inside] == [True] * 5
    assert [week.contains(moment, ZONE) for moment in outside] == [False] * 3
    assert week.contains(None, ZONE) is False
