"""SLA notifications (`opsvault sla --notify`): who hears about a target at risk or breached,
and what the message says. Each ticket, target and state is notified once: the ticket's Log
records it ("SLA resolution breached: notified …"), and a later run that finds the line sends
nothing new, so the memory travels with the vault through git."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email.message import EmailMessage
from email.utils import formataddr

from ..metrics import TicketFacts
from ..metrics.export import duration
from ..metrics.verdict import AT_RISK, BREACHED, Verdict, verdicts
from ..model import Ticket, Vault, as_text
from ..schema import is_email_address
from .compose import compose, markdown_literal

NOTIFY_STATES = (AT_RISK, BREACHED)
_SENT_LINE = re.compile(r"^SLA (?P<target>[a-z ]+) (?P<state>at risk|breached): notified ",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Notice:
    """One message to send about one target of one ticket."""

    ticket: Ticket
    reading: Verdict
    to: tuple[str, ...]  # addresses, with display names
    message: EmailMessage

    @property
    def log_text(self) -> str:
        """The Log line that records it (and keeps it from being sent twice)."""
        return (f"SLA {self.reading.name.lower()} {self.reading.state}: notified "
                f"{', '.join(self.to)}")


def already_sent(ticket: Ticket) -> set[tuple[str, str]]:
    """(target name, state) pairs the ticket's Log says were notified."""
    found = set()
    for entry in ticket.log:
        match = _SENT_LINE.match(entry.text)
        if match:
            found.add((match["target"].lower(), match["state"].lower()))
    return found


def _address(vault: Vault, who: str) -> str | None:
    """A team handle's email (with the name), or an email address as given."""
    technician = vault.team.get(who)
    if technician is not None:
        email = as_text(technician.email)
        return formataddr((technician.name, email)) if email else None
    return who if is_email_address(who) else None


def recipients(vault: Vault, ticket: Ticket, reading: Verdict) -> tuple[list[str], list[str]]:
    """Addresses, and the names that could not be turned into one (for a warning): the
    assignee always; on breach also the priority's escalation target."""
    wanted = [ticket.assignee] if ticket.assignee else []
    priority = vault.settings.priorities.get(ticket.priority or "")
    if reading.state == BREACHED and priority is not None:
        target = priority.escalate_to.strip()
        if target and target.lower() != "self":
            wanted.append(target)
    if not wanted and priority is not None and priority.escalate_to.strip().lower() != "self":
        wanted.append(priority.escalate_to.strip())  # nobody assigned: tell whoever is above
    found, unknown = [], []
    for who in dict.fromkeys(filter(None, wanted)):
        address = _address(vault, who)
        (found if address else unknown).append(address or who)
    return found, unknown


def notices(vault: Vault, facts: list[TicketFacts], now: datetime
            ) -> tuple[list[Notice], list[str]]:
    """What to send now, and warnings (targets nobody can be told about)."""
    tickets = {t.id: t for t in vault.tickets if t.id}
    zone = vault.settings.time_zone
    sender = vault.settings.mail.sender
    found: list[Notice] = []
    warnings: list[str] = []
    for fact in facts:
        ticket = tickets.get(fact.ticket_id)
        if ticket is None or not fact.is_open:
            continue
        sent = already_sent(ticket)
        for reading in verdicts(fact.sla):
            if reading.state not in NOTIFY_STATES or reading.stopped is not None:
                continue
            if (reading.name.lower(), reading.state) in sent:
                continue
            to, unknown = recipients(vault, ticket, reading)
            for who in unknown:
                warnings.append(f"{ticket.path}: {ticket.id} {reading.name.lower()} "
                                f"{reading.state}: '{who}' is neither a team handle with an "
                                "email nor an email address")
            if not to:
                continue
            found.append(Notice(ticket, reading, tuple(to), compose(
                sender, to, f"SLA {reading.state}: {reading.name.lower()} "
                            f"({reading.duration}) — {ticket.title}",
                _body(ticket, reading, zone), when=now, ticket_id=ticket.id, automatic=True)))
    return found, warnings


def _body(ticket: Ticket, reading: Verdict, zone: tzinfo) -> str:
    due = reading.due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if reading.due else "–"
    lines = [
        f"**{ticket.id}** · {markdown_literal(ticket.title)}",
        "",
        f"- Target: {reading.name.lower()} within {reading.duration} ({reading.clock_text})",
        f"- State: **{reading.state}** — {reading.time_text}",
        f"- Due: {due}",
        f"- Priority {ticket.priority or '?'}, status {ticket.status or '?'}, "
        f"assignee {ticket.assignee or 'nobody'}",
    ]
    if reading.paused_minutes:
        lines.append(f"- Paused while waiting on the requester: {duration(reading.paused_minutes)}")
    lines += ["", f"File: `{ticket.path}`", "",
              "Sent automatically by `opsvault sla --notify`; the ticket's Log records it, so "
              "it is sent once."]
    return "\n".join(lines)


def stakeholder_message(vault: Vault, ticket: Ticket, who: list[str], why: str,
                        now: datetime) -> tuple[EmailMessage | None, list[str], list[str]]:
    """A message with the ticket's whole context for the people it is escalated to (or
    who hear of every P1): (message, addresses, names that are not reachable)."""
    found, unknown = [], []
    for name in dict.fromkeys(filter(None, (w.strip() for w in who))):
        address = _address(vault, name)
        (found if address else unknown).append(address or name)
    if not found:
        return None, [], unknown
    folder = f"tickets/attachments/{ticket.id}/"
    attachments = [path for path in vault.attachments if path.startswith(folder)]
    lines = [
        f"**{ticket.id}** · {markdown_literal(ticket.title)}", "",
        f"{markdown_literal(why)}", "",
        f"- Priority {ticket.priority or '?'}, status {ticket.status or '?'}, category "
        f"{ticket.category or '?'}, assignee {ticket.assignee or 'nobody'}",
        f"- Opened {ticket.opened:%Y-%m-%d %H:%M}" if ticket.opened else "- Opened: unknown",
        "", "Description:", "",
        *[f"> {markdown_literal(line)}" if line.strip() else ">"
          for line in ticket.description.splitlines()],
        "", "What was done so far (the Log):", "",
        *([f"- {entry.time:%Y-%m-%d %H:%M} · {entry.author} · {markdown_literal(entry.text)}"
           for entry in ticket.log] or ["- nothing yet"]),
    ]
    if attachments:
        lines += ["", "Attachments in the vault:", "",
                  *[f"- `{path}`" for path in attachments]]
    lines += ["", f"File: `{ticket.path}`"]
    message = compose(vault.settings.mail.sender, found, f"{why}: {ticket.title}",
                      "\n".join(lines), when=now, ticket_id=ticket.id, automatic=True)
    return message, found, unknown
