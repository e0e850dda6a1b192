"""`opsvault ticket reply` and the loop back through `intake email`, against a real SMTP
server on 127.0.0.1: threading, both parts, the saved message, the survey and its rating."""

from __future__ import annotations

import email
import email.policy
import json
import re
from pathlib import Path

import pytest
from deskkit import desk, ov, printed_path, read, strict_findings
from email_samples import message
from mailkit import smtp_server
from sitekit import NOW

from opsvault.model import load_vault
from opsvault.pages import render

FIRST_ID = "<CAF-first-1234@mail.example.org>"
AT = "2026-11-24T12:00"


def settings(port: int | None) -> str:
    mail = "mail:\n  from: Lakeview IT <helpdesk@example.org>\n"
    if port is not None:
        mail += f"  smtp_host: 127.0.0.1\n  smtp_port: {port}\n  security: none\n"
    return "time_zone: America/Chicago\nholidays: [2026-11-26, 2026-11-27]\n" + mail


def opened(root: Path, subject: str = "VPN keeps dropping, I'm blocked") -> str:
    raw = message(subject=subject).replace(b"\nSubject:", f"\nMessage-ID: {FIRST_ID}\nSubject:"
                                            .encode(), 1)
    result = ov(root, "intake", "email", "-", "--at", AT, stdin=raw)
    assert result.exit_code == 0, result.output
    return Path(printed_path(result.stdout)).name[:15]


def reply(root: Path, ticket_id: str, template: str, *args: str) -> tuple[int, str, str]:
    result = ov(root, "ticket", "reply", ticket_id, template, "--no-edit", "--as", "alice",
                "--at", "2026-11-24T12:30", *args)
    return result.exit_code, result.stdout, result.stderr


def test_the_whole_loop_over_real_smtp(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        ticket_id = opened(root)
        code, out, err = reply(root, ticket_id, "acknowledge")
        assert code == 0, err
        [(to, sent)] = inbox.received
        assert to == ["priya.shah@example.org"]
        assert str(sent["Subject"]).strip() == \
            f"[{ticket_id}] We have your request: VPN keeps dropping, I'm blocked"
        assert sent["In-Reply-To"] == FIRST_ID and sent["References"] == FIRST_ID
        assert "Alice Moreno is" in sent.get_body(("plain",)).get_content()
        assert "<p>Hello Priya Shah,</p>" in sent.get_body(("html",)).get_content()
        saved = re.search(r"saved (tickets/messages/\S+\.eml)", out)
        assert saved is not None
        kept = email.message_from_bytes((root / saved.group(1)).read_bytes(),
                                        policy=email.policy.default)
        assert kept["Message-ID"] == sent["Message-ID"]
        path = next(p for p in (root / "tickets").glob(f"{ticket_id}*.md"))
        assert "· alice · Emailed the requester (acknowledge):" in path.read_text()

        # The requester answers; intake puts it on the same ticket.
        answer = message(subject=f"RE: {sent['Subject']}", text="It drops at 10:05 every day.",
                         date="Tue, 24 Nov 2026 12:40:00 -0600")
        assert ov(root, "intake", "email", "-", "--at", "2026-11-24T13:00",
                  stdin=answer).exit_code == 0
        assert "It drops at 10:05 every day." in path.read_text()

        for step in (["assign", ticket_id, "alice"], ["status", ticket_id, "open"],
                     ["resolve", ticket_id, "--resolution", "New VPN profile",
                      "--root-cause", "MTU", "--awaiting-confirmation"],
                     ["confirm", ticket_id, "--note", "Priya: fine all day"],
                     ["close", ticket_id]):
            done = ov(root, "ticket", *step, "--as", "alice", "--at", "2026-11-24T14:00")
            assert done.exit_code == 0, done.output
        code, _, err = reply(root, ticket_id, "closed-with-survey")
        assert code == 0, err
        survey = inbox.received[-1][1].get_body(("plain",)).get_content()
        links = re.findall(r"mailto:helpdesk@example\.org\?subject=(%5B[^)]+)", survey)
        assert len(links) == 5 and links[0].endswith("rating%205")

        # Clicking "5" sends "[T-…] rating 5": the ticket's satisfaction.
        rating = message(subject=f"[{ticket_id}] rating 5", text="",
                         date="Tue, 24 Nov 2026 15:00:00 -0600")
        assert ov(root, "intake", "email", "-", "--at", "2026-11-24T15:10",
                  stdin=rating).exit_code == 0
        ticket = load_vault(root).ticket(ticket_id)
        assert ticket is not None and ticket.meta["satisfaction"] == 5

        # A follow-up a week on: due, then done.
        assert ov(root, "ticket", "follow-up", ticket_id, "--on", "2026-12-01", "--note",
                  "Still stable?", "--as", "alice", "--at", "2026-11-24T16:00").exit_code == 0
        due = ov(root, "ticket", "list", "--follow-up-due", "--as-of", "2026-12-01T09:00",
                 "--format", "json")
        assert [row["id"] for row in json.loads(due.stdout)] == [ticket_id]
        assert ov(root, "ticket", "follow-up", ticket_id, "--done", "--note", "Stable",
                  "--as", "alice", "--at", "2026-12-01T10:00").exit_code == 0
        assert strict_findings(root) == []


def test_a_rating_for_an_open_ticket_is_logged_not_applied(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    ticket_id = opened(root)
    rating = message(subject=f"[{ticket_id}] rating 9", text="")
    assert ov(root, "intake", "email", "-", "--at", AT, stdin=rating).exit_code == 0
    ticket = load_vault(root).ticket(ticket_id)
    assert ticket is not None and "satisfaction" not in ticket.meta
    assert "Rating 9 received from the requester, not applied: ratings are 1–5." in \
        read(root, ticket.path)


def test_without_smtp_the_reply_is_written_to_the_outbox(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(None)})
    ticket_id = opened(root)
    code, out, _ = reply(root, ticket_id, "need-information", "-m",
                         "Which **Wi-Fi** network does the laptop show?")
    assert code == 0 and "(written to outbox/" in out
    [eml] = list((root / "outbox").glob("*.eml"))
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert parsed["In-Reply-To"] == FIRST_ID
    assert "Which **Wi-Fi** network" in parsed.get_body(("plain",)).get_content()
    assert "<strong>Wi-Fi</strong>" in parsed.get_body(("html",)).get_content()


def test_a_refused_recipient_records_nothing(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        inbox.refuse = {"priya.shah@example.org"}
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        ticket_id = opened(root)
        path = next(p for p in (root / "tickets").glob(f"{ticket_id}*.md"))
        before = path.read_text()
        code, _, err = reply(root, ticket_id, "acknowledge")
        assert code == 1 and "refused every recipient" in err and "nothing was recorded" in err
        assert path.read_text() == before
        assert not (root / "tickets" / "messages").exists()


def test_hostile_values_stay_text_in_the_html_part(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(None)})
    ticket_id = opened(root, subject="Printer [x](javascript:alert(1)) *jams* <b>")
    assert reply(root, ticket_id, "acknowledge")[0] == 0
    [eml] = list((root / "outbox").glob("*.eml"))
    html = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default).get_body(
        ("html",)).get_content()
    assert 'href="javascript' not in html
    assert "<em>" not in html and "<b>" not in html


