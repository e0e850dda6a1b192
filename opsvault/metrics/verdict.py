"""Each SLA target of a ticket in words: the one reading that `sla`, `ticket show`, the board
cards and the ticket page all show, so that no two places can disagree about a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..business_time import BusinessCalendar, add_business_minutes
from ..schema import Settings
from .export import duration
from .facts import (
    BREACHED,
    FIRST_RESPONSE,
    MET,
    PAUSED,
    RESOLUTION,
    RUNNING,
    UNKNOWN,
    UPDATE,
    SlaClock,
)

TARGET_NAMES = {FIRST_RESPONSE: "First response", RESOLUTION: "Resolution", UPDATE: "Update"}
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


def due_soon_horizon(as_of: datetime, settings: Settings) -> datetime:
    """One business day from `as_of`: a running target due before then is "due soon"."""
    hours = settings.business_hours
    day = (datetime.combine(as_of.date(), hours.end) -
           datetime.combine(as_of.date(), hours.start)).total_seconds() / 60
    return add_business_minutes(as_of, day, BusinessCalendar.from_settings(settings))


def is_due_soon(clock: SlaClock, horizon: datetime) -> bool:
    """Not breached yet, and at risk or due within the next business day."""
    return clock.state == RUNNING and (clock.at_risk or (clock.due is not None
                                                         and clock.due <= horizon))


__all__ = ["AT_RISK", "BREACHED", "MET", "PAUSED", "UNKNOWN", "Verdict", "due_soon_horizon",
           "is_due_soon", "state_of", "verdict", "verdicts"]
