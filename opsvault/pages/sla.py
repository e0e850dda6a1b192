"""SLA badges for board cards (ok / at risk / breached / paused, in words as well as colour,
with the time left), read from the metrics stage's SLA clocks: the site does no clock
arithmetic of its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..metrics import PAUSED, RUNNING, SlaClock, open_clocks
from ..metrics.verdict import verdict
from ..model import Ticket
from .context import Site
from .display import local_time


@dataclass(frozen=True)
class SlaBadge:
    state: str  # "ok", "at-risk", "breached" or "paused"
    text: str  # what the card shows, the state in words first: "at risk · 2h 10m left"
    title: str  # the tooltip: which target, on which clock, due when
    minutes_left: float  # negative when breached; sorts the most urgent first


# A card's badge names a running target "ok"; every other state is the verdict's own word.
BADGE_STATES = {RUNNING: "ok"}


def badge(clock: SlaClock, site: Site) -> SlaBadge | None:
    reading = verdict(clock)
    if reading.minutes_left is None:
        return None
    state = BADGE_STATES.get(reading.state, reading.state)
    # The state in words, not colour alone: colour-blind readers and print see it too.
    text = f"{state} · {reading.time_text}"
    due = local_time(clock.due, site.vault.settings.time_zone)
    title = f"{reading.name} target {clock.duration} ({reading.clock_text})" + (
        f", due {due}" if due else "")
    if reading.state == PAUSED:
        title += ", paused while waiting on the requester"
    return SlaBadge(state.replace(" ", "-"), text, title, reading.minutes_left)


def sla_badges(site: Site, tickets: Iterable[Ticket]) -> dict[str, SlaBadge]:
    """Ticket path → the SLA badge of its most urgent running target."""
    by_id = {ticket.id: ticket.path for ticket in tickets if ticket.id}
    badges: dict[str, SlaBadge] = {}
    for clock in open_clocks(site.facts):
        path = by_id.get(clock.ticket_id)
        if path is not None and (found := badge(clock, site)) is not None:
            badges[path] = found
    return badges