@pytest.mark.parametrize("template, expected", [
    ("---\nsubject: Hi\n---\nHello {{ nobody.name }}\n", "'nobody' is undefined"),
    ("---\nsubject: Hi\n---\nHello {% if %}\n", "vault/templates/replies/broken.md:4:"),
])
def test_a_broken_template_is_named_with_its_line(tmp_path: Path, template: str,
                                                  expected: str) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(None),
                                    "vault/templates/replies/broken.md": template})
    ticket_id = opened(root)
    code, _, err = reply(root, ticket_id, "broken")
    assert code == 2 and expected in err


def test_workflow_commands_notify_the_requester(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        ticket_id = opened(root)

        def run(*args: str) -> str:
            done = ov(root, "ticket", *args, "--as", "alice", "--at", "2026-11-24T13:00")
            assert done.exit_code == 0, done.output
            return done.stdout

        run("assign", ticket_id, "alice")
        run("status", ticket_id, "open", "--notify")
        run("status", ticket_id, "waiting-on-user", "--notify", "-m", "Which VPN client version?")
        run("status", ticket_id, "in-progress")
        run("resolve", ticket_id, "--resolution", "New VPN profile", "--root-cause", "MTU",
            "--awaiting-confirmation", "--notify")
        run("confirm", ticket_id, "--note", "Priya: fine")
        run("close", ticket_id, "--notify")
        subjects = [str(sent["Subject"]).strip() for _, sent in inbox.received]
        assert [s.split("] ", 1)[1].split(":")[0] for s in subjects] == [
            "We have your request", "We need a little more information",
            "Fixed? Please confirm", "Closed"]
        asked = inbox.received[1][1].get_body(("plain",)).get_content()
        assert "Which VPN client version?" in asked
        confirm = inbox.received[2][1].get_body(("plain",)).get_content()
        assert "New VPN profile" in confirm

        before = sorted(p.name for p in (root / "tickets").rglob("*"))
        reopened = ov(root, "ticket", "reopen", ticket_id, "--reason", "again", "--as", "alice")
        assert reopened.exit_code == 0
        wrong = ov(root, "ticket", "status", ticket_id, "in-progress", "--notify", "--as",
                   "alice")
        assert wrong.exit_code == 2 and "no reply goes with 'in-progress'" in wrong.stderr
        assert len(inbox.received) == 4
        assert sorted(p.name for p in (root / "tickets").rglob("*")) == before


def _card(root: Path, ticket_id: str) -> str:
    staged, _ = render(load_vault(root), NOW)
    board = str(next(f.content for f in staged if f.path == "boards/index.md"))
    return next(line for line in board.splitlines() if f'"{ticket_id}"' in line)


def test_the_board_card_shows_that_the_user_replied(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    ticket_id = opened(root)
    for step in (["assign", ticket_id, "alice"], ["status", ticket_id, "open"],
                 ["resolve", ticket_id, "--resolution", "New profile",
                  "--awaiting-confirmation"]):
        assert ov(root, "ticket", *step, "--as", "alice", "--at", AT).exit_code == 0
    assert "user replied" not in _card(root, ticket_id)
    answer = message(subject=f"Re: [{ticket_id}] Fixed?", text="Still drops, sorry.",
                     date="Tue, 24 Nov 2026 12:30:00 -0600")
    assert ov(root, "intake", "email", "-", "--at", "2026-11-24T12:40",
              stdin=answer).exit_code == 0
    card = _card(root, ticket_id)
    assert "awaiting-confirmation" in card and "· user replied" in card
