"""The resolution clock stops while a ticket waits on the requester (`sla.pause_statuses`), on
real git histories with controlled dates: business hours Mon–Fri 08:00–17:00 America/Chicago,
Thanksgiving (26–27 Nov 2026) off, P1 on the 24×7 clock."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from gitkit import SETTINGS, commit, init_repo, ticket, ticket_path
from vaultkit import run_cli, write_vault

from opsvault.history import load_history
from opsvault.metrics import (
    MET,
    PAUSED,
    RESOLUTION,
    RUNNING,
    UPDATE,
    SlaClock,
    TicketFacts,
    ticket_facts,
)
from opsvault.model import load_vault
from opsvault.pages import render

AS_OF = datetime.fromisoformat("2026-12-01T12:00:00-06:00")
CLOSE = {"resolution": "Fixed it."}


def _story(ticket_id: str, priority: str, opened: str,
           steps: Sequence[tuple[str, str]], commit_lag: str = "05") -> list[tuple[str, str]]:
    """(commit date, ticket text) for each step (time, status); every change also writes its
    Log line with the time it happened, and the commit comes `commit_lag` minutes later."""
    log: list[str] = []
    versions = [(opened[:16] + f":{commit_lag}" + opened[19:],
                 ticket(ticket_id, "new", priority, opened))]
    previous = "new"
    for when, status in steps:
        stamp = when[:16].replace("T", " ")
        log.append(f"{stamp} · alice · Status {previous} → {status}")
        fields = dict(CLOSE, resolved=when) if status == "resolved" else {}
        versions.append((when[:14] + str(int(when[14:16]) + int(commit_lag)).zfill(2) + when[16:],
                         ticket(ticket_id, status, priority, opened, log=tuple(log), **fields)))
        previous = status
    return versions


STORIES = {
    # A pause of two hours inside one business day.
    "T-20261116-insd": _story("T-20261116-insd", "P3", "2026-11-16T09:00:00-06:00", [
        ("2026-11-16T09:30:00-06:00", "open"),
        ("2026-11-16T10:00:00-06:00", "waiting-on-user"),
        ("2026-11-16T12:00:00-06:00", "in-progress"),
        ("2026-11-17T09:00:00-06:00", "resolved")]),
    # Waiting from Friday afternoon over the night and the weekend to Monday morning.
    "T-20261120-wknd": _story("T-20261120-wknd", "P3", "2026-11-20T15:00:00-06:00", [
        ("2026-11-20T15:10:00-06:00", "open"),
        ("2026-11-20T16:00:00-06:00", "waiting-on-user"),
        ("2026-11-23T09:00:00-06:00", "in-progress"),
        ("2026-11-23T10:00:00-06:00", "resolved")]),
    # Waiting across the end of daylight saving time (1 Nov 2026).
    "T-20261030-dst1": _story("T-20261030-dst1", "P3", "2026-10-30T14:00:00-05:00", [
        ("2026-10-30T14:10:00-05:00", "open"),
        ("2026-10-30T15:00:00-05:00", "waiting-on-user"),
        ("2026-11-02T10:00:00-06:00", "in-progress"),
        ("2026-11-02T11:00:00-06:00", "resolved")]),
    # Waiting over Thanksgiving and the weekend after it, on a P2 (1 business day).
    "T-20261125-hldy": _story("T-20261125-hldy", "P2", "2026-11-25T14:00:00-06:00", [
        ("2026-11-25T14:10:00-06:00", "open"),
        ("2026-11-25T15:00:00-06:00", "waiting-on-user"),
        ("2026-11-30T09:00:00-06:00", "in-progress"),
        ("2026-11-30T10:00:00-06:00", "resolved")]),
    # Two pauses in a day; the commits come half an hour after the Log lines.
    "T-20261124-two2": _story("T-20261124-two2", "P3", "2026-11-24T09:00:00-06:00", [
        ("2026-11-24T09:05:00-06:00", "open"),
        ("2026-11-24T10:00:00-06:00", "waiting-on-user"),
        ("2026-11-24T11:00:00-06:00", "in-progress"),
        ("2026-11-24T13:00:00-06:00", "waiting-on-user"),
        ("2026-11-24T14:00:00-06:00", "in-progress"),
        ("2026-11-24T15:00:00-06:00", "resolved")], commit_lag="30"),
    # Still waiting at the moment of judgement.
    "T-20261130-wait": _story("T-20261130-wait", "P3", "2026-11-30T09:00:00-06:00", [
        ("2026-11-30T09:10:00-06:00", "open"),
        ("2026-11-30T10:00:00-06:00", "waiting-on-user")]),
    # A P1 on the 24×7 clock pauses on a Saturday.
    "T-20261121-p1wk": _story("T-20261121-p1wk", "P1", "2026-11-21T10:00:00-06:00", [
        ("2026-11-21T10:05:00-06:00", "open"),
        ("2026-11-21T10:30:00-06:00", "waiting-on-user"),
        ("2026-11-21T12:30:00-06:00", "in-progress"),
        ("2026-11-21T13:00:00-06:00", "resolved")]),
    # Paused, resolved, reopened two days later, resolved again.
    "T-20261116-reop": _story("T-20261116-reop", "P3", "2026-11-16T09:00:00-06:00", [
        ("2026-11-16T09:10:00-06:00", "open"),
        ("2026-11-16T10:00:00-06:00", "waiting-on-user"),
        ("2026-11-16T11:00:00-06:00", "in-progress"),
        ("2026-11-16T12:00:00-06:00", "resolved"),
        ("2026-11-18T09:00:00-06:00", "open"),
        ("2026-11-18T10:00:00-06:00", "resolved")]),
    # A P1 never resolved: past its 4h target by the moment of judgement.
    "T-20261128-late": _story("T-20261128-late", "P1", "2026-11-28T10:00:00-06:00", [
        ("2026-11-28T10:05:00-06:00", "open"), ("2026-11-28T10:30:00-06:00", "in-progress")]),
    # Running again after a pause: the due time moves by the paused time.
    "T-20261130-runn": _story("T-20261130-runn", "P3", "2026-11-30T08:00:00-06:00", [
        ("2026-11-30T08:10:00-06:00", "open"),
        ("2026-11-30T09:00:00-06:00", "waiting-on-user"),
        ("2026-11-30T11:00:00-06:00", "in-progress")]),
}


def _repo(root: Path, settings: str = SETTINGS) -> Path:
    init_repo(root, {"vault/opsvault.yml": settings})
    versions = sorted((when, ticket_id, text) for ticket_id, story in STORIES.items()
                      for when, text in story)
    for when, ticket_id, text in versions:
        commit(root, {ticket_path(ticket_id): text}, f"{ticket_id}: update", when)
    return root


def _facts(root: Path) -> dict[str, TicketFacts]:
    vault = load_vault(root)
    history = load_history(vault.root, vault.settings, use_cache=False)
    return {f.ticket_id: f for f in ticket_facts(vault, history, AS_OF)}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _repo(tmp_path_factory.mktemp("pause") / "vault")


@pytest.fixture(scope="module")
def facts(repo: Path) -> dict[str, TicketFacts]:
    return _facts(repo)


def _resolution(facts: dict[str, TicketFacts], ticket_id: str) -> SlaClock:
    clock = facts[ticket_id].clock(RESOLUTION)
    assert clock is not None
    return clock


@pytest.mark.parametrize("ticket_id, elapsed, paused", [
    ("T-20261116-insd", 540 - 120, 120),         # Mon 09–17 + Tue 08–09, less 10–12
    ("T-20261120-wknd", 240 - 120, 120),         # Fri 16–17 and Mon 08–09 paused
    ("T-20261030-dst1", 360 - 240, 240),         # Fri 15–17 CDT and Mon 08–10 CST paused
    ("T-20261125-hldy", 300 - 180, 180),         # Wed 15–17 and Mon 08–09; Thu/Fri off
    ("T-20261124-two2", 360 - 120, 120),         # 10–11 and 13–14, by the Log's times
    ("T-20261121-p1wk", 180 - 120, 120),         # every minute counts on 24×7
    ("T-20261116-reop", 240 - 60, 60),           # Mon 09–12 + Wed 09–10, less 10–11
])
def test_paused_time_is_not_counted(facts: dict[str, TicketFacts], ticket_id: str,
                                    elapsed: float, paused: float) -> None:
    clock = _resolution(facts, ticket_id)
    assert (clock.elapsed_minutes, clock.paused_minutes) == (elapsed, paused)
    assert clock.state == MET
    assert facts[ticket_id].resolution_minutes == elapsed


def test_the_pause_periods_are_the_log_times_not_the_commit_dates(
        facts: dict[str, TicketFacts]) -> None:
    clock = _resolution(facts, "T-20261124-two2")
    assert [(start.strftime("%H:%M"), end and end.strftime("%H:%M"))
            for start, end in clock.paused_periods] == [("10:00", "11:00"), ("13:00", "14:00")]


def test_a_pause_that_has_not_ended_stops_the_clock(facts: dict[str, TicketFacts]) -> None:
    clock = _resolution(facts, "T-20261130-wait")
    assert clock.state == PAUSED and clock.due is None
    assert clock.elapsed_minutes == 60  # Mon 09–10
    assert clock.paused_minutes == 420 + 240  # Mon 10–17, Tue 08–12
    assert clock.paused_periods[-1][1] is None
    assert not clock.at_risk


def test_after_a_pause_the_due_time_moves_by_the_paused_time(
        facts: dict[str, TicketFacts]) -> None:
    clock = _resolution(facts, "T-20261130-runn")
    assert clock.state == RUNNING
    assert clock.elapsed_minutes == 540 + 240 - 120
    # 3 business days from Mon 08:00 is Thu 08:00; two paused hours make it Thu 10:00.
    assert clock.due == datetime.fromisoformat("2026-12-03T10:00:00-06:00")


def test_first_response_is_never_paused(facts: dict[str, TicketFacts]) -> None:
    assert facts["T-20261116-insd"].first_response == \
        datetime.fromisoformat("2026-11-16T09:30:00-06:00")
    first = facts["T-20261130-wait"].clock("first_response")
    assert first is not None and first.paused_minutes == 0 and first.state == MET


def test_pausing_switched_off_counts_every_active_minute(tmp_path: Path) -> None:
    facts = _facts(_repo(tmp_path / "vault", SETTINGS + "sla:\n  pause_statuses: []\n"))
    clock = _resolution(facts, "T-20261116-insd")
    assert (clock.elapsed_minutes, clock.paused_minutes) == (540, 0)
    assert _resolution(facts, "T-20261130-wait").state == RUNNING


def test_an_unknown_pause_status_is_a_settings_error(tmp_path: Path) -> None:
    write_vault(tmp_path, {"vault/opsvault.yml": "time_zone: America/Chicago\n"
                                                 "sla:\n  pause_statuses: [waiting]\n"})
    result = run_cli("check", "--vault", str(tmp_path))
    assert result.exit_code == 2
    assert "vault/opsvault.yml:3: error: setting 'sla.pause_statuses': 'waiting' is not a " \
        "status (did you mean 'waiting-on-user'?) [invalid-setting]" in result.stderr


def test_sla_ticket_show_and_the_ticket_page_agree_on_every_target(repo: Path) -> None:
    """One moment, four readers: `sla --all`, `ticket show`, the board card, the page."""
    vault = load_vault(repo)
    history = load_history(vault.root, vault.settings, use_cache=False)
    staged, _ = render(vault, AS_OF, history)
    pages = {f.path: f.content for f in staged}
    as_of = AS_OF.isoformat()
    running = json.loads(run_cli("sla", "--all", "--format", "json", "--as-of", as_of,
                                 "--vault", str(repo)).stdout)
    sla_states = {clock["ticket_id"]: clock["state"].replace("-", " ")
                  for clock in running["tickets"]}
    board = str(pages["boards/index.md"])
    compared = 0
    for ticket_id in STORIES:
        shown = json.loads(run_cli("ticket", "show", ticket_id, "--format", "json", "--as-of",
                                   as_of, "--vault", str(repo)).stdout)
        page = str(next(content for path, content in pages.items()
                        if path.startswith(f"tickets/{ticket_id}")))
        for item in shown["sla"]:
            row = next(line for line in page.splitlines()
                       if line.startswith(f"| {item['name']} ("))
            assert f'ov-sla-{item["state"].replace(" ", "-")}">{item["state"]}<' in row
            assert f"| {item['time']} |" in row
            compared += 1
        pending = [item for item in shown["sla"] if item["stopped"] is None
                   and item["state"] != "unknown"]
        if pending:  # the clock `sla` and the board show for an open ticket
            assert sla_states[ticket_id] == pending[0]["state"]
            card = next(line for line in board.splitlines() if f'"{ticket_id}"' in line)
            badge = {"running": "ok"}.get(pending[0]["state"], pending[0]["state"])
            assert f'ov-sla-{badge.replace(" ", "-")}"' in card
            assert f">{badge} · {pending[0]['time']}</span>" in card
    assert compared == 2 * len(STORIES)
    assert sla_states["T-20261130-wait"] == "paused"
    # The metrics' breaches are exactly the targets every reader calls breached.
    metrics = json.loads(run_cli("metrics", "--since", "2026-10-26", "--until", "2026-12-01",
                                 "--format", "json", "--as-of", as_of,
                                 "--vault", str(repo)).stdout)
    breached = {(ticket_id, item["target"])
                for ticket_id in STORIES
                for item in json.loads(run_cli("ticket", "show", ticket_id, "--format", "json",
                                               "--as-of", as_of, "--vault", str(repo)).stdout
                                       )["sla"] if item["state"] == "breached"}
    assert {(b["ticket_id"], b["target"]) for b in metrics["breaches"]} == breached
    assert breached == {("T-20261128-late", "resolution")}


# --- the update target ------------------------------------------------------------------------

UPDATES = {
    # Last news at 10:00 Monday; by Tuesday noon 11 business hours without any.
    "T-20261130-upd1": _story("T-20261130-upd1", "P3", "2026-11-30T09:00:00-06:00", [
        ("2026-11-30T09:10:00-06:00", "open"), ("2026-11-30T10:00:00-06:00", "in-progress")]),
    # News at 09:10 and 11:00: each gap within 2h; the next is due at 13:00.
    "T-20261201-upd2": _story("T-20261201-upd2", "P3", "2026-12-01T09:00:00-06:00", [
        ("2026-12-01T09:10:00-06:00", "open"), ("2026-12-01T11:00:00-06:00", "in-progress")]),
    # Waiting on the requester: no news is owed.
    "T-20261201-upd3": _story("T-20261201-upd3", "P3", "2026-12-01T08:00:00-06:00", [
        ("2026-12-01T08:10:00-06:00", "open"), ("2026-12-01T09:00:00-06:00", "waiting-on-user")]),
    # Resolved, but the requester once went 3h 20m without news.
    "T-20261130-upd4": _story("T-20261130-upd4", "P3", "2026-11-30T09:00:00-06:00", [
        ("2026-11-30T09:10:00-06:00", "open"), ("2026-11-30T12:30:00-06:00", "in-progress"),
        ("2026-11-30T13:00:00-06:00", "resolved")]),
}
UPDATE_SETTINGS = SETTINGS + "priorities:\n  P3:\n    update: 2h\n"


def build_update_repo(root: Path) -> Path:
    """The update-target stories (news owed to the requester every 2h), committed."""
    init_repo(root, {"vault/opsvault.yml": UPDATE_SETTINGS})
    for when, ticket_id, text in sorted((when, ticket_id, text)
                                        for ticket_id, story in UPDATES.items()
                                        for when, text in story):
        commit(root, {ticket_path(ticket_id): text}, f"{ticket_id}: update", when)
    return root


@pytest.fixture(scope="module")
def update_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_update_repo(tmp_path_factory.mktemp("updates") / "vault")


def _update(facts: dict[str, TicketFacts], ticket_id: str) -> SlaClock:
    clock = facts[ticket_id].clock(UPDATE)
    assert clock is not None
    return clock


def test_the_update_target_measures_the_time_without_news(update_repo: Path) -> None:
    facts = _facts(update_repo)
    overdue = _update(facts, "T-20261130-upd1")
    assert (overdue.state, overdue.elapsed_minutes) == ("breached", 420 + 240)
    running = _update(facts, "T-20261201-upd2")
    assert (running.state, running.elapsed_minutes) == ("running", 60)
    assert running.due == datetime.fromisoformat("2026-12-01T13:00:00-06:00")
    waiting = _update(facts, "T-20261201-upd3")
    assert waiting.state == PAUSED and waiting.due is None
    done = _update(facts, "T-20261130-upd4")
    assert (done.state, done.elapsed_minutes) == ("breached", 200)


def test_without_an_update_target_there_is_no_third_clock(facts: dict[str, TicketFacts]) -> None:
    assert {len(fact.sla) for fact in facts.values()} == {2}


def test_sla_and_metrics_show_the_update_target(update_repo: Path) -> None:
    shown = json.loads(run_cli("sla", "--all", "--format", "json", "--as-of", AS_OF.isoformat(),
                               "--vault", str(update_repo)).stdout)
    by_ticket = {clock["ticket_id"]: clock for clock in shown["tickets"]}
    assert (by_ticket["T-20261130-upd1"]["target"], by_ticket["T-20261130-upd1"]["state"]) == \
        ("update", "breached")
    metrics = json.loads(run_cli("metrics", "--since", "2026-11-30", "--until", "2026-12-01",
                                 "--format", "json", "--as-of", AS_OF.isoformat(),
                                 "--vault", str(update_repo)).stdout)
    assert metrics["summary"]["sla_update"] == {"met": 0, "breached": 2, "running": 2,
                                                "unknown": 0, "compliance": 0.0}
    p3 = next(row for row in metrics["sla_by_priority"] if row["priority"] == "P3")
    assert p3["update"]["breached"] == 2
