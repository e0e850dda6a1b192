"""Each SLA target of a ticket in words: the one reading that `sla`, `ticket show`, the board
cards and the ticket page all show, so that no two places can disagree about a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .export import duration
from .facts import BREACHED, FIRST_RESPONSE, MET, PAUSED, RESOLUTION, UNKNOWN, SlaClock

TARGET_NAMES = {FIRST_RESPONSE: "First response", RESOLUTION: "Resolution"}
AT_RISK = "at risk"


def state_of(clock: SlaClock) -> str:
    """met, running, at risk, breached, paused or unknown."""
    return AT_RISK if clock.at_risk else clock.state


@dataclass(frozen=True)
class Verdict:
    """One target of one ticket as of one moment."""

    target: str  # FIRST_RESPONSE | RESOLUTION
    name: str  # "First response"
    duration: str  # as configured: 30m, 1bd
    clock: str  # 24x7 | business
    state: str  # met | running | at risk | breached | paused | unknown
    due: datetime | None
    stopped: datetime | None  # when it was met (or missed for good)
    minutes_left: float | None  # on the target's clock; negative: over
    paused_minutes: float

    @property
    def time_text(self) -> str:
        """`2h 10m left`, `1h 05m over`, `met, 3h 10m to spare`."""
        left = self.minutes_left
        if left is None:
            return "–"
        if self.state == MET:
            return f"{duration(left)} to spare"
        if left < 0 or self.state == BREACHED:
            return f"{duration(abs(left))} over"
        return f"{duration(left)} left"

    @property
    def clock_text(self) -> str:
        return "24×7" if self.clock == "24x7" else "business hours"


def verdict(clock: SlaClock) -> Verdict:
    return Verdict(clock.target, TARGET_NAMES.get(clock.target, clock.target), clock.duration,
                   clock.clock, state_of(clock), clock.due, clock.stopped, clock.minutes_left,
                   clock.paused_minutes)


def verdicts(clocks: tuple[SlaClock, ...]) -> list[Verdict]:
    return [verdict(clock) for clock in clocks]


__all__ = ["AT_RISK", "BREACHED", "MET", "PAUSED", "UNKNOWN", "Verdict", "state_of",
           "verdict", "verdicts"]
