"""KB suggestions: the entries, procedures and scripts that may fix a ticket, ranked by BM25
over the search index, each with the terms that matched. The query is the ticket's own words
(title twice, description, category, tags, device, Log), widened with the synonyms help desk
requesters use ("wireless" for Wi-Fi, "pw" for password)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..model import (
    Ticket,
    Vault,
    as_text,
    link_target,
    load_file,
    ticket_paths,
)
from .index import KNOWLEDGE, SearchIndex, open_index

# Words that say nothing about the problem (English, and help desk filler).
_STOPWORDS_TEXT = """
a about after again all also am an and any are as at be been before but by can cannot could
did do does doing don't down during each for from get gets got had has have he her here him his
how i i'm if in into is it it's its just me more my no not now of off on once only or other our
out over please same she should so some still such than thank thanks that the their them then
there these they this those through to too under until up us very was we were what when where
which while who why will with would you your yours hi hello regards since today morning
said says way ok okay yes already one two see seems
acknowledged reproduced escalated opened asked sent checked confirmed tested works working
worked shows showed log logged case ticket fine without again doesn didn isn won aren
using used called last day days week weeks time times work
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
# Requesters' words for the same thing, both ways.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "wifi": ("wireless", "wlan", "wi-fi"), "wireless": ("wifi",), "wlan": ("wifi",),
    "pw": ("password",), "pwd": ("password",), "passwd": ("password",),
    "password": ("credentials", "login"), "login": ("sign-in", "password"),
    "dock": ("docking",), "docking": ("dock",), "mfa": ("2fa", "authenticator"),
    "2fa": ("mfa",), "authenticator": ("mfa",), "laptop": ("notebook",),
    "notebook": ("laptop",), "email": ("mail", "outlook"),
    "mail": ("email",), "screen": ("monitor", "display"), "monitor": ("screen", "display"),
    "slow": ("performance", "sluggish"), "vpn": ("forticlient", "tunnel"),
}
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9]")


@dataclass(frozen=True)
class Suggestion:
    path: str
    kind: str  # kb | sop | script
    ident: str
    title: str
    score: float
    matched: tuple[str, ...]  # the (stemmed) terms the ticket and the entry share
    coverage: float  # the share of the asking text's words that it holds

    @property
    def reason(self) -> str:
        return "matches " + ", ".join(self.matched[:6]) if self.matched else ""


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


LINK_KEYS = ("kb", "related", "automation")


def linked_targets(ticket: Ticket, keys: tuple[str, ...] = LINK_KEYS) -> set[str | None]:
    """What the ticket's front matter already links (ids, names or script paths)."""
    found: set[str | None] = set()
    for key in keys:
        value = ticket.meta.get(key)
        found.update(link_target(item) for item in (value if isinstance(value, list)
                                                    else [value]))
    return found


def query_for_ticket(ticket: Ticket, with_log: bool = True) -> str:
    """The ticket's own words: title counted twice, then what else describes the problem."""
    device = ticket.meta.get("device")
    parts = [ticket.title, ticket.title, ticket.description, ticket.category or "",
             " ".join(ticket.tags),
             as_text(device.get("name")) if isinstance(device, dict) else ""]
    if with_log:
        parts += [entry.text for entry in ticket.log if entry.author != "system"]
    return "\n".join(p for p in parts if p)


def _match(text: str) -> str:
    terms: list[str] = []
    for word in words(text):
        terms.append(word)
        terms += SYNONYMS.get(word, ())
    unique = list(dict.fromkeys(terms))[:200]
    return " OR ".join('"' + term.replace('"', "") + '"' for term in unique)


