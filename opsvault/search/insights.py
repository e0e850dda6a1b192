"""The insights report: which problems keep coming back and whether a KB entry or a script
covers them, solved tickets that link no KB entry, KB entries no ticket has used in a year,
the scripts that fixed tickets, and recurring problems that look scriptable.

Recurring problems are groups of tickets opened in the window, joined when the search index
ranks each among the other's closest few (BM25 over title and description, as `ticket
similar` does) or when they link the same KB entry. What it cannot know: two tickets about
one problem in words they do not share, or one ticket that is really two problems."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..model import KBEntry, Ticket, Vault, as_text, kb_entries_by_key, link_target, linked_kb
from .index import index_of, open_index
from .suggest import MIN_SHARED_WORDS, query_for_ticket, suggest, words

NEIGHBOURS = 5  # a ticket joins a group when each is among the other's closest five
# … and holds this share of the other's words (BM25 scores have no scale of their own).
# Measured on bench/quality_vault.py: four in five pairs of one problem share 0.4 or more,
# four in five pairs of different problems less.
CLOSE_ENOUGH = 0.4
SCRIPTABLE_SIMILARITY = 0.5  # mean word overlap (Jaccard) of the resolutions
UNUSED_DAYS = 365


@dataclass(frozen=True)
class ProblemGroup:
    label: str  # the title of its most connected ticket
    words: tuple[str, ...]  # words at least half of its tickets' titles share
    tickets: tuple[Ticket, ...]  # newest first
    resolved: int
    hours: float  # business hours from opening to resolution, over its resolved tickets
    kb: tuple[str, ...]  # KB entries its tickets link
    suggested: str | None  # the entry the search suggests for it, when none is linked
    scripts: tuple[str, ...]  # scripts its tickets were fixed with, or its KB entries name
    scriptable: bool  # resolved the same way again and again, and no script yet


@dataclass(frozen=True)
class ScriptImpact:
    path: str
    tickets: tuple[Ticket, ...]  # resolved in the window with it (`automation:`)
    hours: float


@dataclass(frozen=True)
class Insights:
    start: datetime
    end: datetime
    weeks: int
    groups: tuple[ProblemGroup, ...]
    unlinked: tuple[Ticket, ...]  # solved in the window, no KB entry linked
    unused: tuple[KBEntry, ...]  # no ticket opened in the last year links them
    scripts: tuple[ScriptImpact, ...]


def _solved(ticket: Ticket) -> bool:
    return ticket.status is not None and not ticket.is_active


def _roots(text: str) -> set[str]:
    """The first four letters of each longer word: "scan" for scanner and scans alike."""
    return {word[:4] for word in words(text) if len(word) >= 4}


def _jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 0.0


def _looks_scriptable(tickets: list[Ticket]) -> bool:
    fixes = [set(words(as_text(t.meta.get("resolution")) or "")) for t in tickets]
    fixes = [fix for fix in fixes if fix]
    if len(fixes) < 2:
        return False
    pairs = [(a, b) for i, a in enumerate(fixes) for b in fixes[i + 1:]]
    return sum(_jaccard(a, b) for a, b in pairs) / len(pairs) >= SCRIPTABLE_SIMILARITY


def build_insights(vault: Vault, as_of: datetime, weeks: int,
                   minutes_to_resolve: Mapping[str, float], min_tickets: int = 2) -> Insights:
    """The insights over the `weeks` before `as_of`; `minutes_to_resolve` is each resolved
    ticket's business-clock resolution time (the metrics' figure), by id."""
    start = as_of - timedelta(weeks=weeks)
    entries = kb_entries_by_key(vault)
    in_window = [t for t in vault.tickets if t.id and t.opened and start <= t.opened <= as_of]
    by_path = {t.path: t for t in in_window}

    def hours(tickets: list[Ticket]) -> float:
        return round(sum(minutes_to_resolve.get(t.id or "", 0.0) for t in tickets) / 60, 1)

    # Each ticket's closest others in the window, then groups of mutual neighbours. The
    # window's tickets are searched in an index of their own: a query against years of
    # tickets costs 50 ms at 20,000, and the older ones could not be neighbours anyway.
    index = open_index(vault)
    window_index = index_of(in_window)
    try:
        neighbours: dict[str, set[str]] = {}
        for ticket in in_window:
            found = suggest(window_index, query_for_ticket(ticket, with_log=False),
                            NEIGHBOURS * 3, frozenset({ticket.path}), kinds=("ticket",))
            close = [s.path for s in found if s.path in by_path
                     and len(s.matched) >= MIN_SHARED_WORDS and s.coverage >= CLOSE_ENOUGH]
            neighbours[ticket.path] = set(close[:NEIGHBOURS])
        parent = {path: path for path in by_path}

        def root(path: str) -> str:
            while parent[path] != path:
                parent[path] = parent[parent[path]]
                path = parent[path]
            return path

        links = {path: linked_kb(ticket, entries) for path, ticket in by_path.items()}
        edges = [(a, b) for a, near in neighbours.items() for b in near
                 if a in neighbours.get(b, set())]
        # Fixed by the same entry (`kb:`, not a mention in passing): the same problem.
        by_entry: dict[str, list[str]] = {}
        for path, ticket in by_path.items():
            fixed_by = link_target(ticket.meta.get("kb"))
            if fixed_by in entries:
                by_entry.setdefault(entries[fixed_by].id or fixed_by, []).append(path)
        edges += [(paths[0], other) for paths in by_entry.values() for other in paths[1:]]
        for a, b in edges:
            parent[root(a)] = root(b)
        members: dict[str, list[Ticket]] = {}
        for path, ticket in by_path.items():
            members.setdefault(root(path), []).append(ticket)
        groups = []
        for tickets in members.values():
            if len(tickets) < min_tickets:
                continue
            tickets.sort(key=lambda t: t.opened or as_of, reverse=True)
            degree = Counter(a for a, b in edges if a in {t.path for t in tickets})
            central = max(tickets, key=lambda t: (degree[t.path], -tickets.index(t)))
            shared = Counter(w for t in tickets for w in dict.fromkeys(words(t.title)))
            group_kb = sorted({ident for t in tickets for ident in links[t.path]})
            scripts = sorted({*(as_text(t.meta.get("automation")) or "" for t in tickets),
                              *(as_text(entries[i].meta.get("script")) or "" for i in group_kb
                                if i in entries)} - {""})
            suggested = None
            if not group_kb:
                hits = suggest(index, "\n".join(query_for_ticket(t, with_log=False)
                                                for t in tickets), 1, kinds=("kb", "sop"))
                # Only an entry whose title speaks of the same thing: the body shares words
                # with almost any ticket.
                if hits and _roots(hits[0].title) & _roots(" ".join(t.title for t in tickets)):
                    suggested = hits[0].ident
            solved = [t for t in tickets if _solved(t)]
            groups.append(ProblemGroup(
                central.title, tuple(w for w, n in shared.most_common(5)
                                     if n * 2 >= len(tickets) and n > 1),
                tuple(tickets), len(solved), hours(solved), tuple(group_kb), suggested,
                tuple(scripts), not scripts and len(solved) >= 2 and _looks_scriptable(solved)))
    finally:
        index.close()
        window_index.close()
    groups.sort(key=lambda g: (-len(g.tickets), -g.hours, g.label))

    unlinked = tuple(sorted((t for t in in_window if _solved(t) and not links[t.path]),
                            key=lambda t: t.opened or as_of, reverse=True))
    year_ago = as_of - timedelta(days=UNUSED_DAYS)
    used = {ident for t in vault.tickets if t.opened and year_ago <= t.opened <= as_of
            for ident in linked_kb(t, entries)}
    unused = tuple(sorted((e for e in vault.kb if (e.id or e.name) not in used),
                          key=lambda e: e.id or e.name))
    impact: dict[str, list[Ticket]] = {}
    for ticket in in_window:
        script = link_target(ticket.meta.get("automation"))
        if script and _solved(ticket):
            impact.setdefault(script, []).append(ticket)
    scripts = tuple(sorted((ScriptImpact(path, tuple(tickets), hours(tickets))
                            for path, tickets in impact.items()),
                           key=lambda s: (-len(s.tickets), s.path)))
    return Insights(start, as_of, weeks, tuple(groups), unlinked, unused, scripts)
