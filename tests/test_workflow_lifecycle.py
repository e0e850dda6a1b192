"""The ticket lifecycle from the command line, on a real vault in a real git repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from deskkit import (
    PRINTER,
    PRINTER_PATH,
    VPN,
    VPN_PATH,
    desk,
    ov,
    printed_path,
    read,
    strict_findings,
)
from email_samples import message
from vaultkit import TICKET

from opsvault.cli import main
from opsvault.model import load_vault

AT = "2026-11-24T10:00"  # vault time zone: America/Chicago


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk")


def added_lines(before: str, after: str) -> list[str]:
    old = before.splitlines()
    return [line for line in after.splitlines() if line not in old]


# --- new --------------------------------------------------------------------------------------

def test_new_ticket_from_flags_is_a_valid_ticket_named_after_its_id(root: Path) -> None:
    result = ov(root, "ticket", "new", "Label printer prints blank labels", "-p", "medium",
                "-c", "printer", "--requester", "Ana Ruiz", "--email", "ana@example.org",
                "--channel", "phone", "--tag", "labels", "--opened", "2026-11-24T09:30",
                "-d", "Every label comes out blank since the ribbon change.",
                "--as", "bob", "--at", AT)
    assert result.exit_code == 0, result.output
    path = printed_path(result.output)
    assert re.fullmatch(r"tickets/T-20261124-[0-9a-z]{4}-label-printer-prints-blank-labels\.md",
                        path)
    ticket = load_vault(root).ticket(Path(path).name[:15])
    assert ticket is not None
    assert (ticket.status, ticket.priority, ticket.category, ticket.channel) == \
        ("new", "P3", "printing", "phone")
    assert ticket.opened.isoformat() == "2026-11-24T09:30:00-06:00"
    assert ticket.meta["requester"] == {"name": "Ana Ruiz", "email": "ana@example.org"}
    assert ticket.tags == ("labels",)
    assert strict_findings(root) == []


def test_new_ticket_keeps_the_template_comments_and_description(root: Path) -> None:
    template = ("---\nid: T-x  # set by opsvault\ntitle: \"{{title}}\"\nstatus: new\n"
                "priority: P3\ncategory: request\nopened: \"{{date}}T{{time}}\"\n---\n"
                "# {{title}}\n\nDescribe it.\n\n## Log\n")
    (root / "vault/templates").mkdir()
    (root / "vault/templates/ticket.md").write_text(template)
    result = ov(root, "ticket", "new", "Scanner offline", "-p", "P4", "-c", "printing",
                "-d", "The scanner shows error E42.", "--as", "bob", "--at", AT)
    assert result.exit_code == 0, result.output
    text = read(root, printed_path(result.output))
    assert re.search(r"^id: T-20261124-[0-9a-z]{4}  # set by opsvault$", text, re.MULTILINE)
    assert text.endswith("---\nThe scanner shows error E42.\n\n## Log\n")
    assert strict_findings(root) == []


def test_new_ticket_prompts_for_what_is_missing_on_a_terminal(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("opsvault.cli.ticket.stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(main, ["ticket", "new", "--vault", str(root), "--as", "bob",
                                       "--at", AT],
                                input="Mouse broken\nlow\nhardware\nAna Ruiz\n\n\nDead\n")
    assert result.exit_code == 0, result.output
    assert "Title:" in result.output
    assert "Priority (P1 (critical), P2 (high), P3 (medium), P4 (low)) [P3]:" in result.output
    assert "Channel (email, phone," in result.output
    ticket = load_vault(root).ticket(Path(printed_path(result.output)).name[:15])
    assert ticket is not None
    assert (ticket.priority, ticket.category, ticket.channel) == ("P4", "hardware", "phone")
    assert ticket.meta["requester"] == {"name": "Ana Ruiz"}
    assert ticket.description == "Dead"


def test_each_prompt_asks_again_until_the_answer_fits(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("opsvault.cli.ticket.stdin_is_terminal", lambda: True)
    answers = ["Mouse broken", "P9", "low", "netwrk", "hardware", "Ana Ruiz", "ana at home",
               "ana@example.org", "fax", "walk-in", "", "Dead"]
    result = CliRunner().invoke(main, ["ticket", "new", "--vault", str(root), "--as", "bob",
                                       "--at", AT], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'P9' is not a priority; use one of: P1 (critical)" in result.output
    assert "'netwrk' is not a category; use one of: access" in result.output
    assert "'ana at home' is not an email address" in result.output
    assert "'fax' is not a channel" in result.output
    ticket = load_vault(root).ticket(Path(printed_path(result.output)).name[:15])
    assert ticket is not None
    assert ticket.meta["requester"] == {"name": "Ana Ruiz", "email": "ana@example.org"}
    assert (ticket.priority, ticket.category, ticket.channel) == ("P4", "hardware", "walk-in")
    assert strict_findings(root) == []


def test_the_template_placeholder_is_not_a_description(root: Path) -> None:
    placeholder = ("Describe the problem in the requester's words: what happens, since when, "
                   "what they tried.")
    result = ov(root, "ticket", "new", "X", "-p", "P3", "-c", "network", "-d", placeholder,
                "--as", "bob")
    assert result.exit_code == 1
    assert "the description is the template's placeholder text" in result.stderr


def test_new_ticket_without_a_terminal_names_the_missing_options(root: Path) -> None:
    result = ov(root, "ticket", "new", "--priority", "P2", "--as", "bob")
    assert result.exit_code == 2
    assert "missing TITLE, --category, --description" in result.stderr
    assert not list((root / "tickets").glob("T-2026112[5-9]*"))


def test_new_ticket_with_an_unknown_priority_is_a_usage_error(root: Path) -> None:
    result = ov(root, "ticket", "new", "X", "-p", "urgent", "-c", "network", "-d", "Down",
                "--as", "bob")
    assert result.exit_code == 2
    assert "'urgent' is not a priority; use one of: P1 (critical)" in result.stderr


# --- status, log, escalate --------------------------------------------------------------------

def test_status_change_touches_only_the_status_line_and_the_log(root: Path) -> None:
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "status", VPN, "waiting-on-user", "--note", "Asked for the log",
                "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{VPN}: status in-progress → waiting-on-user")
    after = read(root, VPN_PATH)
    assert after == before.replace("status: in-progress", "status: waiting-on-user") + \
        "- 2026-11-24 10:00 · alice · Status in-progress → waiting-on-user: Asked for the log\n"
    assert strict_findings(root) == []


def test_an_illegal_transition_is_refused_with_the_allowed_next_states(root: Path) -> None:
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "status", VPN, "new", "--as", "alice", "--at", AT)
    assert result.exit_code == 1
    assert f"{VPN} cannot go from 'in-progress' to 'new'; allowed next: waiting-on-user, " \
        "escalated, awaiting-confirmation, resolved" in result.stderr
    assert read(root, VPN_PATH) == before


def test_an_unknown_status_is_a_usage_error_with_a_suggestion(root: Path) -> None:
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "status", VPN, "in-progres", "--as", "alice", "--at", AT)
    assert result.exit_code == 2
    assert "did you mean 'in-progress'" in result.stderr
    assert ov(root, "ticket", "status", VPN, "bogus", "--as", "alice").exit_code == 2
    assert read(root, VPN_PATH) == before


def test_an_unknown_ticket_id_is_refused(root: Path) -> None:
    result = ov(root, "ticket", "log", "T-20261118-q7mx", "hello", "--as", "alice")
    assert result.exit_code == 1
    assert "no ticket 'T-20261118-q7mx' in the vault (did you mean 'T-20261118-q7mz'?)" \
        in result.stderr


def test_a_ticket_is_found_by_the_end_of_its_id_or_its_path(root: Path) -> None:
    assert ov(root, "ticket", "log", "q7mz", "one", "--as", "alice", "--at", AT).exit_code == 0
    assert ov(root, "ticket", "log", VPN_PATH, "two", "--as", "alice", "--at", AT).exit_code == 0
    assert [e.text for e in load_vault(root).ticket(VPN).log][-2:] == ["one", "two"]


def test_log_lines_are_in_the_vault_time_zone(root: Path) -> None:
    result = ov(root, "ticket", "log", VPN, "Lowered", "the", "MTU", "--as", "alice", "--at",
                "2026-11-24T16:05:00+00:00")
    assert result.exit_code == 0
    assert read(root, VPN_PATH).endswith("- 2026-11-24 10:05 · alice · Lowered the MTU\n")


def test_the_requester_may_sign_a_log_line_but_strangers_may_not(root: Path) -> None:
    assert ov(root, "ticket", "log", VPN, "Still drops", "--as", "requester",
              "--at", AT).exit_code == 0
    result = ov(root, "ticket", "log", VPN, "hi", "--as", "mallory", "--at", AT)
    assert result.exit_code == 2
    assert "'mallory' is not a handle in vault/team.yml" in result.stderr


def test_the_actor_defaults_to_the_team_member_with_gits_user_email(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", email="Alice@Example.org")
    assert ov(root, "ticket", "log", VPN, "From git", "--at", AT).exit_code == 0
    assert load_vault(root).ticket(VPN).log[-1].author == "alice"


def test_an_unknown_git_identity_without_as_is_a_usage_error(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", email="stranger@example.net")
    result = ov(root, "ticket", "log", VPN, "hi", "--at", AT)
    assert result.exit_code == 2
    assert "pass --as HANDLE" in result.stderr


def test_an_action_dated_before_the_ticket_opened_is_refused(root: Path) -> None:
    result = ov(root, "ticket", "log", VPN, "early", "--as", "alice", "--at", "2026-11-17T09:00")
    assert result.exit_code == 1
    assert "before T-20261118-q7mz was opened" in result.stderr


def test_escalate_sets_status_target_and_logs_the_reason(root: Path) -> None:
    result = ov(root, "ticket", "escalate", VPN, "--to", "Fortinet support", "--reason",
                "Tunnel drops on the latest firmware", "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    ticket = load_vault(root).ticket(VPN)
    assert (ticket.status, ticket.meta["escalated_to"]) == ("escalated", "Fortinet support")
    assert ticket.log[-1].text == \
        "Escalated to Fortinet support: Tunnel drops on the latest firmware"
    assert strict_findings(root) == []


def test_status_escalated_without_a_target_points_to_escalate(root: Path) -> None:
    result = ov(root, "ticket", "status", VPN, "escalated", "--as", "alice", "--at", AT)
    assert result.exit_code == 1
    assert "opsvault ticket escalate" in result.stderr


def test_assign_to_a_handle_not_on_the_team_is_a_usage_error(root: Path) -> None:
    result = ov(root, "ticket", "assign", VPN, "bobb", "--as", "alice", "--at", AT)
    assert result.exit_code == 2
    assert "'bobb' is not in vault/team.yml (did you mean 'bob'?)" in result.stderr


# --- resolve, confirm, close, reopen ----------------------------------------------------------

def test_resolve_confirm_and_close_give_a_clean_closed_ticket(root: Path) -> None:
    steps = [
        ("resolve", VPN, "--resolution", "Lowered the tunnel MTU to 1400", "--root-cause",
         "MTU mismatch after an ISP change", "--awaiting-confirmation", "--at",
         "2026-11-24T10:00"),
        ("confirm", VPN, "--note", "Priya: no drops all day", "--at", "2026-11-24T17:00"),
        ("close", VPN, "--at", "2026-11-25T09:00"),
    ]
    for command, *args in steps:
        result = ov(root, "ticket", command, *args, "--as", "alice")
        assert result.exit_code == 0, result.output
    ticket = load_vault(root).ticket(VPN)
    assert ticket.status == "closed"
    assert ticket.meta["user_confirmed"].isoformat() == "2026-11-24T17:00:00-06:00"
    assert ticket.meta["resolved"].isoformat() == "2026-11-24T17:00:00-06:00"
    assert ticket.meta["closed"].isoformat() == "2026-11-25T09:00:00-06:00"
    assert [e.text for e in ticket.log[-3:]] == [
        "Fix applied; asked the user to confirm: Lowered the tunnel MTU to 1400",
        "User confirmed the fix: Priya: no drops all day", "Closed."]
    assert strict_findings(root) == []


def test_closing_with_missing_fields_is_refused_and_lists_them(root: Path) -> None:
    assert ov(root, "ticket", "resolve", VPN, "--resolution", "New profile", "--as", "alice",
              "--at", AT).exit_code == 0
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "close", VPN, "--as", "alice", "--at", AT)
    assert result.exit_code == 1
    assert f"{VPN} cannot be closed yet; it needs: root_cause; user_confirmed (or " \
        "confirmation: not-required|unreachable)" in result.stderr
    assert "--root-cause TEXT" in result.stderr and "--resolution TEXT" not in result.stderr
    assert read(root, VPN_PATH) == before


def test_close_accepts_the_missing_fields_inline(root: Path) -> None:
    assert ov(root, "ticket", "resolve", VPN, "--resolution", "New profile", "--as", "alice",
              "--at", AT).exit_code == 0
    result = ov(root, "ticket", "close", VPN, "--root-cause", "unknown", "--confirmation",
                "unreachable", "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    ticket = load_vault(root).ticket(VPN)
    assert (ticket.status, ticket.meta["root_cause"], ticket.meta["confirmation"]) == \
        ("closed", "unknown", "unreachable")
    assert strict_findings(root) == []


def test_closing_an_active_ticket_is_an_illegal_transition(root: Path) -> None:
    result = ov(root, "ticket", "close", VPN, "--as", "alice", "--at", AT)
    assert result.exit_code == 1
    assert "cannot go from 'in-progress' to 'closed'" in result.stderr


def test_reopen_removes_closure_times_and_logs_the_reason(root: Path) -> None:
    before = read(root, PRINTER_PATH)
    result = ov(root, "ticket", "reopen", PRINTER, "--reason", "Jams again on tray 2",
                "--as", "bob", "--at", AT)
    assert result.exit_code == 0, result.output
    after = read(root, PRINTER_PATH)
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert removed == ["status: closed", "user_confirmed: 2026-11-11T09:00:00-06:00",
                       "resolved: 2026-11-10T15:00:00-06:00", "closed: 2026-11-11T09:30:00-06:00"]
    assert added_lines(before, after) == [
        "status: open", "- 2026-11-24 10:00 · bob · Reopened: Jams again on tray 2"]
    assert strict_findings(root) == []


def test_reopening_an_active_ticket_is_refused(root: Path) -> None:
    result = ov(root, "ticket", "reopen", VPN, "--reason", "x", "--as", "alice", "--at", AT)
    assert result.exit_code == 1
    assert "nothing to reopen" in result.stderr


def test_status_back_to_open_from_closed_is_a_reopen_and_needs_a_reason(root: Path) -> None:
    assert ov(root, "ticket", "status", PRINTER, "open", "--as", "bob",
              "--at", AT).exit_code == 1
    result = ov(root, "ticket", "status", PRINTER, "open", "--note", "Back", "--as", "bob",
                "--at", AT)
    assert result.exit_code == 0
    assert load_vault(root).ticket(PRINTER).log[-1].text == "Reopened: Back"


# --- list and board ---------------------------------------------------------------------------

def _new(root: Path, title: str, priority: str, category: str, opened: str) -> str:
    result = ov(root, "ticket", "new", title, "-p", priority, "-c", category, "--opened", opened,
                "-d", f"{title}, reported by phone.", "--as", "bob", "--at", opened)
    assert result.exit_code == 0, result.output
    return Path(printed_path(result.output)).name[:15]


def test_list_filters_by_status_priority_category_assignee_and_age(root: Path) -> None:
    outage = _new(root, "Clinic internet down", "critical", "network", "2026-11-25T07:00")
    mouse = _new(root, "Mouse double-clicks", "P4", "hardware", "2026-11-20T08:00")

    def ids(*args: str) -> list[str]:
        result = ov(root, "ticket", "list", "--format", "json", "--as-of", "2026-11-25T08:00",
                    *args)
        assert result.exit_code == 0, result.output
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids() == [outage, VPN, mouse]  # active only, most urgent first
    assert ids("--all") == [outage, VPN, PRINTER, mouse]  # P4s: the older first
    assert ids("--status", "closed") == [PRINTER]
    assert ids("--priority", "high", "--priority", "P1") == [outage, VPN]
    assert ids("--category", "devices") == [mouse]
    assert ids("--assignee", "none") == [outage, mouse]
    assert ids("--assignee", "alice") == [VPN]
    assert ids("--older-than", "3d") == [VPN, mouse]
    row = json.loads(ov(root, "ticket", "list", "--format", "json", "--as-of",
                        "2026-11-25T08:00", "--priority", "P1").stdout)[0]
    assert row == {"id": outage, "title": "Clinic internet down", "status": "new",
                   "priority": "P1", "category": "network", "assignee": None,
                   "opened": "2026-11-25T07:00:00-06:00", "age": "1h", "age_hours": 1.0,
                   "path": row["path"], "needs_fixing": [], "follow_up": None}


def test_list_table_has_a_header_and_a_row_per_ticket(root: Path) -> None:
    result = ov(root, "ticket", "list", "--as-of", "2026-11-25T08:00")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "PRI", "STATUS", "CATEGORY", "ASSIGNEE", "AGE", "TITLE"]
    assert lines[1].split()[:6] == [VPN, "P2", "in-progress", "network", "alice", "6d"]


def test_list_with_bad_filters_is_a_usage_error(root: Path) -> None:
    assert ov(root, "ticket", "list", "--status", "opne").exit_code == 2
    assert ov(root, "ticket", "list", "--older-than", "soon").exit_code == 2


def test_board_has_a_column_per_active_status_and_fits_the_width(root: Path) -> None:
    _new(root, "Clinic internet down", "P1", "network", "2026-11-25T07:00")
    result = ov(root, "ticket", "board", "--width", "80", "--as-of", "2026-11-25T08:00")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    headers = " ".join(line for line in lines if "(" in line and "│" in line)
    for status in ("NEW (1)", "OPEN (0)", "IN-PROGRESS (1)", "WAITING-ON-USER (0)",
                   "ESCALATED (0)", "AWAITING-CONFIRM"):
        assert status in headers
    assert "RESOLVED" not in result.stdout and "CLOSED" not in result.stdout
    assert VPN in result.stdout and "@alice · 6d" in result.stdout


def test_a_contact_log_line_is_marked_so(root: Path) -> None:
    result = ov(root, "ticket", "log", VPN, "--contact", "Called Priya; asked for the log",
                "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    assert read(root, VPN_PATH).endswith(
        "- 2026-11-24 10:00 · alice · Contact: Called Priya; asked for the log\n")


# --- priority and category -------------------------------------------------------------------

def test_priority_change_logs_the_reason_and_touches_only_its_key(root: Path) -> None:
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "priority", VPN, "critical", "--reason", "Whole clinic is out",
                "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    assert read(root, VPN_PATH) == before.replace("priority: P2", "priority: P1") + \
        "- 2026-11-24 10:00 · alice · Priority P2 → P1: Whole clinic is out\n"
    assert strict_findings(root) == []


@pytest.mark.parametrize("args, code, message", [
    (["P9", "--reason", "x"], 2, "'P9' is not a priority"),
    (["P1", "--reason", "  "], 1, "a priority change needs a reason"),
    (["P2", "--reason", "same"], 1, f"{VPN} is already P2"),
])
def test_priority_changes_that_are_refused(root: Path, args: list[str], code: int,
                                           message: str) -> None:
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "priority", VPN, *args, "--as", "alice", "--at", AT)
    assert result.exit_code == code
    assert message in result.stderr
    assert read(root, VPN_PATH) == before


def test_setting_a_guessed_value_confirms_it_and_clears_the_mark(root: Path) -> None:
    opened = ov(root, "intake", "email", "-", "--at", AT, stdin=message())
    ticket_id = opened.stdout.split(":", 1)[0]
    path = next(p for p in (root / "tickets").glob(f"{ticket_id}*.md"))
    assert "guessed: [category, priority]" in path.read_text()
    assert ov(root, "ticket", "category", ticket_id, "network", "--as", "bob",
              "--at", AT).exit_code == 0
    text = path.read_text()
    assert "guessed: [priority]" in text and "Category network confirmed." in text
    assert ov(root, "ticket", "priority", ticket_id, "P2", "--reason", "Blocked from work",
              "--as", "bob", "--at", AT).exit_code == 0  # the guess was right
    text = path.read_text()
    assert "guessed" not in text.split("\n---", 1)[0]
    assert "Priority P2 confirmed: Blocked from work" in text
    assert ov(root, "ticket", "category", ticket_id, "netwrk", "--as", "bob").exit_code == 2
    assert strict_findings(root) == []


# --- help -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["ticket", name] for name in ("new", "assign", "status", "log", "escalate", "resolve",
                                  "confirm", "close", "reopen", "list", "board", "priority",
                                  "category")
] + [["intake", "email"], ["intake", "alert"], ["kb", "new"], ["sop", "new"]])
def test_every_command_documents_exit_codes_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output
    assert re.search(r"Examples?:\n\s+opsvault ", result.output)


def test_the_base_ticket_is_the_one_these_tests_edit() -> None:
    assert f"id: {VPN}\n" in TICKET and "status: in-progress\n" in TICKET


def test_status_resolved_without_a_resolution_is_refused_like_resolve(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    before = read(root, VPN_PATH)
    result = ov(root, "ticket", "status", VPN, "resolved", "--as", "alice",
                "--at", "2026-11-24T10:00")
    assert result.exit_code == 1
    assert "without a resolution" in result.stderr
    assert f"opsvault ticket resolve {VPN} --resolution TEXT" in result.stderr
    assert read(root, VPN_PATH) == before


def test_check_rejects_a_resolved_ticket_without_a_resolution(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {VPN_PATH: TICKET.replace(
        "status: in-progress", "status: resolved")})
    assert [(f["code"], f["line"]) for f in strict_findings(root)
            if f["code"] == "resolution-missing"] == [("resolution-missing", 4)]


@pytest.mark.parametrize("args, message", [
    (["ticket", "escalate", VPN, "--to", "alice", "--reason", "  "], "needs a reason"),
    (["ticket", "new", "Printer jams", "-p", "P3", "-c", "printing", "-d", "It jams.",
      "--opened", "2030-01-01T09:00"], "is in the future"),
    (["ticket", "list", "--assignee", "zed"], "'zed' is not in vault/team.yml"),
    (["ticket", "board", "--assignee", "alicee"], "did you mean 'alice'"),
])
def test_quiet_mistakes_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    root = desk(tmp_path / "desk")
    result = ov(root, *args, "--as", "alice") if args[1] in ("escalate", "new") else \
        ov(root, *args)
    assert result.exit_code in (1, 2), result.output
    assert message in result.stderr
    assert read(root, VPN_PATH) == TICKET


def test_a_short_id_end_naming_several_tickets_lists_them(tmp_path: Path) -> None:
    other = TICKET.replace("T-20261118-q7mz", "T-20261119-x7mz")
    root = desk(tmp_path / "desk", {"tickets/T-20261119-x7mz.md": other})
    result = ov(root, "ticket", "show", "mz")
    assert result.exit_code == 1
    assert "matches several tickets: T-20261118-q7mz, T-20261119-x7mz" in result.stderr


def test_sop_new_takes_the_acting_technician_as_owner(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    result = ov(root, "sop", "new", "Printer Toner Swap", "--as", "bob")
    assert result.exit_code == 0, result.output
    assert "owner: bob" in read(root, printed_path(result.stdout))
    assert strict_findings(root) == []


def test_check_requires_an_sop_owner(tmp_path: Path) -> None:
    from vaultkit import SOP
    root = desk(tmp_path / "desk", {"sops/SOP-001-password-reset.md":
                                    SOP.replace("owner: alice\n", "")})
    assert [f["code"] for f in strict_findings(root) if f["code"] == "sop-no-owner"] == [
        "sop-no-owner"]


def test_a_hand_typed_status_is_listed_and_reported(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {VPN_PATH: TICKET.replace("status: in-progress",
                                                             "status: In Progress")})
    listed = ov(root, "ticket", "list", "--format", "json")
    assert [(row["id"], row["status"]) for row in json.loads(listed.stdout)] == [
        (VPN, "in-progress")]
    board = ov(root, "ticket", "board", "--width", "200")
    assert VPN in board.stdout
    assert [(f["code"], f["line"]) for f in strict_findings(root)
            if f["path"] == VPN_PATH] == [("invalid-value", 4)]


def test_the_board_as_json_gives_each_active_status_with_its_tickets(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    result = ov(root, "ticket", "board", "--format", "json", "--as-of", "2026-11-25T14:00")
    assert result.exit_code == 0, result.output
    columns = json.loads(result.stdout)
    assert [c["status"] for c in columns][:3] == ["new", "open", "in-progress"]
    assert {c["status"]: [t["id"] for t in c["tickets"]] for c in columns}["in-progress"] == [
        VPN]
    assert all(c["status"] not in ("resolved", "closed") for c in columns)


# --- follow-ups -----------------------------------------------------------------------------------

def test_a_follow_up_is_planned_listed_when_due_done_and_counted(root: Path) -> None:
    early = ov(root, "ticket", "follow-up", VPN, "--on", "2026-12-08", "--note", "x",
               "--as", "alice", "--at", AT)
    assert early.exit_code == 1 and "a follow-up is planned once it is resolved" in early.stderr
    planned = ov(root, "ticket", "follow-up", PRINTER, "--on", "2026-12-01",
                 "--note", "Tray 2 still fine?", "--as", "bob", "--at", AT)
    assert planned.exit_code == 0, planned.output
    assert "follow_up: 2026-12-01\n" in read(root, PRINTER_PATH)
    def due(as_of: str) -> list[str]:
        listed = ov(root, "ticket", "list", "--follow-up-due", "--format", "json",
                    "--as-of", as_of)
        return [row["id"] for row in json.loads(listed.stdout)]
    assert due("2026-11-30T09:00") == [] and due("2026-12-01T09:00") == [PRINTER]
    done = ov(root, "ticket", "follow-up", PRINTER, "--done", "--note", "No more jams",
              "--as", "bob", "--at", "2026-12-01T10:00")
    assert done.exit_code == 0, done.output
    text = read(root, PRINTER_PATH)
    assert "follow_up:" not in text and "· bob · Follow-up done: No more jams" in text
    assert due("2026-12-01T11:00") == []
    assert strict_findings(root) == []
    metrics = json.loads(ov(root, "metrics", "--month", "2026-12", "--format", "json",
                            "--as-of", "2026-12-02T09:00").stdout)
    assert metrics["summary"]["follow_ups_done"] == 1
