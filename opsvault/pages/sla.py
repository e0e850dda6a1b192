"""SLA badges for board cards (ok / at risk / breached, with the time left), as the metrics
stage computes them. The site never does clock arithmetic of its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Ticket
from .context import Site


@dataclass(frozen=True)
class SlaBadge:
    state: str  # "ok", "at-risk" or "breached"
    text: str  # what the card shows: "2h 10m left", "4h over"
    title: str  # the tooltip: which target, due when
    minutes_left: float  # negative when breached; sorts the most urgent first


def sla_badges(site: Site, tickets: Iterable[Ticket]) -> dict[str, SlaBadge]:
    """Ticket path → its SLA badge."""
    return {}
