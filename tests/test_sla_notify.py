"""`opsvault sla --notify` against a real SMTP server on 127.0.0.1: who is told, once per
ticket and target, STARTTLS and login, and failures that record nothing as sent."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from deskkit import VPN, VPN_PATH, desk, ov, read
from mailkit import PASSWORD, USER, free_port, smtp_server

AS_OF = "2026-11-25T14:00"  # VPN (P2, in-progress, alice) is past its resolution target
SUBJECT = f"[{VPN}] SLA breached: resolution (1bd) — VPN drops every 10 minutes"


def settings(port: int | None, security: str = "none", username: str = "") -> str:
    mail = "mail:\n  from: Lakeview IT <helpdesk@example.org>\n"
    if port is not None:
        mail += (f"  smtp_host: 127.0.0.1\n  smtp_port: {port}\n  security: {security}\n"
                 f"  username: {username!r}\n")
    return ("time_zone: America/Chicago\nholidays: [2026-11-26, 2026-11-27]\n"
            "priorities:\n  P2:\n    escalate_to: bob@example.org\n" + mail)


def notify(root: Path, *args: str) -> tuple[int, str, str]:
    result = ov(root, "sla", "--notify", "--as-of", AS_OF, *args)
    return result.exit_code, result.stdout, result.stderr


def test_a_breach_is_mailed_to_the_assignee_and_the_escalation_once(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        code, out, err = notify(root)
        assert code == 1, err  # a breach stays a breach: cron and CI see it
        assert f"{VPN}: notified Alice Moreno <alice@example.org>, bob@example.org" in out
        assert len(inbox.received) == 1
        recipients, message = inbox.received[0]
        assert sorted(recipients) == ["alice@example.org", "bob@example.org"]
        assert message["Subject"] == SUBJECT
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Message-ID"].endswith("@example.org>")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "State: **breached**" in text and "<strong>breached</strong>" in html
        assert "SLA resolution breached: notified Alice Moreno <alice@example.org>, " \
               "bob@example.org" in read(root, VPN_PATH)
        again = notify(root)
        assert again[0] == 1 and len(inbox.received) == 1  # nothing new to say
        assert "notified" not in again[1]


def test_starttls_and_login_with_the_password_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tls = tmp_path / "tls"
    tls.mkdir()
    with smtp_server(tls) as (port, inbox):
        monkeypatch.setenv("SSL_CERT_FILE", str(tls / "cert.pem"))  # trust the test's CA
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port, "starttls", USER)})
        monkeypatch.setenv("OPSVAULT_SMTP_PASSWORD", "wrong")
        code, _, err = notify(root)
        assert code == 1
        assert f"did not accept the login for {USER}: 535" in err
        assert "not recorded as sent" in err and "SLA resolution" not in read(root, VPN_PATH)
        assert inbox.received == []
        monkeypatch.setenv("OPSVAULT_SMTP_PASSWORD", PASSWORD)
        code, out, err = notify(root)
        assert f"(sent via 127.0.0.1:{port})" in out, err
        assert len(inbox.received) == 1
    assert PASSWORD not in "".join(p.read_text(errors="replace")
                                   for p in root.rglob("*") if p.is_file() and ".git" not in
                                   p.parts)


def test_a_refused_recipient_or_a_server_that_is_down_records_nothing(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        inbox.refuse = {"alice@example.org", "bob@example.org"}
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        before = read(root, VPN_PATH)
        code, _, err = notify(root)
        assert code == 1
        assert f"127.0.0.1:{port} refused every recipient: alice@example.org (550 5.1.1 No " \
               "such user here)" in err
        assert read(root, VPN_PATH) == before and inbox.received == []
    down = desk(tmp_path / "down", {"vault/opsvault.yml": settings(free_port())})
    before = read(down, VPN_PATH)
    code, _, err = notify(down)
    assert code == 1 and "cannot reach the mail server 127.0.0.1:" in err
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1
    assert "Traceback" not in err
    assert read(down, VPN_PATH) == before


def test_without_smtp_the_message_is_an_eml_in_the_outbox(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(None)})
    code, out, _ = notify(root)
    assert code == 1 and "(written to outbox/" in out
    [eml] = list((root / "outbox").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == SUBJECT
    assert message["To"] == "Alice Moreno <alice@example.org>, bob@example.org"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    assert "SLA resolution breached: notified" in read(root, VPN_PATH)


def test_dry_run_says_what_it_would_send_and_changes_nothing(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        before = read(root, VPN_PATH)
        code, out, _ = notify(root, "--dry-run")
        assert f"would notify Alice Moreno <alice@example.org>, bob@example.org: {SUBJECT}" \
            in out
        assert code == 1 and inbox.received == [] and read(root, VPN_PATH) == before


def test_a_vault_without_a_sender_address_is_told_to_set_one(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    code, _, err = notify(root)
    assert code == 2 and "set mail.from in vault/opsvault.yml" in err


def test_a_report_is_mailed_with_html_and_plain_text(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port)})
        result = ov(root, "report", "weekly", "--week", "2026-W47", "--send-to",
                    "CTO <cto@example.org>", "--as-of", AS_OF)
        assert result.exit_code == 0, result.output
        assert f"weekly report 2026-W47 to CTO <cto@example.org> (sent via 127.0.0.1:{port})" \
            in result.stdout
        [(to, sent)] = inbox.received
        assert to == ["cto@example.org"]
        assert sent["Subject"] == "Weekly help desk report 2026-W47"
        assert sent["Auto-Submitted"] == "auto-generated"
        assert "| Tickets opened |" in sent.get_body(("plain",)).get_content()
        assert "<table>" in sent.get_body(("html",)).get_content()
    bad = ov(root, "report", "weekly", "--send-to", "not an address")
    assert bad.exit_code == 2 and "is not an email address" in bad.stderr


def test_an_escalation_sends_the_whole_context_to_whoever_takes_over(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {
            "vault/opsvault.yml": settings(port),
            "tickets/attachments/T-20261118-q7mz/client.log": "tunnel down\n"})
        result = ov(root, "ticket", "escalate", VPN, "--to", "netops@example.org", "--reason",
                    "Carrier fault suspected", "--notify", "--as", "alice", "--at", AS_OF)
        assert result.exit_code == 0, result.output
        [(to, sent)] = inbox.received
        assert to == ["netops@example.org"]
        assert sent["Subject"] == (f"[{VPN}] Escalated to you: Carrier fault suspected: VPN "
                                   "drops every 10 minutes")
        text = sent.get_body(("plain",)).get_content()
        assert "The VPN disconnects every ten minutes" in text
        assert "Acknowledged; asked for the client log." in text
        assert "tickets/attachments/T-20261118-q7mz/client.log" in text
        assert "Escalated to you: Carrier fault suspected: notified netops@example.org" in \
            read(root, VPN_PATH)


def test_a_new_p1_is_announced_to_its_escalation_target(tmp_path: Path) -> None:
    with smtp_server() as (port, inbox):
        root = desk(tmp_path / "desk", {"vault/opsvault.yml": settings(port).replace(
            "priorities:\n  P2:", "priorities:\n  P1:\n    escalate_to: alice\n  P2:")})
        outage = ov(root, "ticket", "new", "Clinic internet down", "-p", "P1", "-c", "network",
                    "-d", "Nobody at Elmhurst can reach anything.", "--notify", "--as", "bob")
        assert outage.exit_code == 0, outage.output
        [(to, sent)] = inbox.received
        assert to == ["alice@example.org"] and "New P1 ticket: Clinic internet down" in \
            str(sent["Subject"])
        minor = ov(root, "ticket", "new", "Mouse", "-p", "P4", "-c", "hardware", "-d", "Dead",
                   "--notify", "--as", "bob")
        assert minor.exit_code == 0 and "only the most urgent priority is announced" in \
            minor.stderr
        assert len(inbox.received) == 1