def _stems(index: SearchIndex, texts: list[str]) -> list[frozenset[str]]:
    """The terms of each text as the index stems them (the same tokenizer, on a scratch
    table of one row per text not stemmed before on this connection)."""
    known = index.stemmed
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        db = index.db
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.probe USING fts5(x, tokenize = "
                   "'porter unicode61 remove_diacritics 2')")
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.probe_terms USING fts5vocab("
                   "'temp', 'probe', 'instance')")
        db.execute("DELETE FROM temp.probe")
        db.executemany("INSERT INTO temp.probe (rowid, x) VALUES (?, ?)",
                       list(enumerate(missing, start=1)))
        found: list[set[str]] = [set() for _ in missing]
        for term, row in db.execute("SELECT DISTINCT term, doc FROM temp.probe_terms"):
            found[row - 1].add(term)
        known.update(zip(missing, map(frozenset, found), strict=True))
    return [known[text] for text in texts]


def suggest(index: SearchIndex, text: str, limit: int = 5,
            exclude: frozenset[str] = frozenset(),
            kinds: tuple[str, ...] = KNOWLEDGE,
            among: Sequence[str] | None = None) -> list[Suggestion]:
    """The best `limit` entries (or, with kinds=("ticket",), tickets; given `among`, of those
    paths only) for `text`, with what matched."""
    hits = [hit for hit in index.search(_match(text), limit + len(exclude), kinds, among)
            if hit[0] not in exclude][:limit]
    if not hits:
        return []
    asked = list(dict.fromkeys(words(text)))
    # Each stemmed term → the ticket's own word for it, in the ticket's order.
    stems = {term: asked[row] for row, terms in enumerate(_stems(index, asked))
             for term in terms}
    order = {word: position for position, word in enumerate(asked)}
    held = _stems(index, [index.text(hit[0]) for hit in hits])
    found = []
    for (path, kind, ident, title, score), terms in zip(hits, held, strict=True):
        shared = sorted({stems[term] for term in stems.keys() & terms},
                        key=lambda word: order[word])
        found.append(Suggestion(path, kind, ident, title, round(score, 3), tuple(shared),
                                round(len(shared) / len(asked), 3)))
    return found


def for_ticket(index: SearchIndex, ticket: Ticket, limit: int, with_log: bool = True,
               kinds: tuple[str, ...] = KNOWLEDGE) -> list[Suggestion]:
    """What may fix `ticket`, best first, leaving out what it already links (by id, file
    name or script path)."""
    linked = linked_targets(ticket)
    found = suggest(index, query_for_ticket(ticket, with_log), limit + len(linked),
                    kinds=kinds)
    return [s for s in found
            if not {s.ident, s.path, s.path.rpartition("/")[2].removesuffix(".md")} & linked
            ][:limit]


def fixes_for_open(index: SearchIndex, ticket: Ticket, limit: int = 3) -> list[Suggestion]:
    """The KB entries and procedures that may fix an open ticket (none for a done one), as
    `ticket show` and the ticket's page list them."""
    if not ticket.is_active:
        return []
    return for_ticket(index, ticket, limit, kinds=("kb", "sop"))


MIN_SHARED_WORDS = 2  # a hint needs more than one word in common with the message
CLOSE_TO_BEST = 0.6  # and a second hint must score nearly as well as the first


def may_apply(vault: Vault, text: str, limit: int = 2) -> list[Suggestion]:
    """The KB entries and procedures most likely to fix what `text` describes (for intake's
    "may apply" hint); nothing when no entry shares enough words with it."""
    index = open_index(vault, ("kb", "sop"))
    try:
        found = suggest(index, text, limit, kinds=("kb", "sop"))
    finally:
        index.close()
    best = found[0].score if found else 0.0
    return [s for s in found
            if len(s.matched) >= MIN_SHARED_WORDS and s.score >= CLOSE_TO_BEST * best]


def may_apply_hint(vault: Vault, text: str) -> str:
    """" May apply: [[KB-OPS-008]]." for intake's first Log line, or "" without a good hit."""
    found = may_apply(vault, text)
    return f" May apply: {', '.join(f'[[{s.ident}]]' for s in found)}." if found else ""


