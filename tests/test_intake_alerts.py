"""`opsvault intake alert`: one ticket per Alertmanager alert group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from deskkit import desk, ov, printed_path, read, strict_findings
from vaultkit import SETTINGS

from opsvault.model import Ticket, load_vault

GROUP_KEY = '{}/{severity="critical"}:{alertname="DiskSpaceLow"}'


def payload(status: str = "firing", severity: str = "critical", **changes: Any) -> bytes:
    """A webhook payload as Alertmanager 0.27 sends it."""
    alert = {
        "status": status,
        "labels": {"alertname": "DiskSpaceLow", "instance": "fs01:9100", "severity": severity},
        "annotations": {"summary": "Disk almost full on fs01"},
        "startsAt": "2026-11-24T15:00:00.123456789Z",
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-24T18:00:00Z",
        "generatorURL": "http://prometheus:9090/graph", "fingerprint": "c0ffee",
    }
    data: dict[str, Any] = {
        "version": "4", "groupKey": GROUP_KEY, "truncatedAlerts": 0, "status": status,
        "receiver": "opsvault", "groupLabels": {"alertname": "DiskSpaceLow"},
        "commonLabels": {"alertname": "DiskSpaceLow", "severity": severity},
        "commonAnnotations": {"summary": "Disk almost full on the file server",
                              "description": "Less than 5% free on /srv/shares."},
        "externalURL": "http://alertmanager:9093", "alerts": [alert],
    }
    data.update(changes)
    return json.dumps(data).encode()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk")


def take(root: Path, data: bytes, at: str = "2026-11-24T10:00", expect: int = 0) -> str:
    result = ov(root, "intake", "alert", "-", "--at", at, stdin=data)
    assert result.exit_code == expect, result.output
    return result.output


def alert_tickets(root: Path) -> list[Ticket]:
    return [t for t in load_vault(root).tickets if t.channel == "alert"]


def test_a_firing_group_opens_one_alert_ticket(root: Path) -> None:
    output = take(root, payload())
    ticket = load_vault(root).ticket(Path(printed_path(output)).name[:15])
    assert ticket is not None
    assert ticket.title == "DiskSpaceLow: Disk almost full on the file server"
    assert (ticket.channel, ticket.priority, ticket.status) == ("alert", "P1", "new")
    assert ticket.meta["alert_group"] == GROUP_KEY
    assert ticket.opened.isoformat() == "2026-11-24T09:00:00-06:00"  # startsAt
    assert ticket.meta["guessed"] == ["category"]
    assert "Less than 5% free on /srv/shares." in ticket.body
    # Machine text is a code span: nothing in a label or annotation acts as markup.
    assert "- firing: `alertname=DiskSpaceLow, instance=fs01:9100, severity=critical`" \
        " — `Disk almost full on fs01`" in ticket.body
    assert "source: <http://prometheus:9090/graph>" in ticket.body
    assert "Alertmanager: <http://alertmanager:9093>" in ticket.body
    assert ticket.log[0].text.startswith("Opened from an Alertmanager alert; severity critical "
                                         "→ P1")
    assert strict_findings(root) == []


@pytest.mark.parametrize("severity, priority", [
    ("critical", "P1"), ("error", "P2"), ("high", "P2"), ("warning", "P3"), ("info", "P4")])
def test_priority_comes_from_the_severity_mapping(root: Path, severity: str,
                                                  priority: str) -> None:
    take(root, payload(severity=severity))
    assert [t.priority for t in alert_tickets(root)] == [priority]


def test_an_unknown_severity_gets_the_default_priority_marked_as_guessed(root: Path) -> None:
    take(root, payload(severity="page-someone"))
    ticket = alert_tickets(root)[0]
    assert ticket.priority == "P3"
    assert ticket.meta["guessed"] == ["category", "priority"]


def test_the_severity_mapping_is_a_vault_setting(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": SETTINGS + (
        "intake:\n  alert_severity:\n    critical: P2\n    page: P1\n")})
    take(root, payload(severity="page"))
    assert [t.priority for t in alert_tickets(root)] == ["P1"]


def test_a_refire_while_the_ticket_is_open_is_logged_on_it(root: Path) -> None:
    path = printed_path(take(root, payload()))
    before = read(root, path)
    output = take(root, payload(), at="2026-11-24T10:30")
    assert "alert fired again" in output
    assert len(alert_tickets(root)) == 1
    assert read(root, path) == before + ("- 2026-11-24 10:30 · system · Alert DiskSpaceLow "
                                         "firing again: 1 of 1 alert(s) firing (fs01:9100).\n")


def test_a_resolved_notification_is_logged_on_the_groups_ticket(root: Path) -> None:
    path = printed_path(take(root, payload()))
    take(root, payload(status="resolved"), at="2026-11-24T12:00")
    ticket = alert_tickets(root)[0]
    assert ticket.path == path and ticket.status == "new"
    assert ticket.log[-1].text == ("Alertmanager reports DiskSpaceLow resolved: 0 of 1 alert(s) "
                                   "firing (fs01:9100). Check and resolve the ticket.")
    assert strict_findings(root) == []


def test_a_resolved_notification_without_a_ticket_does_nothing(root: Path) -> None:
    output = take(root, payload(status="resolved"))
    assert "no ticket for alert group" in output
    assert alert_tickets(root) == []


def test_a_group_firing_after_its_ticket_was_closed_opens_a_repeat(root: Path) -> None:
    first = Path(printed_path(take(root, payload()))).name[:15]
    ov(root, "ticket", "resolve", first, "--resolution", "Cleaned up old backups", "--as",
       "alice", "--at", "2026-11-24T11:00")
    second_path = printed_path(take(root, payload(), at="2026-11-24T12:00"))
    second = load_vault(root).ticket(Path(second_path).name[:15])
    assert second is not None and second.id != first
    assert second.meta["repeat_of"] == f"[[{first}]]"
    assert second.opened.isoformat() == "2026-11-24T09:00:00-06:00"
    assert strict_findings(root) == []


@pytest.mark.parametrize("data, problem", [
    (b"{not json", "not JSON"),
    (b"[]", "a JSON object"),
    (payload(groupKey=""), "'groupKey' is missing"),
    (payload(status="pending"), "'status' must be firing or resolved"),
    (payload(alerts=[]), "'alerts' is missing or empty"),
    (payload(alerts=[{"status": "firing"}]), "alerts[0] has no 'labels'"),
    (json.dumps({"version": "4"}).encode(),
     "'groupKey' is missing; 'status' must be firing or resolved, not None; 'alerts' is "
     "missing or empty"),
])
def test_a_payload_with_missing_fields_is_refused_and_names_them(root: Path, data: bytes,
                                                                 problem: str) -> None:
    result = ov(root, "intake", "alert", "-", stdin=data)
    assert result.exit_code == 1
    assert problem in result.stderr
    assert alert_tickets(root) == []


def test_disk_alerts_are_guessed_to_be_hardware(root: Path) -> None:
    take(root, payload())
    assert [t.category for t in alert_tickets(root)] == ["hardware"]


@pytest.mark.parametrize("setting, message", [
    ("intake:\n  alert_severity: {critical: P0}\n",
     "setting 'intake.alert_severity.critical': 'P0' is not a priority"),
    ("intake:\n  default_category: netwrk\n",
     "setting 'intake.default_category': 'netwrk' is not a category (did you mean 'network'?)"),
    ("intake:\n  default_priority: high\n",
     "setting 'intake.default_priority': 'high' is not a priority"),
])
def test_intake_settings_are_checked(tmp_path: Path, setting: str, message: str) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": SETTINGS + setting})
    result = ov(root, "intake", "alert", "-", stdin=payload())
    assert result.exit_code == 2
    assert message in result.stderr


def _alert(name: str, instance: str, summary: str, url: str = "http://prom:9090/g") -> dict:
    return {"status": "firing", "labels": {"alertname": name, "instance": instance},
            "annotations": {"summary": summary}, "startsAt": "2026-11-24T15:00:00Z",
            "generatorURL": url}


def test_truncated_alerts_are_counted(root: Path) -> None:
    output = take(root, payload(truncatedAlerts=3))
    ticket = load_vault(root).ticket(Path(printed_path(output)).name[:15])
    assert ticket is not None
    assert "1 of 1 alert(s) firing (fs01:9100), and 3 more alert(s) Alertmanager left out" \
        in ticket.body


def test_a_group_is_titled_after_what_it_shares_not_its_first_alert(root: Path) -> None:
    alerts = [_alert("DiskSpaceLow", "fs01", "fs01 is full"),
              _alert("HostDown", "fs02", "fs02 is down")]
    output = take(root, payload(alerts=alerts, commonLabels={"severity": "critical"},
                                commonAnnotations={}))
    ticket = load_vault(root).ticket(Path(printed_path(output)).name[:15])
    assert ticket is not None
    assert ticket.title == "2 alerts: DiskSpaceLow, HostDown"


def test_obsidian_and_html_syntax_in_alert_text_does_not_act(root: Path) -> None:
    alerts = [_alert("DiskSpaceLow", "fs01", "%% hidden %% #urgent <b>x</b>",
                     url="javascript:alert(1)")]
    output = take(root, payload(alerts=alerts, commonAnnotations={
        "description": "line one %% gone %%\n#tag <script>x</script>"}))
    path = printed_path(output)
    text = read(root, path)
    assert "`%% hidden %% #urgent <b>x</b>`" in text
    assert "```text\nline one %% gone %%\n#tag <script>x</script>\n```" in text
    assert "javascript:" not in text
    ticket = load_vault(root).ticket(Path(path).name[:15])
    assert ticket is not None and "urgent" not in ticket.tags
    assert strict_findings(root) == []
