"""Tickets from Prometheus Alertmanager webhooks (`opsvault intake alert FILE.json`).

One ticket per alert group: the payload's `groupKey` is kept in the ticket's `alert_group`.
A group that fires while its ticket is open adds a Log line instead of a second ticket; a
resolved notification is logged on the group's ticket (the technician confirms and resolves).
Priority comes from the severity label through the `intake.alert_severity` setting.

The payload (version 4): {"version": "4", "groupKey": …, "status": "firing"|"resolved",
"receiver": …, "groupLabels": {…}, "commonLabels": {…}, "commonAnnotations": {…},
"externalURL": …, "alerts": [{"status", "labels", "annotations", "startsAt", "endsAt",
"generatorURL", "fingerprint"}, …]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..markdown_code import code_fence, code_span
from ..model import Ticket, Vault, as_text
from ..schema import Settings
from ..search import may_apply_hint
from ..workflow import Change, NewDocument, new_ticket, outside_message
from . import IntakeError, guess_category, markdown_safe, title_safe

STATUSES = ("firing", "resolved")
_FRACTION = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class AlertGroup:
    """The parts of one webhook payload opsvault uses."""

    group_key: str
    status: str  # firing | resolved
    receiver: str
    alerts: tuple[Mapping[str, Any], ...]
    common_labels: Mapping[str, str]
    common_annotations: Mapping[str, str]
    truncated: int = 0  # alerts Alertmanager left out of the notification (max_alerts)
    external_url: str = ""

    def shared(self, kind: str, name: str) -> str | None:
        """A label or annotation the whole group has: common to it, or equal in every alert
        (never one alert's value standing for the group)."""
        common = self.common_labels if kind == "labels" else self.common_annotations
        if name in common:
            return common[name]
        values = {str(alert.get(kind, {}).get(name)) for alert in self.alerts}
        return values.pop() if len(values) == 1 and "None" not in values else None

    def names(self) -> list[str]:
        """The distinct alert names of the group, in order."""
        return list(dict.fromkeys(str(a.get("labels", {}).get("alertname") or "Alert")
                                  for a in self.alerts))

    def label(self, name: str) -> str | None:
        """A label common to the group, else the first alert's."""
        value = self.common_labels.get(name)
        if value is None and self.alerts:
            value = self.alerts[0].get("labels", {}).get(name)
        return str(value) if value is not None else None

    def annotation(self, name: str) -> str | None:
        value = self.common_annotations.get(name)
        if value is None and self.alerts:
            value = self.alerts[0].get("annotations", {}).get(name)
        return str(value) if value is not None else None

    def started(self) -> datetime | None:
        times = [t for alert in self.alerts if (t := parse_time(alert.get("startsAt")))]
        return min(times) if times else None


@dataclass(frozen=True)
class AlertIntake:
    """A new ticket, or a Log line for the group's ticket, or nothing to do (`message` says)."""

    new: NewDocument | None
    ticket: Ticket | None
    change: Change | None
    message: str


def parse_time(value: object) -> datetime | None:
    """Alertmanager's RFC 3339 times (nanoseconds, `Z`); None for missing or the zero time."""
    if not isinstance(value, str) or value.startswith("0001-"):
        return None
    try:
        parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def parse_payload(data: bytes) -> AlertGroup:
    """Read a webhook payload; IntakeError naming every missing or malformed field."""
    try:
        payload = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IntakeError(f"not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise IntakeError("expected an Alertmanager webhook payload (a JSON object)")
    problems: list[str] = []
    group_key = payload.get("groupKey")
    if not isinstance(group_key, str) or not group_key.strip():
        problems.append("'groupKey' is missing")
    status = payload.get("status")
    if status not in STATUSES:
        problems.append(f"'status' must be firing or resolved, not {status!r}")
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        problems.append("'alerts' is missing or empty")
        alerts = []
    for index, alert in enumerate(alerts):
        if not isinstance(alert, dict) or not isinstance(alert.get("labels"), dict):
            problems.append(f"alerts[{index}] has no 'labels'")
        elif alert.get("status") not in STATUSES:
            problems.append(f"alerts[{index}] 'status' must be firing or resolved")
    for key in ("commonLabels", "commonAnnotations"):
        if key in payload and not isinstance(payload[key], dict):
            problems.append(f"'{key}' must be an object")
    if problems:
        raise IntakeError("not a usable Alertmanager payload: " + "; ".join(problems))
    truncated = payload.get("truncatedAlerts")
    return AlertGroup(
        group_key=str(group_key), status=str(status), receiver=str(payload.get("receiver", "")),
        alerts=tuple(alerts),
        common_labels={str(k): str(v) for k, v in (payload.get("commonLabels") or {}).items()},
        common_annotations={str(k): str(v)
                            for k, v in (payload.get("commonAnnotations") or {}).items()},
        truncated=truncated if isinstance(truncated, int) and truncated > 0 else 0,
        external_url=str(payload.get("externalURL") or ""),
    )


def _tickets_of_group(vault: Vault, group_key: str) -> list[Ticket]:
    """The group's tickets, newest first."""
    found = [t for t in vault.tickets if as_text(t.meta.get("alert_group")) == group_key]
    return sorted(found, key=lambda t: t.opened.timestamp() if t.opened else 0, reverse=True)


_WEB_URL = re.compile(r"https?://[^\s<>`\\]+")


def web_link(url: object) -> str:
    """An http(s) URL as a Markdown autolink; anything else (javascript:, text) as nothing."""
    text = str(url or "").strip()
    return f"<{text}>" if _WEB_URL.fullmatch(text) else ""


def machine_text(text: str) -> str:
    """Text a machine wrote (labels, annotations) as an inline code span: no Markdown, HTML or
    Obsidian syntax in it acts (`%% … %%` hides nothing, `#word` makes no tag)."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return code_span(text) if text else ""


def machine_block(text: str) -> str:
    """Multi-line machine text as a fenced block, shown verbatim and inert."""
    text = "".join(c for c in text if c.isprintable() or c == "\n").strip("\n")
    return code_fence(text, "text") if text.strip() else ""


def _alert_lines(alerts: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for alert in alerts:
        labels = alert.get("labels", {})
        described = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
        summary = alert.get("annotations", {}).get("summary")
        since = parse_time(alert.get("startsAt"))
        status = "firing" if alert.get("status") == "firing" else "resolved"
        line = f"- {status}: {machine_text(described)}"
        line += f" — {machine_text(str(summary))}" if summary else ""
        line += f" (since {since.isoformat()})" if since else ""
        source = web_link(alert.get("generatorURL"))
        line += f" · source: {source}" if source else ""
        lines.append(line)
    return lines


def _summary_of(group: AlertGroup) -> str:
    firing = [a for a in group.alerts if a.get("status") == "firing"]
    names = sorted({str(a.get("labels", {}).get("instance") or a.get("labels", {})
                        .get("alertname") or "?") for a in group.alerts})
    text = f"{len(firing)} of {len(group.alerts)} alert(s) firing ({', '.join(names)})"
    if group.truncated:
        text += (f", and {group.truncated} more alert(s) Alertmanager left out of the "
                 "notification (truncatedAlerts; see Alertmanager)")
    return text


def _title_of(group: AlertGroup) -> str:
    """From what the whole group shares: its alert name (or names) and common summary."""
    names = group.names()
    name = group.shared("labels", "alertname") or (
        names[0] if len(names) == 1 else f"{len(names)} alerts: {', '.join(names)}")
    summary = group.shared("annotations", "summary")
    return title_safe(f"{name}: {summary}" if summary else name)


def take_alert(vault: Vault, template: str, data: bytes, now: datetime) -> AlertIntake:
    """Open, update or log the ticket of the payload's alert group."""
    settings = vault.settings
    group = parse_payload(data)
    tickets = _tickets_of_group(vault, group.group_key)
    open_ticket = next((t for t in tickets if t.is_active), None)
    name = group.label("alertname") or "Alert"

    if group.status == "resolved":
        target = open_ticket or (tickets[0] if tickets else None)
        if target is None:
            return AlertIntake(None, None, None, f"no ticket for alert group {group.group_key}; "
                                                 "nothing to do")
        text = f"Alertmanager reports {name} resolved: {_summary_of(group)}."
        if target.is_active:
            text += " Check and resolve the ticket."
        return _logged(settings, target, now, text, "alert resolved")

    if open_ticket is not None:
        text = f"Alert {name} firing again: {_summary_of(group)}."
        return _logged(settings, open_ticket, now, text, "alert fired again")

    severity = (group.label("severity") or "").lower()
    priority = settings.alert_severity.get(severity)
    guessed = []
    if priority is None:
        priority, guessed = settings.intake_default_priority, ["priority"]
    summary = group.shared("annotations", "summary") or ""
    description_text = group.shared("annotations", "description") or ""
    category, category_reason = guess_category(settings, f"{name} {summary}", description_text)
    guessed.insert(0, "category")
    title = _title_of(group)
    started = group.started()
    opened = started if started and started <= now else now
    console = web_link(group.external_url)
    description = "\n\n".join(part for part in (
        f"Alertmanager ({machine_text(group.receiver) or 'webhook'}) reports "
        f"{markdown_safe(_summary_of(group))}." + (f" Alertmanager: {console}" if console else ""),
        machine_block(description_text),
        "\n".join(_alert_lines(group.alerts)),
    ) if part)
    how = f"severity {severity or 'missing'} → {priority}" + \
        (" (default)" if "priority" in guessed else "")
    fields: dict[str, Any] = {"channel": "alert", "alert_group": group.group_key,
                              "guessed": guessed}
    if tickets:
        fields["repeat_of"] = f"[[{tickets[0].id}]]"
    document = new_ticket(
        vault, template, title=title, priority=priority, category=category, opened=opened,
        description=description, fields=fields,
        log=("system", f"Opened from an Alertmanager alert; {how}; category {category} "
                       f"({category_reason}): check it." + may_apply_hint(vault, f"{title}\n"
                                                                          f"{description}")),
    )
    return AlertIntake(document, None, None, f"opened {document.id}")


def _logged(settings: Settings, ticket: Ticket, now: datetime, text: str,
            summary: str) -> AlertIntake:
    change = outside_message(settings, ticket, "system", now, text, summary)
    return AlertIntake(None, ticket, change, f"{summary}: logged on {ticket.id}")
