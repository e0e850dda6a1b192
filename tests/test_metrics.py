"""Metrics against hand-computed values, on a real git history with controlled dates.

The help desk works Mon–Fri 08:00–17:00 in America/Chicago; Thanksgiving (Thu 2026-11-26 and
Fri 2026-11-27) are holidays; DST ended on Sunday 2026-11-01. SLA targets are the defaults:
P1 15m / 4h on the 24×7 clock, P2 30m / 1bd, P3 eod / 3bd, P4 2bd / 5bd on business hours.
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from gitkit import commit, git, init_repo, ticket, ticket_path
from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.history import load_history
from opsvault.metrics import (
    BREACHED,
    FIRST_RESPONSE,
    MET,
    RESOLUTION,
    RUNNING,
    UNKNOWN,
    Distribution,
    Metrics,
    TicketFacts,
    Window,
    aggregate,
    build_metrics,
    open_clocks,
    ticket_facts,
)
from opsvault.model import Vault, load_vault

WEEKEND = "T-20261120-wknd"  # P3, answered across a weekend
HOLIDAY = "T-20261125-hldy"  # P2, answered across Thanksgiving
DST = "T-20261030-dst1"  # P3, answered across the end of DST
P1_DST = "T-20261101-p1ab"  # P1 on the 24×7 clock during the repeated hour
P1_WEEKEND = "T-20261121-p1cd"  # P1 on a Saturday
RUNNING_P4 = "T-20261124-runn"  # P4, never answered
REOPENED = "T-20261116-reop"  # P3, resolved, reopened, resolved again, closed
REPEAT = "T-20261123-rept"  # P3 repeat of REOPENED, fixed by a script, rated 3

AS_OF = datetime.fromisoformat("2026-12-01T12:00:00-06:00")
CLOSING = {"resolution": "Fixed it.", "root_cause": "unknown",
           "confirmation": "not-required"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def updates() -> list[tuple[str, str, str | None, str]]:
    """(commit date, ticket id, ticket text or None for other files, message)."""
    def t(ticket_id: str, status: str, priority: str, opened: str, log: tuple[str, ...] = (),
          **fields: str) -> str:
        return ticket(ticket_id, status, priority, opened, log=log, **fields)

    dst_opened = "2026-10-30T16:00:00-05:00"
    p1_opened = "2026-11-01T00:30:00-05:00"
    p1_log = ("2026-11-01 00:40 · bob · Contact: on it, calling the clinic.",)
    p1w_opened = "2026-11-21T10:00:00-06:00"
    reop_opened = "2026-11-16T09:00:00-06:00"
    reopen_log = ("2026-11-18 09:00 · alice · Reopened: it happened again.",)
    wknd_opened = "2026-11-20T16:30:00-06:00"
    rept_opened = "2026-11-23T10:00:00-06:00"
    runn_opened = "2026-11-24T09:00:00-06:00"
    hldy_opened = "2026-11-25T16:00:00-06:00"
    hldy_log = ("2026-11-30 09:00 · alice · Contact: acknowledged; checking the mailbox.",)
    return [
        ("2026-10-30T16:05:00-05:00", DST, t(DST, "new", "P3", dst_opened), "new"),
        ("2026-11-02T15:30:00-06:00", DST,
         t(DST, "resolved", "P3", dst_opened, first_response="2026-11-02T09:00:00-06:00",
           resolved="2026-11-02T15:00:00-06:00"), "resolved"),
        ("2026-11-01T00:32:00-05:00", P1_DST, t(P1_DST, "new", "P1", p1_opened), "new"),
        ("2026-11-01T00:45:00-05:00", P1_DST,
         t(P1_DST, "in-progress", "P1", p1_opened, log=p1_log),
         "on it"),
        ("2026-11-01T03:40:00-06:00", P1_DST,
         t(P1_DST, "resolved", "P1", p1_opened, log=p1_log,
           resolved="2026-11-01T03:30:00-06:00"), "resolved"),
        ("2026-11-16T09:01:00-06:00", REOPENED, t(REOPENED, "new", "P3", reop_opened), "new"),
        ("2026-11-16T09:30:00-06:00", REOPENED, t(REOPENED, "open", "P3", reop_opened), "ack"),
        ("2026-11-17T10:00:00-06:00", REOPENED, t(REOPENED, "resolved", "P3", reop_opened),
         "resolved"),
        ("2026-11-17T11:00:00-06:00", "", None, "kb/FAQ/KB-OPS-002.md"),
        ("2026-11-18T09:05:00-06:00", REOPENED,
         t(REOPENED, "open", "P3", reop_opened, log=reopen_log), "reopen"),
        ("2026-11-18T12:00:00-06:00", REOPENED,
         t(REOPENED, "resolved", "P3", reop_opened, log=reopen_log), "resolved again"),
        ("2026-11-19T09:00:00-06:00", REOPENED,
         t(REOPENED, "closed", "P3", reop_opened, log=reopen_log, satisfaction="5",
           closed="2026-11-19T08:45:00-06:00", **CLOSING), "closed"),
        ("2026-11-20T16:31:00-06:00", WEEKEND, t(WEEKEND, "new", "P3", wknd_opened), "new"),
        ("2026-11-21T10:01:00-06:00", P1_WEEKEND, t(P1_WEEKEND, "new", "P1", p1w_opened),
         "new"),
        ("2026-11-21T10:20:00-06:00", P1_WEEKEND,
         t(P1_WEEKEND, "in-progress", "P1", p1w_opened), "working"),
        ("2026-11-21T13:00:00-06:00", P1_WEEKEND,
         t(P1_WEEKEND, "resolved", "P1", p1w_opened), "resolved"),
        ("2026-11-23T08:45:00-06:00", WEEKEND, t(WEEKEND, "open", "P3", wknd_opened), "ack"),
        ("2026-11-23T10:01:00-06:00", REPEAT,
         t(REPEAT, "new", "P3", rept_opened, repeat_of=f'"[[{REOPENED}]]"'), "new"),
        ("2026-11-23T10:10:00-06:00", REPEAT,
         t(REPEAT, "open", "P3", rept_opened, repeat_of=f'"[[{REOPENED}]]"'), "ack"),
        ("2026-11-23T10:30:00-06:00", "", None, "scripts/python/fix_printer.py"),
        ("2026-11-23T11:00:00-06:00", REPEAT,
         t(REPEAT, "resolved", "P3", rept_opened, repeat_of=f'"[[{REOPENED}]]"',
           automation="scripts/python/fix_printer.py"), "resolved"),
        ("2026-11-23T11:30:00-06:00", REPEAT,
         t(REPEAT, "closed", "P3", rept_opened, repeat_of=f'"[[{REOPENED}]]"',
           automation="scripts/python/fix_printer.py", satisfaction="3", **CLOSING), "closed"),
        ("2026-11-24T09:01:00-06:00", RUNNING_P4, t(RUNNING_P4, "new", "P4", runn_opened),
         "new"),
        ("2026-11-24T10:45:00-06:00", WEEKEND, t(WEEKEND, "resolved", "P3", wknd_opened),
         "resolved"),
        ("2026-11-24T11:00:00-06:00", "", None, "kb/FAQ/KB-OPS-001.md"),
        ("2026-11-25T10:00:00-06:00", "", None, "kb/FAQ/KB-OPS-002.md"),
        ("2026-11-25T16:01:00-06:00", HOLIDAY, t(HOLIDAY, "new", "P2", hldy_opened), "new"),
        ("2026-11-30T09:30:00-06:00", HOLIDAY,
         t(HOLIDAY, "open", "P2", hldy_opened, log=hldy_log), "ack"),
        ("2026-11-30T12:00:00-06:00", HOLIDAY,
         t(HOLIDAY, "resolved", "P2", hldy_opened, log=hldy_log,
           resolved="2026-11-30T11:00:00-06:00"), "resolved"),
    ]


def build_repo(root: Path) -> Path:
    """The help desk above, committed update by update."""
    init_repo(root)
    other_files: dict[str, int] = {}
    for date_text, ticket_id, text, message in sorted(updates(), key=lambda u: at(u[0])):
        if text is None:  # a KB entry or script, added or edited
            other_files[message] = other_files.get(message, 0) + 1
            content = f"---\nid: {Path(message).stem}\nversion: {other_files[message]}\n---\n"
            commit(root, {message: content}, f"Update {message}", date_text)
        else:
            commit(root, {ticket_path(ticket_id): text}, f"{ticket_id}: {message}", date_text)
    return root


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("metrics") / "vault")


@pytest.fixture(scope="module")
def vault(repo: Path) -> Vault:
    return load_vault(repo)


@pytest.fixture(scope="module")
def facts(vault: Vault) -> dict[str, TicketFacts]:
    history = load_history(vault.root, vault.settings, use_cache=False)
    return {f.ticket_id: f for f in ticket_facts(vault, history, AS_OF)}


@pytest.fixture(scope="module")
def week48(vault: Vault) -> Metrics:
    history = load_history(vault.root, vault.settings, use_cache=False)
    return build_metrics(vault, history, Window.iso_week("2026-W48"), AS_OF)


# --- response and resolution times on each clock ----------------------------------------------

def test_response_across_a_weekend_counts_business_minutes(facts: dict[str, TicketFacts]) -> None:
    weekend = facts[WEEKEND]
    # Friday 16:30–17:00 and Monday 08:00–08:45 (the commit that opened it).
    assert weekend.first_response == at("2026-11-23T08:45:00-06:00")
    assert weekend.first_response_minutes == 75
    # eod: the clock started Friday 16:30, so 30 minutes were allowed.
    clock = weekend.clock(FIRST_RESPONSE)
    assert clock is not None
    assert (clock.budget_minutes, clock.state) == (30, BREACHED)


def test_resolution_across_a_weekend(facts: dict[str, TicketFacts]) -> None:
    # Friday 30 + Monday 540 + Tuesday 08:00–10:45 165 = 735 of 3bd (1620).
    weekend = facts[WEEKEND]
    assert weekend.resolution_minutes == 735
    assert weekend.clock(RESOLUTION).state == MET  # type: ignore[union-attr]


def test_response_across_a_holiday_and_the_log_line_before_the_commit(
        facts: dict[str, TicketFacts]) -> None:
    holiday = facts[HOLIDAY]
    # The Log line (09:00) is earlier than the commit that moved it to open (09:30).
    assert holiday.first_response == at("2026-11-30T09:00:00-06:00")
    # Wednesday 16:00–17:00 and Monday 08:00–09:00; Thanksgiving Thu+Fri do not count.
    assert holiday.first_response_minutes == 120
    assert holiday.clock(FIRST_RESPONSE).state == BREACHED  # type: ignore[union-attr]


def test_explicit_resolved_time_wins_over_the_commit_date(facts: dict[str, TicketFacts]) -> None:
    holiday = facts[HOLIDAY]
    assert holiday.resolved == at("2026-11-30T11:00:00-06:00")  # committed at 12:00
    assert holiday.resolution_minutes == 60 + 180  # of 1bd = 540
    assert holiday.clock(RESOLUTION).state == MET  # type: ignore[union-attr]


def test_response_across_the_dst_change(facts: dict[str, TicketFacts]) -> None:
    dst = facts[DST]
    # Friday 16:00–17:00 CDT and Monday 08:00–09:00 CST: the business window moves with the
    # wall clock.
    assert dst.first_response == at("2026-11-02T09:00:00-06:00")  # explicit in the file
    assert dst.first_response_minutes == 120
    # Monday 08:00–15:00 CST after Friday's hour.
    assert dst.resolution_minutes == 60 + 420


def test_p1_runs_on_the_24x7_clock_through_the_repeated_hour(
        facts: dict[str, TicketFacts]) -> None:
    p1 = facts[P1_DST]
    assert p1.first_response_minutes == 10  # the Log line at 00:40
    # 00:30 CDT to 03:30 CST: three hours on the wall clock, four real hours, exactly 4h.
    assert p1.resolution_minutes == 240
    assert [c.state for c in p1.sla] == [MET, MET]


def test_p1_on_a_saturday_counts_every_minute(facts: dict[str, TicketFacts]) -> None:
    p1 = facts[P1_WEEKEND]
    assert (p1.first_response_minutes, p1.resolution_minutes) == (20, 180)
    assert [c.state for c in p1.sla] == [BREACHED, MET]


def test_running_clock_has_time_left_and_a_due_time(vault: Vault) -> None:
    history = load_history(vault.root, vault.settings, use_cache=False)
    as_of = at("2026-11-25T12:00:00-06:00")
    running = {f.ticket_id: f for f in ticket_facts(vault, history, as_of)}[RUNNING_P4]
    clock = running.clock(FIRST_RESPONSE)
    assert clock is not None
    # Tuesday 09:00–17:00 (480) and Wednesday 08:00–12:00 (240) of 2bd (1080).
    assert (clock.state, clock.elapsed_minutes, clock.minutes_left) == (RUNNING, 720, 360)
    # 300 more minutes on Wednesday, Thanksgiving, then 60 on Monday.
    assert clock.due == at("2026-11-30T09:00:00-06:00")
    assert not clock.at_risk  # 360 left is more than a quarter of 1080


def test_running_clock_past_its_target_is_breached(facts: dict[str, TicketFacts]) -> None:
    clock = facts[RUNNING_P4].clock(FIRST_RESPONSE)
    assert clock is not None
    # To Tue 12-01 12:00: 480 + 540 + 540 + 240 = 1800 of 1080.
    assert (clock.state, clock.minutes_left, clock.stopped) == (BREACHED, -720, None)
    assert facts[RUNNING_P4].clock(RESOLUTION).state == RUNNING  # type: ignore[union-attr]


def test_open_clocks_are_sorted_by_time_left(facts: dict[str, TicketFacts]) -> None:
    clocks = open_clocks(facts.values())
    assert [(c.ticket_id, c.target) for c in clocks] == [(RUNNING_P4, FIRST_RESPONSE)]


# --- reopens and repeats ------------------------------------------------------------------------

def test_reopened_ticket_counts_active_time_only(facts: dict[str, TicketFacts]) -> None:
    reopened = facts[REOPENED]
    assert reopened.reopens == (at("2026-11-18T09:00:00-06:00"),)  # the Log line's time
    # Mon 09:00–17:00 (480) + Tue 08:00–10:00 (120), then Wed 09:05–12:00 (175).
    assert reopened.open_periods == (
        (at("2026-11-16T09:00:00-06:00"), at("2026-11-17T10:00:00-06:00")),
        (at("2026-11-18T09:05:00-06:00"), at("2026-11-18T12:00:00-06:00")))
    assert reopened.resolution_minutes == 480 + 120 + 175
    assert reopened.closed == at("2026-11-19T08:45:00-06:00")  # explicit beats 09:00


def test_repeat_of_links_are_read(facts: dict[str, TicketFacts]) -> None:
    assert facts[REPEAT].repeat_of == REOPENED


# --- a week ---------------------------------------------------------------------------------------

def test_week_counts_opened_resolved_closed(week48: Metrics) -> None:
    summary = week48.summary
    assert (summary.opened, summary.resolved, summary.closed) == (3, 2, 1)


def test_week_first_response_median_and_p90(week48: Metrics) -> None:
    # Answered in the week: REPEAT 10 and WEEKEND 75 minutes.
    assert week48.summary.first_response == Distribution(2, 42.5, 68.5)


def test_week_resolution_median_and_p90(week48: Metrics) -> None:
    # Resolved in the week: REPEAT 60 and WEEKEND 735 minutes.
    assert week48.summary.resolution == Distribution(2, 397.5, 667.5)


def test_week_sla_of_tickets_opened_in_it(week48: Metrics) -> None:
    summary = week48.summary
    # HOLIDAY breached, RUNNING_P4 breached while still open, REPEAT met.
    assert (summary.sla_first_response.met, summary.sla_first_response.breached) == (1, 2)
    assert summary.sla_first_response.compliance == pytest.approx(1 / 3)
    # HOLIDAY and REPEAT met, RUNNING_P4 still running.
    resolution = summary.sla_resolution
    assert (resolution.met, resolution.breached, resolution.running) == (2, 0, 1)
    assert [(b.ticket_id, b.target, b.over_minutes, b.stopped is None)
            for b in week48.breaches] == [(HOLIDAY, FIRST_RESPONSE, 90, False),
                                          (RUNNING_P4, FIRST_RESPONSE, 720, True)]


def test_sla_by_priority(week48: Metrics) -> None:
    by_priority = {row.priority: row for row in week48.sla_by_priority}
    assert by_priority["P2"].first_response.breached == 1
    assert by_priority["P3"].first_response.met == 1
    assert by_priority["P4"].resolution.running == 1
    assert by_priority["P1"].first_response.met + by_priority["P1"].first_response.breached == 0


def test_week_repeat_issues(week48: Metrics, vault: Vault) -> None:
    assert (week48.summary.reopens, week48.summary.repeats) == (0, 1)
    history = load_history(vault.root, vault.settings, use_cache=False)
    week47 = build_metrics(vault, history, Window.iso_week("2026-W47"), AS_OF)
    assert (week47.summary.reopens, week47.summary.repeats) == (1, 0)
    november = build_metrics(vault, history, Window.month("2026-11"), AS_OF)
    assert (november.repeats.reopens, november.repeats.repeat_links) == (1, 1)
    assert november.repeats.top_categories == (("network", 2),)


def test_week_satisfaction_share(week48: Metrics) -> None:
    satisfaction = week48.summary.satisfaction
    assert (satisfaction.rated, satisfaction.satisfied, satisfaction.share) == (1, 0, 0.0)
    assert satisfaction.goal_met is False


def test_month_satisfaction_share(vault: Vault) -> None:
    history = load_history(vault.root, vault.settings, use_cache=False)
    november = build_metrics(vault, history, Window.month("2026-11"), AS_OF)
    # REOPENED rated 5, REPEAT rated 3.
    assert november.summary.satisfaction.share == 0.5


def test_week_automation_impact(week48: Metrics) -> None:
    automation = week48.automation
    assert (automation.resolved, automation.automated) == (2, 1)
    assert automation.by_script == (("scripts/python/fix_printer.py", 1),)
    assert automation.scripts_added_by_quarter == (("2026-Q4", 1),)


def test_week_kb_growth_from_history(week48: Metrics) -> None:
    assert (week48.kb.added, week48.kb.updated, week48.kb.source) == (1, 1, "git")


def test_backlog_per_day_and_its_age(week48: Metrics) -> None:
    days = {day.day: day for day in week48.backlog}
    # End of Monday: only WEEKEND is open (since Friday 16:30: 3 days 7.5 hours).
    assert (days[date(2026, 11, 23)].open, days[date(2026, 11, 23)].oldest_age_days) == (
        1, pytest.approx(3 + 7.5 / 24))
    # End of Tuesday: WEEKEND resolved, RUNNING_P4 open for 15 hours.
    assert days[date(2026, 11, 24)].median_age_days == pytest.approx(15 / 24)
    # End of Wednesday: RUNNING_P4 (39 h) and HOLIDAY (8 h).
    wednesday = days[date(2026, 11, 25)]
    assert (wednesday.open, wednesday.median_age_days, wednesday.oldest_age_days) == (
        2, pytest.approx((39 + 8) / 2 / 24), pytest.approx(39 / 24))
    assert week48.summary.backlog == 2


def test_turnaround_trend_against_the_previous_week(week48: Metrics) -> None:
    trend = week48.trend
    assert trend.previous.label == "2026-W47"
    # W47 resolved P1_WEEKEND (180) and REOPENED (775): median 477.5; W48 median 397.5.
    assert (trend.previous_resolution_median, trend.resolution_median) == (477.5, 397.5)
    assert trend.resolution_change == pytest.approx((397.5 - 477.5) / 477.5 * 100)
    # First responses: W47 REOPENED 30 and P1_WEEKEND 20 (median 25); W48 42.5.
    assert trend.first_response_change == pytest.approx(70.0)
    assert (trend.resolved, trend.previous_resolved, trend.resolved_change) == (2, 2, 0.0)


def test_weeks_of_a_longer_window(vault: Vault) -> None:
    history = load_history(vault.root, vault.settings, use_cache=False)
    metrics = build_metrics(vault, history, Window(date(2026, 10, 26), date(2026, 11, 29)),
                            AS_OF)
    assert [week.label for week in metrics.weeks] == [
        "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [week.opened for week in metrics.weeks] == [2, 0, 0, 3, 3]
    assert sum(week.opened for week in metrics.weeks) == metrics.summary.opened


def test_grouping_by_priority(vault: Vault) -> None:
    history = load_history(vault.root, vault.settings, use_cache=False)
    metrics = build_metrics(vault, history, Window.month("2026-11"), AS_OF, group_by="priority")
    groups = {group.label: group for group in metrics.groups}
    assert {label: group.opened for label, group in groups.items()} == {
        "P1": 2, "P2": 1, "P3": 3, "P4": 1}
    assert groups["P1"].resolution == Distribution(2, 210.0, 234.0)
    assert groups["P1"].kb_added is None


# --- without git ------------------------------------------------------------------------------

def test_plain_folder_uses_explicit_times_only(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(repo, folder, ignore=shutil.ignore_patterns(".git", ".opsvault"))
    vault = load_vault(folder)
    history = load_history(folder, vault.settings)
    assert "not in a git repository" in history.notices[0]
    facts = {f.ticket_id: f for f in ticket_facts(vault, history, AS_OF)}
    # Log lines and explicit fields still count ...
    assert facts[HOLIDAY].first_response_minutes == 120
    assert facts[HOLIDAY].resolution_minutes == 240
    assert facts[DST].first_response_minutes == 120
    # ... what only commits told is unknown, not guessed.
    assert facts[WEEKEND].first_response is None
    assert [c.state for c in facts[WEEKEND].sla] == [UNKNOWN, UNKNOWN]
    metrics = build_metrics(vault, history, Window.iso_week("2026-W48"), AS_OF)
    assert metrics.history == "files" and metrics.kb.source == "last_updated"


def test_shallow_clone_uses_the_files_times_for_what_came_before(repo: Path,
                                                                 tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    vault = load_vault(clone)
    history = load_history(clone, vault.settings)
    facts = {f.ticket_id: f for f in ticket_facts(vault, history, AS_OF)}
    assert (facts[DST].first_response_minutes, facts[DST].resolution_minutes) == (120, 480)
    # Only commits knew when WEEKEND was answered and resolved: unknown, not zero.
    assert facts[WEEKEND].resolution_minutes is None
    assert [c.state for c in facts[WEEKEND].sla] == [UNKNOWN, UNKNOWN]


def test_first_response_is_the_first_contact_not_an_internal_line(tmp_path: Path) -> None:
    """Assignment and notes are internal; a --contact line (or a reply) answers the target."""
    root = init_repo(tmp_path / "vault")
    opened = "2026-11-24T09:00:00-06:00"
    internal = ("2026-11-24 09:05 · alice · Assigned to bob.",
                "2026-11-24 09:20 · bob · Checked the switch logs.")
    contact = (*internal, "2026-11-24 10:00 · bob · Contact: called Priya, asked for the MAC.")
    commit(root, {ticket_path("T-20261124-cnt1"): ticket("T-20261124-cnt1", "new", "P3", opened,
                                                         log=internal)}, "new", opened)
    commit(root, {ticket_path("T-20261124-cnt1"): ticket("T-20261124-cnt1", "new", "P3", opened,
                                                         log=contact)}, "contact",
           "2026-11-24T10:05:00-06:00")
    vault = load_vault(root)
    history = load_history(vault.root, vault.settings, use_cache=False)
    [fact] = ticket_facts(vault, history, AS_OF)
    assert fact.first_response == datetime.fromisoformat("2026-11-24T10:00:00-06:00")


# --- the backlog's ages ------------------------------------------------------------------------

ZONES = ("America/Chicago", "Europe/Berlin", "UTC", "Asia/Kolkata")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400 * 86400), st.sampled_from(ZONES)),
                min_size=0, max_size=40))
def test_a_backlog_days_median_and_oldest_age_are_those_of_every_age_sorted(
        openings: list[tuple[int, str]]) -> None:
    """The backlog works out only the middle and the oldest ages of a day: they are what the
    median and the maximum of every active ticket's age are, ties and zones included, an age
    being the time elapsed (an opening in the vault's own zone before a DST change is no hour
    off)."""
    from opsvault.metrics.aggregate import _backlog_day

    moment = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
    opened = [(moment - timedelta(seconds=seconds, microseconds=seconds % 7))
              .astimezone(ZoneInfo(zone)) for seconds, zone in openings]
    opened_at: dict[float, datetime] = {}
    for moment_opened in opened:
        opened_at.setdefault(moment_opened.timestamp(), moment_opened.astimezone(UTC))
    day = _backlog_day(moment.date(), moment,
                       sorted((o.timestamp() for o in opened), reverse=True), opened_at)
    elapsed = [moment.timestamp() - o.timestamp() for o in opened]
    ages = sorted((moment.astimezone(UTC) - o.astimezone(UTC)).total_seconds()
                  / 86400 for o in opened)
    assert [round(age * 86400, 3) for age in ages] == sorted(round(e, 3) for e in elapsed)
    assert day.open == len(ages)
    assert day.median_age_days == (statistics.median(ages) if ages else None)
    assert day.oldest_age_days == (ages[-1] if ages else None)



def test_a_period_counts_reopens_follow_ups_and_backlog_at_its_exact_bounds(
        vault: Vault, facts: dict[str, TicketFacts]) -> None:
    # Counts compare instants as numbers; at the bounds they must agree with the date-times:
    # a window holds its first instant, not the first one after it, and a ticket is in the
    # backlog from the instant its period starts until (not at) the instant it ends.
    zone = vault.settings.time_zone
    week = Window.iso_week("2026-W48")
    start, after = week.bounds(zone)
    tick = timedelta(microseconds=1)
    base = next(iter(facts.values()))
    as_of = after + timedelta(days=1)

    def counted(**changes: object) -> aggregate.PeriodMetrics:
        return aggregate._period("w", week, [dataclasses.replace(base, **changes)], zone, as_of,
                                 None, None)

    for moment, inside in ((start - tick, False), (start, True), (start + tick, True),
                           (after - tick, True), (after, False)):
        assert week.contains(moment, zone) is inside
        assert counted(reopens=(moment,)).reopens == inside, moment
        assert counted(follow_ups_done=(moment,)).follow_ups_done == inside, moment
    # At the week's end instant: the periods starting at or running through it, not those
    # ending at it.
    for period, active in (((after - timedelta(days=2), after), False), ((after, None), True),
                           ((after - tick, after + tick), True), ((start, after - tick), False),
                           ((after + tick, None), False)):
        assert counted(backlog_periods=(period,)).backlog == active, period
