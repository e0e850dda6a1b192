"""Kept clocks: a ticket's SLA clocks read at its last event and run on to a later moment are
the clocks read at that moment, figure for figure, whatever the ticket's story (reopens,
waits on the requester, news owed every 2h, the 24×7 or the business clock, holidays). That
is what lets the facts cache keep an open ticket's clocks and `sla` not work them out again;
`metrics` reads every ticket's clocks the same way."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from gitkit import SETTINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.business_time import BusinessCalendar
from opsvault.metrics.facts import TicketFacts, clock_states, clocks_as_of, settled_at
from opsvault.metrics.facts_cache import _encode_clocks, _kept_facts
from opsvault.schema import Settings, load_settings

CHICAGO = ZoneInfo("America/Chicago")
# P1 runs on the 24×7 clock, P3 on business hours with news owed every two hours.
KEPT_SETTINGS = SETTINGS + "priorities:\n  P3:\n    update: 2h\n"
_loaded: list[Settings] = []


def desk_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    if not _loaded:
        root = tmp_path_factory.mktemp("kept")
        (root / "vault").mkdir()
        (root / "vault" / "opsvault.yml").write_text(KEPT_SETTINGS)
        loaded, problems = load_settings(root)
        assert not problems
        _loaded.append(loaded)
    return _loaded[0]


@st.composite
def stories(draw: st.DrawFn) -> tuple[TicketFacts, tuple, tuple, datetime]:
    """A ticket's facts as `facts_basis` makes them: active periods with gaps between them
    (reopens), waits inside them, news to the requester, and a moment to read them at."""
    zone = draw(st.sampled_from([CHICAGO, timezone(timedelta(hours=-6)), UTC]))
    opened = draw(st.datetimes(datetime(2026, 10, 20), datetime(2026, 12, 10))).replace(
        second=0, microsecond=0, tzinfo=zone)
    is_open = draw(st.booleans())
    minutes = st.integers(1, 5 * 24 * 60)
    periods: list[tuple[datetime, datetime | None]] = []
    pauses: list[tuple[datetime, datetime | None]] = []
    start = opened
    for index in range(3):
        last = index == 2 or draw(st.booleans())
        end = None if last and is_open else start + timedelta(minutes=draw(minutes))
        # A wait inside the period, open when the period is and the draw says so.
        if draw(st.booleans()):
            pause_start = start + timedelta(minutes=draw(st.integers(0, 600)))
            pause_end = None if end is None and draw(st.booleans()) else \
                pause_start + timedelta(minutes=draw(st.integers(1, 900)))
            if end is None or pause_start < end:
                pauses.append((pause_start, pause_end if end is None or pause_end is None
                               else min(pause_end, end)))
        periods.append((start, end))
        if last:
            break
        start = end + timedelta(minutes=draw(minutes))  # type: ignore[operator]
    answered = draw(st.booleans())
    first_response = opened + timedelta(minutes=draw(st.integers(0, 3000))) if answered \
        else None
    contacts: tuple[datetime, ...] = ()
    if first_response is not None:
        later = sorted(first_response + timedelta(minutes=m)
                       for m in draw(st.lists(st.integers(0, 4000), max_size=4)))
        contacts = (first_response, *later)
    resolved = None if is_open else periods[-1][1]
    status = ("new" if first_response is None else "in-progress") if is_open else "resolved"
    facts = TicketFacts(
        ticket_id="T-20261101-kept", path="tickets/T-20261101-kept.md", title="Kept",
        status=status, priority=draw(st.sampled_from(["P1", "P3"])), category=None,
        assignee="alice", channel=None, location=None, tags=(), opened=opened,
        first_response=first_response, resolved=resolved, closed=None, is_open=is_open,
        open_periods=tuple(periods), backlog_periods=tuple(periods), reopens=(),
        repeat_of=None, satisfaction=None, automation=None, first_response_minutes=None,
        resolution_minutes=None, sla=())
    settled = settled_at(facts, tuple(pauses), contacts)
    # From before the ticket was opened to two years after its last event.
    as_of = settled + timedelta(minutes=draw(st.integers(-20 * 24 * 60, 730 * 24 * 60)))
    return facts, tuple(pauses), contacts, as_of


@settings(max_examples=400, deadline=None)
@given(stories())
def test_clocks_run_on_from_the_last_event_are_the_clocks_read_at_the_moment(
        tmp_path_factory: pytest.TempPathFactory,
        story: tuple[TicketFacts, tuple, tuple, datetime]) -> None:
    facts, pauses, contacts, as_of = story
    desk = desk_settings(tmp_path_factory)
    calendar = BusinessCalendar.from_settings(desk)
    read_then = tuple(state.reading(facts.ticket_id, 0) for state in clock_states(
        facts, pauses, contacts, desk, calendar, as_of))
    assert clocks_as_of(facts, pauses, contacts, desk, calendar, as_of) == read_then
    if facts.is_open:  # and as the facts cache keeps them, through its JSON
        settled = settled_at(facts, pauses, contacts)
        kept = _encode_clocks(facts, settled, clock_states(facts, pauses, contacts, desk,
                                                           BusinessCalendar.from_settings(desk),
                                                           settled))
        row = (0, 0, 0, 0, "", "", "", None, kept)
        found = _kept_facts(row, facts.path, facts.ticket_id, as_of, calendar, {})
        if as_of < settled:
            assert found is None  # a moment before the last event: read it in full
        else:
            assert found is not None and found.sla == read_then
            assert (found.title, found.status, found.priority, found.assignee) == (
                facts.title, facts.status, facts.priority, facts.assignee)


def test_a_kept_ticket_decodes_the_rest_of_its_facts_when_asked(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    from opsvault.metrics.facts import FactsBasis
    from opsvault.metrics.facts_cache import _encode

    desk = desk_settings(tmp_path_factory)
    calendar = BusinessCalendar.from_settings(desk)
    opened = datetime(2026, 11, 23, 9, 0, tzinfo=CHICAGO)
    facts = TicketFacts(
        ticket_id="T-20261123-rest", path="tickets/T-20261123-rest.md", title="Printer",
        status="in-progress", priority="P3", category="hardware", assignee="bob",
        channel="email", location="Room 4", tags=("printer",), opened=opened,
        first_response=opened + timedelta(minutes=20), resolved=None, closed=None,
        is_open=True, open_periods=((opened, None),), backlog_periods=((opened, None),),
        reopens=(), repeat_of=None, satisfaction=None, automation=None,
        first_response_minutes=20.0, resolution_minutes=None, sla=(),
        kb_links=("KB-PRN-001",))
    contacts = (opened + timedelta(minutes=20),)
    settled = settled_at(facts, (), contacts)
    kept = _encode_clocks(facts, settled, clock_states(facts, (), contacts, desk, calendar,
                                                       settled))
    as_of = datetime(2026, 11, 24, 12, 0, tzinfo=CHICAGO)
    row = (0, 0, 0, 0, "", "", _encode(FactsBasis(facts, (), contacts)), None, kept)
    found = _kept_facts(row, facts.path, facts.ticket_id, as_of, calendar, {})
    assert found is not None and "category" not in found.__dict__  # not decoded yet
    assert (found.category, found.location, found.kb_links) == (
        "hardware", "Room 4", ("KB-PRN-001",))
    full = TicketFacts(**{**facts.__dict__, "sla": clocks_as_of(
        facts, (), contacts, desk, calendar, as_of)})
    assert dataclasses.astuple(found) == dataclasses.astuple(full)
    with pytest.raises(AttributeError):
        found.no_such_fact  # noqa: B018


def test_the_stories_cover_both_clocks_and_the_update_target(tmp_path: Path) -> None:
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "opsvault.yml").write_text(KEPT_SETTINGS)
    loaded, problems = load_settings(tmp_path)
    assert not problems and loaded.priorities["P3"].update is not None
    assert loaded.priorities["P1"].clock == "24x7"
