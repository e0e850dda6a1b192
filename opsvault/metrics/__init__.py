"""The metrics stage (SPEC §5): a vault and its history → numbers. Knows nothing of the CLI
or of HTML.

    history = load_history(vault.root, vault.settings)
    metrics = build_metrics(vault, history, Window.iso_week("2026-W47"), as_of=now)
    as_dict(metrics)            # everything, JSON-able: the site's metrics.json
    to_csv(metrics)             # one row per ISO week

`ticket_facts` gives the per-ticket layer (times, SLA clocks) that everything is counted
from; `open_clocks` lists the open tickets' SLA clocks, most urgent first.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..history import History
from ..model import Vault

if TYPE_CHECKING:
    from .aggregate import (
        GROUPINGS,
        SATISFACTION_GOAL,
        Automation,
        BacklogDay,
        Breach,
        Distribution,
        KBGrowth,
        KBWeek,
        Metrics,
        PeriodMetrics,
        PrioritySla,
        RepeatIssues,
        RepeatMonth,
        Satisfaction,
        SlaCounts,
        Trend,
        breakdown,
        compute_metrics,
        counted_from,
    )
    from .export import PROMETHEUS_GROUPINGS, as_dict, to_csv, to_prometheus, to_table
    from .facts import (
        AT_RISK_SHARE,
        BREACHED,
        FIRST_RESPONSE,
        MET,
        PAUSED,
        RESOLUTION,
        RUNNING,
        UNKNOWN,
        UPDATE,
        Excluded,
        SlaClock,
        TicketFacts,
        excluded_among,
        excluded_tickets,
        facts_of,
        open_clocks,
        ticket_facts,
    )
    from .windows import Window

# Where each name lives: a name is imported from its module when first used, so that `sla`
# or `ticket show`, which need the per-ticket facts, do not import the aggregates.
_HOMES = {
    **dict.fromkeys(("GROUPINGS", "SATISFACTION_GOAL", "Automation", "BacklogDay", "Breach",
                     "Distribution", "KBGrowth", "KBWeek", "Metrics", "PeriodMetrics",
                     "PrioritySla", "RepeatIssues", "RepeatMonth", "Satisfaction",
                     "SlaCounts", "Trend", "breakdown", "compute_metrics", "counted_from"),
                    "aggregate"),
    **dict.fromkeys(("PROMETHEUS_GROUPINGS", "as_dict", "to_csv", "to_prometheus",
                     "to_table"), "export"),
    **dict.fromkeys(("AT_RISK_SHARE", "BREACHED", "FIRST_RESPONSE", "MET", "PAUSED",
                     "RESOLUTION", "RUNNING", "UNKNOWN", "UPDATE", "Excluded", "SlaClock",
                     "TicketFacts", "excluded_among", "excluded_tickets", "facts_of",
                     "open_clocks", "ticket_facts"), "facts"),
    "Window": "windows",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AT_RISK_SHARE",
    "BREACHED",
    "FIRST_RESPONSE",
    "GROUPINGS",
    "MET",
    "PAUSED",
    "PROMETHEUS_GROUPINGS",
    "RESOLUTION",
    "RUNNING",
    "SATISFACTION_GOAL",
    "UNKNOWN",
    "UPDATE",
    "Automation",
    "BacklogDay",
    "Breach",
    "Distribution",
    "Excluded",
    "KBGrowth",
    "KBWeek",
    "Metrics",
    "PeriodMetrics",
    "PrioritySla",
    "RepeatIssues",
    "RepeatMonth",
    "Satisfaction",
    "SlaClock",
    "SlaCounts",
    "TicketFacts",
    "Trend",
    "Window",
    "as_dict",
    "breakdown",
    "build_metrics",
    "build_workbook",
    "compute_metrics",
    "counted_from",
    "excluded_among",
    "excluded_tickets",
    "facts_of",
    "open_clocks",
    "ticket_facts",
    "to_csv",
    "to_prometheus",
    "to_table",
]


def build_workbook(vault: Vault, history: History, window: Window, as_of: datetime, title: str,
                   include_tickets: bool = True,
                   facts: Sequence[TicketFacts] | None = None,
                   excluded: tuple[Excluded, ...] | None = None) -> bytes:
    """`window`'s metrics as an Excel workbook, with a breakdown by every grouping."""
    from .aggregate import GROUPINGS, breakdown, compute_metrics
    from .facts import ticket_facts
    from .workbook import to_xlsx  # XlsxWriter only for a workbook

    if facts is None:
        facts = ticket_facts(vault, history, as_of)
    metrics = compute_metrics(vault, history, facts, window, as_of, excluded=excluded)
    zone = vault.settings.time_zone
    breakdowns = {grouping: breakdown(facts, window, zone, as_of, grouping)
                  for grouping in GROUPINGS}
    return to_xlsx(metrics, breakdowns, title, include_tickets)


def build_metrics(vault: Vault, history: History, window: Window, as_of: datetime,
                  group_by: str | None = None,
                  facts: Sequence[TicketFacts] | None = None,
                  excluded: tuple[Excluded, ...] | None = None,
                  earlier: Mapping[str, TicketFacts] | None = None) -> Metrics:
    """Every metric of `window` as of `as_of` (facts are computed unless given; with them,
    the vault need hold no tickets, `excluded` says what the others could not give, and
    `earlier` may hold those that ended before the window counts: `compute_metrics`)."""
    from .aggregate import compute_metrics
    from .facts import ticket_facts

    if facts is None:
        facts = ticket_facts(vault, history, as_of)
    return compute_metrics(vault, history, facts, window, as_of, group_by, excluded, earlier)

