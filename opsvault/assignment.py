"""Who should take a ticket (seed 004: "assigned based on skill set, workload, urgency").

Each active technician gets a score from three parts, each explained in words:
- skill: the ticket's category is one of their skills;
- workload: how much of their capacity their open tickets leave free (none when full);
- level against priority: the most urgent priority wants the most senior level (P1 → senior),
  the least urgent the most junior (keeping seniors free); levels in between in proportion.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Technician, Ticket, Vault

SKILL_WEIGHT = 3.0
WORKLOAD_WEIGHT = 2.0
LEVEL_WEIGHT = 2.0
# With no capacity in team.yml, a technician counts as full at this many open tickets.
DEFAULT_CAPACITY = 10


@dataclass(frozen=True)
class Suggestion:
    handle: str
    score: float
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def open_workload(vault: Vault) -> dict[str, int]:
    """Open (active) tickets per assignee."""
    counts: dict[str, int] = {}
    for ticket in vault.tickets:
        if ticket.is_active and ticket.assignee:
            counts[ticket.assignee] = counts.get(ticket.assignee, 0) + 1
    return counts


def suggest_assignees(vault: Vault, ticket: Ticket) -> list[Suggestion]:
    """Active technicians, best first, each with the reasons for their score."""
    workload = open_workload(vault)
    if ticket.is_active and ticket.assignee:  # this ticket is not extra work for its assignee
        workload[ticket.assignee] -= 1
    suggestions = [_score(vault, ticket, technician, workload.get(technician.handle, 0))
                   for technician in vault.team.technicians if technician.active]
    return sorted(suggestions, key=lambda s: (-s.score, s.handle))


def _score(vault: Vault, ticket: Ticket, technician: Technician, open_count: int) -> Suggestion:
    settings = vault.settings
    reasons: list[str] = []
    score = 0.0
    category = ticket.category
    if category and category in technician.skills:
        score += SKILL_WEIGHT
        reasons.append(f"knows {category}")
    else:
        reasons.append(f"{category or 'this category'} is not among their skills")
    capacity = technician.capacity or DEFAULT_CAPACITY
    free_share = max(0.0, 1 - open_count / capacity)
    score += WORKLOAD_WEIGHT * free_share
    reasons.append(f"{open_count} of {capacity} open tickets"
                   + (" (at capacity)" if free_share == 0 else ""))
    priorities = list(settings.priorities)
    levels = list(settings.levels)
    priority = ticket.priority
    if priority in priorities and technician.level in levels and len(levels) > 1:
        urgency = 1 - priorities.index(priority) / max(1, len(priorities) - 1)
        seniority = levels.index(technician.level) / (len(levels) - 1)
        fit = 1 - abs(urgency - seniority)
        score += LEVEL_WEIGHT * fit
        if fit >= 0.6:
            reasons.append(f"{technician.level} suits a {priority}")
        elif seniority > urgency:
            reasons.append(f"{technician.level} is more senior than a {priority} needs")
        else:
            reasons.append(f"a {priority} wants a more senior level than {technician.level}")
    return Suggestion(technician.handle, round(score, 2), tuple(reasons))