@dataclass(frozen=True)
class RepeatHint:
    ticket: Ticket  # the earlier, resolved ticket
    why: str  # "same requester", "same device"


def _requester_key(ticket: Ticket) -> str:
    requester = ticket.meta.get("requester")
    if isinstance(requester, dict):
        return (as_text(requester.get("email")) or as_text(requester.get("name")) or "").lower()
    return (as_text(requester) or "").lower()


def _device_key(ticket: Ticket) -> str:
    device = ticket.meta.get("device")
    return ((as_text(device.get("name")) or "") if isinstance(device, dict) else "").lower()


_DATED_NAME = re.compile(r"T-(\d{8})-")


def _tickets_named_near(root: Path, opened: datetime, days: int) -> list[str]:
    """The ticket files whose name dates them within `days` before `opened` (a day's margin
    either side, for time zones), or gives no date."""
    # YYYYMMDD compares as text as the days compare.
    first = f"{opened.date() - timedelta(days=days + 1):%Y%m%d}"
    last = f"{opened.date() + timedelta(days=1):%Y%m%d}"
    near = []
    for path in ticket_paths(root, []):
        dated = _DATED_NAME.match(path.rpartition("/")[2])
        if dated is not None and not first <= dated.group(1) <= last:
            continue
        near.append(path)
    return near


def repeat_hint(vault: Vault, ticket: Ticket) -> RepeatHint | None:
    """A possible repeat: the best-matching earlier ticket, if it is resolved, of the same
    requester or device, and opened within `search.repeat_window_days` before this one."""
    if ticket.opened is None or ticket.meta.get("repeat_of"):
        return None
    return likely_repeat(vault, query_for_ticket(ticket, with_log=False), ticket.opened,
                         _requester_key(ticket), _device_key(ticket), ticket.path)


def likely_repeat(vault: Vault, text: str, opened: datetime, requester: str, device: str,
                  path: str = "") -> RepeatHint | None:
    """`repeat_hint` for a problem described by `text`, opened at `opened` by `requester`
    (an address or name, lower case) on `device`: also for a ticket not written yet."""
    days = vault.settings.repeat_window_days
    if not days:
        return None
    # Only a ticket opened within the window can be the one repeated: those whose file name
    # dates them there (ids are T-<date>-…), and any whose name gives no date, are searched
    # and brought up to date in the index, not all of a big vault's years of tickets.
    near = _tickets_named_near(vault.root, opened, days)
    index = open_index(vault, ("ticket",), tickets=near)
    try:
        found = suggest(index, text, 3, frozenset({path}), kinds=("ticket",), among=near)
    finally:
        index.close()
    by_path = {t.path: t for t in vault.tickets}
    for hit in found[:1]:
        earlier = by_path.get(hit.path) or _ticket_at(vault, hit.path)
        if earlier is None or earlier.is_active or earlier.opened is None:
            continue
        gap = opened - earlier.opened
        if not timedelta(0) < gap <= timedelta(days=days) or len(hit.matched) < MIN_SHARED_WORDS:
            continue
        if requester and requester == _requester_key(earlier):
            return RepeatHint(earlier, "same requester")
        if device and device == _device_key(earlier):
            return RepeatHint(earlier, "same device")
    return None


def _ticket_at(vault: Vault, path: str) -> Ticket | None:
    """The ticket file at `path`, read from disk: a vault loaded with one ticket
    (`model.load_tickets`) does not hold the earlier one."""
    item, _ = load_file(vault.root, path, "ticket", vault.settings)
    return item if isinstance(item, Ticket) else None


def repeat_hint_text(hint: RepeatHint | None, ticket_id: str) -> str:
    """" Possible repeat of [[T-…]] (same requester): …" for intake's first Log line."""
    if hint is None:
        return ""
    return (f" Possible repeat of [[{hint.ticket.id}]] ({hint.why}, {hint.ticket.status}): if "
            f"so, `opsvault ticket repeat {ticket_id} --of {hint.ticket.id}`.")
