"""SLA clocks on hand-computed cases: weekends, holidays, DST changes, the 24×7 clock, eod, Nbd."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.business_time import (
    BusinessCalendar,
    add_business_minutes,
    budget_minutes,
    business_minutes,
    clock_minutes,
    deadline,
    end_of_business_day,
)
from opsvault.schema import Duration

CHICAGO = ZoneInfo("America/Chicago")
CALENDAR = BusinessCalendar(CHICAGO, frozenset(range(5)), time(8), time(17),
                            frozenset({date(2026, 11, 26), date(2026, 11, 27)}))


def at(text: str) -> datetime:
    """A local time in Chicago: '2026-11-20 16:30'."""
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def test_business_minutes_skip_the_weekend() -> None:
    # Friday 16:30–17:00 (30) + Monday 08:00–08:45 (45)
    assert business_minutes(at("2026-11-20 16:30"), at("2026-11-23 08:45"), CALENDAR) == 75


def test_business_minutes_skip_holidays() -> None:
    # Wednesday 16:00–17:00 (60); Thanksgiving Thu+Fri and the weekend; Monday 08:00–09:00 (60)
    assert business_minutes(at("2026-11-25 16:00"), at("2026-11-30 09:00"), CALENDAR) == 120


def test_business_minutes_follow_the_wall_clock_across_the_fall_dst_change() -> None:
    # Friday 16:00–17:00 CDT (60); DST ends Sunday 2026-11-01; Monday 08:00–09:00 CST (60)
    assert business_minutes(at("2026-10-30 16:00"), at("2026-11-02 09:00"), CALENDAR) == 120


def test_24x7_clock_counts_real_minutes_across_the_fall_dst_change() -> None:
    # 00:30 CDT → 03:30 CST is three hours on the wall clock but four real hours.
    opened = datetime(2026, 11, 1, 0, 30, tzinfo=CHICAGO)
    resolved = datetime(2026, 11, 1, 3, 30, tzinfo=CHICAGO)
    assert clock_minutes(opened, resolved, "24x7", CALENDAR) == 240


def test_24x7_clock_counts_real_minutes_across_the_spring_dst_change() -> None:
    # 01:30 CST → 03:30 CDT on 2026-03-08 is one real hour.
    assert clock_minutes(at("2026-03-08 01:30"), at("2026-03-08 03:30"), "24x7", CALENDAR) == 60


def test_24x7_clock_runs_on_weekends_and_business_clock_does_not() -> None:
    saturday_start, saturday_end = at("2026-11-21 10:00"), at("2026-11-21 13:00")
    assert clock_minutes(saturday_start, saturday_end, "24x7", CALENDAR) == 180
    assert clock_minutes(saturday_start, saturday_end, "business", CALENDAR) == 0


def test_times_given_in_other_offsets_are_compared_as_instants() -> None:
    utc_opened = datetime.fromisoformat("2026-11-23T14:00:00+00:00")  # 08:00 CST
    assert business_minutes(utc_opened, at("2026-11-23 09:30"), CALENDAR) == 90


def test_end_of_business_day_is_the_day_the_clock_starts() -> None:
    assert end_of_business_day(at("2026-11-25 10:00"), CALENDAR) == at("2026-11-25 17:00")
    assert end_of_business_day(at("2026-11-24 06:00"), CALENDAR) == at("2026-11-24 17:00")
    assert end_of_business_day(at("2026-11-23 18:30"), CALENDAR) == at("2026-11-24 17:00")
    # After hours before Thanksgiving: Thu/Fri holidays, weekend, so Monday.
    assert end_of_business_day(at("2026-11-25 18:00"), CALENDAR) == at("2026-11-30 17:00")


def test_business_days_are_business_day_lengths_on_the_business_clock() -> None:
    one_day = Duration.parse("1bd")
    # Wednesday 15:00: 120 minutes that day, Thanksgiving, weekend, then 420 on Monday.
    assert deadline(at("2026-11-25 15:00"), one_day, "business", CALENDAR) == at(
        "2026-11-30 15:00")
    assert budget_minutes(Duration.parse("3bd"), at("2026-11-25 15:00"), "business",
                          CALENDAR) == 3 * 540


def test_minutes_and_hours_on_each_clock() -> None:
    four_hours = Duration.parse("4h")
    assert deadline(at("2026-11-21 22:00"), four_hours, "24x7", CALENDAR) == at(
        "2026-11-22 02:00")
    # Friday 16:00 + 4 business hours: 60 on Friday, 180 on Monday.
    assert deadline(at("2026-11-20 16:00"), four_hours, "business", CALENDAR) == at(
        "2026-11-23 11:00")


def test_24x7_deadline_across_dst_is_real_time() -> None:
    opened = datetime(2026, 11, 1, 0, 30, tzinfo=CHICAGO)  # CDT
    due = deadline(opened, Duration.parse("4h"), "24x7", CALENDAR)
    assert due == datetime.fromisoformat("2026-11-01T03:30:00-06:00")


def test_eod_budget_is_what_the_clock_runs_until_that_end() -> None:
    eod = Duration.parse("eod")
    assert budget_minutes(eod, at("2026-11-25 10:00"), "business", CALENDAR) == 420
    assert budget_minutes(eod, at("2026-11-25 18:00"), "business", CALENDAR) == 540
    assert deadline(at("2026-11-25 18:00"), eod, "business", CALENDAR) == at("2026-11-30 17:00")


@pytest.mark.parametrize("start", ["2026-11-23 08:00", "2026-11-21 12:00", "2026-11-20 17:00"])
def test_a_full_business_day_ends_at_closing_time_not_the_next_opening(start: str) -> None:
    assert add_business_minutes(at(start), 540, CALENDAR).time() == time(17)


def test_nothing_runs_backwards() -> None:
    assert business_minutes(at("2026-11-23 10:00"), at("2026-11-23 09:00"), CALENDAR) == 0
    assert clock_minutes(at("2026-11-23 10:00"), at("2026-11-23 09:00"), "24x7", CALENDAR) == 0


def naive_business_minutes(start: datetime, end: datetime) -> float:
    """Minute by minute, for a few days: the definition, slowly."""
    total = 0
    moment = start.astimezone(UTC).replace(second=0, microsecond=0)
    while moment < end:
        local = moment.astimezone(CHICAGO)
        if (local.weekday() < 5 and local.date() not in CALENDAR.holidays
                and time(8) <= local.time() < time(17)):
            total += 1
        moment += timedelta(minutes=1)
    return total


@settings(max_examples=60, deadline=None)
@given(st.datetimes(datetime(2026, 10, 20), datetime(2026, 12, 5)),
       st.integers(0, 6 * 24 * 60))
def test_business_minutes_agree_with_counting_minute_by_minute(start: datetime,
                                                               minutes: int) -> None:
    opened = start.replace(second=0, microsecond=0, tzinfo=CHICAGO)
    later = (opened.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(CHICAGO)
    calendar = BusinessCalendar(CHICAGO, frozenset(range(5)), time(8), time(17),
                                CALENDAR.holidays)
    assert business_minutes(opened, later, calendar) == naive_business_minutes(opened, later)


def test_running_totals_also_serve_earlier_days() -> None:
    calendar = BusinessCalendar(CHICAGO, frozenset(range(5)), time(8), time(17))
    assert business_minutes(at("2026-11-23 08:00"), at("2026-11-30 08:00"), calendar) == 5 * 540
    assert business_minutes(at("2024-11-25 08:00"), at("2024-12-02 08:00"), calendar) == 5 * 540


def test_a_span_reaching_back_before_the_running_totals_counts_every_day() -> None:
    # The totals start a year before the first day asked about. A span from before that to
    # a later day once took its two ends from two different starts: a ticket open for more
    # than a year, or opened long before the last one a run had counted, got a few hours.
    two_years = (at("2024-11-25 08:00"), at("2026-11-30 08:00"))  # 105 weeks, no holidays
    fresh = BusinessCalendar(CHICAGO, frozenset(range(5)), time(8), time(17))
    assert business_minutes(*two_years, fresh) == 105 * 5 * 540
    used = BusinessCalendar(CHICAGO, frozenset(range(5)), time(8), time(17))
    assert business_minutes(at("2026-11-23 08:00"), at("2026-11-24 08:00"), used) == 540
    assert business_minutes(*two_years, used) == 105 * 5 * 540
