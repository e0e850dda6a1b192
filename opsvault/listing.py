"""Tickets selected and laid out for the terminal: `opsvault ticket list` and `ticket board`."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from .schema import Settings

UNASSIGNED = "none"
_AGE = re.compile(r"^\s*(\d+)\s*(m|h|d|w)\s*$")
_AGE_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
              "w": timedelta(weeks=1)}
BOARD_MIN_COLUMN = 18
BOARD_GAP = " │ "


def parse_age(text: str) -> timedelta:
    """`90m`, `12h`, `3d`, `2w` → a timedelta; ValueError otherwise."""
    match = _AGE.match(text.lower())
    if match is None:
        raise ValueError(f"'{text}' is not an age (examples: 90m, 12h, 3d, 2w)")
    return int(match.group(1)) * _AGE_UNITS[match.group(2)]


def format_age(age: timedelta) -> str:
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // (24 * 60)}d"


class ListedTicket(Protocol):
    """What lists and boards read of a ticket: a `model.Ticket`, or the ticket index's
    `TicketSummary` of one."""

    @property
    def path(self) -> str: ...
    @property
    def id(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str | None: ...
    @property
    def priority(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def opened(self) -> datetime | None: ...
    @property
    def follow_up(self) -> date | None: ...
    @property
    def flaws(self) -> tuple[str, ...]: ...
    @property
    def is_active(self) -> bool: ...


T = TypeVar("T", bound=ListedTicket)


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets to show; empty tuples mean "any". Without statuses, active tickets only."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()  # UNASSIGNED ("none") matches tickets without one
    older_than: timedelta | None = None
    include_done: bool = False
    follow_up_due: bool = False  # only tickets whose follow-up day has come (done ones too)

    @property
    def only_active(self) -> bool:
        """Whether only active tickets (and unreadable statuses) can match."""
        return not (self.statuses or self.include_done or self.follow_up_due)

    def matches(self, ticket: ListedTicket, now: datetime) -> bool:
        if self.follow_up_due:
            due = ticket.follow_up
            if due is None or due > now.date():
                return False
            return self._others_match(ticket, now)
        if self.statuses:
            if ticket.status not in self.statuses:
                return False
        elif not self.include_done and not ticket.is_active:
            return False
        return self._others_match(ticket, now)

    def _others_match(self, ticket: ListedTicket, now: datetime) -> bool:
        if self.priorities and ticket.priority not in self.priorities:
            return False
        if self.categories and ticket.category not in self.categories:
            return False
        if self.assignees and (ticket.assignee or UNASSIGNED) not in self.assignees:
            return False
        if self.older_than is not None:
            opened = ticket.opened
            if opened is None or now - opened < self.older_than:
                return False
        return True


def select_tickets(tickets: Iterable[T], settings: Settings, selection: TicketFilter,
                   now: datetime) -> list[T]:
    """Matching tickets, most urgent priority first, then oldest first."""
    order = {name: index for index, name in enumerate(settings.priorities)}
    chosen = [t for t in tickets if selection.matches(t, now)]
    return sorted(chosen, key=lambda t: (order.get(t.priority or "", len(order)),
                                         t.opened.timestamp() if t.opened else 0, t.id or ""))


def ticket_row(ticket: ListedTicket, now: datetime) -> dict[str, Any]:
    """One ticket as plain data (the JSON output of `ticket list`)."""
    opened = ticket.opened
    return {
        "id": ticket.id, "title": ticket.title, "status": ticket.status,
        "priority": ticket.priority, "category": ticket.category, "assignee": ticket.assignee,
        "opened": opened.isoformat() if opened else None,
        "age": format_age(now - opened) if opened else None,
        "age_hours": round((now - opened).total_seconds() / 3600, 1) if opened else None,
        "path": ticket.path,
        "needs_fixing": list(ticket.flaws),
        "follow_up": ticket.follow_up.isoformat() if ticket.follow_up else None,
    }


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


def render_table(rows: Sequence[dict[str, Any]], width: int) -> str:
    """Rows as aligned columns; the title gets what is left of `width`."""
    columns = ("id", "priority", "status", "category", "assignee", "age")
    headers = {"id": "ID", "priority": "PRI", "status": "STATUS", "category": "CATEGORY",
               "assignee": "ASSIGNEE", "age": "AGE"}
    cells = [{key: str(row.get(key) or "-") for key in columns} for row in rows]
    widths = {key: max([len(headers[key]), *(len(c[key]) for c in cells)]) for key in columns}
    title_width = max(10, width - sum(widths.values()) - 2 * len(columns))
    lines = ["  ".join(headers[key].ljust(widths[key]) for key in columns) + "  TITLE"]
    for cell, row in zip(cells, rows, strict=True):
        line = "  ".join(cell[key].ljust(widths[key]) for key in columns)
        lines.append(line + "  " + _fit(str(row.get("title") or ""), title_width))
    lines += [f"! {row['id'] or row['path']} needs fixing: {'; '.join(row['needs_fixing'])}"
              for row in rows if row.get("needs_fixing")]
    return "\n".join(lines)


NEEDS_FIXING = "needs fixing"  # the board column of tickets whose status cannot be read


def board_columns(settings: Settings, tickets: Iterable[T]) -> list[tuple[str, list[T]]]:
    """(status, tickets) for every active status in workflow order; first a "needs fixing"
    column when a ticket's status cannot be read, so that it is seen rather than lost."""
    active = [s for s in settings.statuses if settings.is_active(s)]
    grouped: dict[str, list[T]] = {status: [] for status in active}
    unreadable: list[T] = []
    for ticket in tickets:
        if ticket.status in grouped:
            grouped[ticket.status].append(ticket)
        elif ticket.status is None:
            unreadable.append(ticket)
    columns = list(grouped.items())
    return [(NEEDS_FIXING, unreadable), *columns] if unreadable else columns


