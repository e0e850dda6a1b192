"""SLA badges for board cards (ok / at risk / breached / paused, in words as well as colour,
with the time left), read from the metrics stage's SLA clocks: the site does no clock
arithmetic of its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..metrics import BREACHED, FIRST_RESPONSE, PAUSED, SlaClock, open_clocks
from ..metrics.export import duration
from ..model import Ticket
from .context import Site
from .display import local_time


@dataclass(frozen=True)
class SlaBadge:
    state: str  # "ok", "at-risk", "breached" or "paused"
    text: str  # what the card shows, the state in words first: "at risk · 2h 10m left"
    title: str  # the tooltip: which target, on which clock, due when
    minutes_left: float  # negative when breached; sorts the most urgent first


def badge(clock: SlaClock, site: Site) -> SlaBadge | None:
    left = clock.minutes_left
    if left is None:
        return None
    # The state in words, not colour alone: colour-blind readers and print see it too.
    if clock.state == BREACHED or left < 0:
        state, text = "breached", f"breached · {duration(-left)} over"
    elif clock.state == PAUSED:
        state, text = "paused", f"paused · {duration(left)} left"
    elif clock.at_risk:
        state, text = "at-risk", f"at risk · {duration(left)} left"
    else:
        state, text = "ok", f"ok · {duration(left)} left"
    target = "First response" if clock.target == FIRST_RESPONSE else "Resolution"
    hours = "24×7" if clock.clock == "24x7" else "business hours"
    due = local_time(clock.due, site.vault.settings.time_zone)
    title = f"{target} target {clock.duration} ({hours})" + (f", due {due}" if due else "")
    if clock.state == PAUSED:
        title += ", paused while waiting on the requester"
    return SlaBadge(state, text, title, left)


def sla_badges(site: Site, tickets: Iterable[Ticket]) -> dict[str, SlaBadge]:
    """Ticket path → the SLA badge of its most urgent running target."""
    by_id = {ticket.id: ticket.path for ticket in tickets if ticket.id}
    badges: dict[str, SlaBadge] = {}
    for clock in open_clocks(site.facts):
        path = by_id.get(clock.ticket_id)
        if path is not None and (found := badge(clock, site)) is not None:
            badges[path] = found
    return badges