def _wrapped(text: str, width: int, max_lines: int) -> list[str]:
    """`textwrap.wrap`, answered at once for the usual title that fits on one line (what
    textwrap gives it: itself), which is most of a 4,000-card board's time."""
    if 0 < len(text) <= width and text.isprintable() and text == text.strip():
        return [text]
    return textwrap.wrap(text, width, max_lines=max_lines, placeholder="…")


def _card(ticket: ListedTicket, width: int, now: datetime) -> list[str]:
    opened = ticket.opened
    lines = [_fit(f"{ticket.id} {ticket.priority or '?'}", width)]
    lines += _wrapped(ticket.title, width, 2) or [""]
    details = f"@{ticket.assignee or UNASSIGNED}"
    if opened is not None:
        details += f" · {format_age(now - opened)}"
    lines.append(_fit(details, width))
    lines += textwrap.wrap(f"! needs fixing: {'; '.join(ticket.flaws)}", width, max_lines=3,
                           placeholder="…") if ticket.flaws else []
    return lines


def render_board(columns: Sequence[tuple[str, Sequence[ListedTicket]]], width: int,
                 now: datetime) -> str:
    """Kanban columns side by side, in bands of as many columns as fit in `width`."""
    fitting = max(1, (width + len(BOARD_GAP)) // (BOARD_MIN_COLUMN + len(BOARD_GAP)))
    band_count = max(1, -(-len(columns) // fitting))
    per_band = max(1, -(-len(columns) // band_count))  # balanced: 6 columns → 3 + 3, not 5 + 1
    bands = [columns[i:i + per_band] for i in range(0, len(columns), per_band)] or [[]]
    output: list[str] = []
    for band in bands:
        column_width = max(BOARD_MIN_COLUMN,
                           (width - len(BOARD_GAP) * (len(band) - 1)) // max(1, len(band)))
        stacks: list[list[str]] = []
        for status, tickets in band:
            stack = [_fit(f"{status.upper()} ({len(tickets)})", column_width),
                     "─" * column_width]
            for ticket in tickets:
                stack += [*_card(ticket, column_width, now), ""]
            stacks.append(stack)
        height = max(len(stack) for stack in stacks) if stacks else 0
        for row in range(height):
            cells = [(stack[row] if row < len(stack) else "").ljust(column_width)
                     for stack in stacks]
            output.append(BOARD_GAP.join(cells).rstrip())
        output.append("")
    return "\n".join(output).rstrip("\n")
