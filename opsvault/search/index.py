"""The search index: KB entries, procedures and scripts in an SQLite FTS5 table (Porter
stemming, BM25 ranking), stored in `.opsvault/search.sqlite3`. Each run re-indexes only the
files whose text changed and drops the ones that are gone, as the history cache does."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Document, Script, Ticket, Vault, as_strings, as_text

FORMAT = "2"  # bump when what is indexed changes: the index is then rebuilt
INDEX_PATH = ".opsvault/search.sqlite3"
# Column weights for BM25: a word in the title says more than one in the body.
WEIGHTS = (10.0, 6.0, 4.0, 1.0)  # title, aliases and tags, symptoms, body
KNOWLEDGE = ("kb", "sop", "script")  # what `kb suggest` ranks; tickets are "ticket"


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str  # kb | sop | script
    ident: str  # KB-OPS-007, SOP-003, scripts/python/x.py
    title: str
    keywords: str
    symptoms: str
    body: str


def _entry(item: Document | Script) -> Entry:
    if isinstance(item, Ticket):
        device = item.meta.get("device")
        keywords = " ".join([*item.tags, item.category or "",
                             as_text(device.get("name")) or "" if isinstance(device, dict)
                             else ""])
        closing = " ".join(as_text(item.meta.get(key)) or "" for key in ("resolution",
                                                                          "root_cause"))
        log = "\n".join(entry.text for entry in item.log if entry.author != "system")
        return Entry(item.path, "ticket", item.id or item.name, item.title, keywords,
                     item.description, f"{closing}\n{log}")
    if isinstance(item, Script):
        return Entry(item.path, "script", item.path, item.name,
                     item.path.replace("/", " ").replace("_", " "), "", item.text[:20000])
    sections = item.sections() if hasattr(item, "sections") else {}
    symptoms = sections.get("Symptoms", (0, ""))[1] if isinstance(sections, dict) else ""
    keywords = " ".join([*as_strings(item.meta.get("aliases")), *item.tags,
                         as_text(item.meta.get("category")) or ""])
    return Entry(item.path, item.kind, item.id or item.name, item.title, keywords, symptoms,
                 item.body)


def _fingerprint(entry: Entry) -> str:
    text = "\0".join((entry.kind, entry.ident, entry.title, entry.keywords, entry.symptoms,
                      entry.body))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class SearchIndex:
    """An open index; `sync` brings it up to date with a vault."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def sync(self, items: Iterable[Document | Script]) -> tuple[int, int]:
        """Index what changed, drop what is gone; (indexed, removed)."""
        wanted = {entry.path: entry for entry in map(_entry, items)}
        known = dict(self.db.execute("SELECT path, fingerprint FROM files"))
        changed = [entry for path, entry in wanted.items()
                   if known.get(path) != _fingerprint(entry)]
        gone = [path for path in known if path not in wanted]
        with self.db:
            for path in gone + [entry.path for entry in changed if entry.path in known]:
                self.db.execute("DELETE FROM docs WHERE path = ?", (path,))
                self.db.execute("DELETE FROM files WHERE path = ?", (path,))
            for entry in changed:
                self.db.execute(
                    "INSERT INTO docs (path, kind, ident, title, keywords, symptoms, body) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (entry.path, entry.kind, entry.ident, entry.title, entry.keywords,
                     entry.symptoms, entry.body))
                self.db.execute("INSERT INTO files (path, fingerprint, title) VALUES (?, ?, ?)",
                                (entry.path, _fingerprint(entry), entry.title))
        return len(changed), len(gone)

    def search(self, match: str, limit: int, kinds: tuple[str, ...] = KNOWLEDGE
               ) -> list[tuple[str, str, str, str, float]]:
        """(path, kind, ident, title, score) best first among `kinds`; `match` is an FTS5
        query."""
        if not match:
            return []
        weights = ", ".join(str(w) for w in WEIGHTS)
        marks = ", ".join("?" for _ in kinds)
        rows = self.db.execute(
            f"SELECT docs.path, kind, ident, files.title, bm25(docs, 0, 0, 0, {weights}) AS s "
            f"FROM docs JOIN files ON files.path = docs.path WHERE docs MATCH ? "
            f"AND kind IN ({marks}) ORDER BY s LIMIT ?", (match, *kinds, limit))
        return [(path, kind, ident, title, -score) for path, kind, ident, title, score in rows]

    def terms(self, path: str) -> set[str]:
        """The stemmed terms an indexed file holds (to say why it matched)."""
        rows = self.db.execute(
            "SELECT term FROM docs_terms WHERE doc = (SELECT rowid FROM docs WHERE path = ?)",
            (path,))
        return {term for (term,) in rows}

    def close(self) -> None:
        self.db.close()


def _create(db: sqlite3.Connection) -> None:
    db.executescript(f"""
        DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS meta;
        DROP TABLE IF EXISTS docs_terms;
        CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, kind UNINDEXED, ident UNINDEXED,
            title, keywords, symptoms, body, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE docs_terms USING fts5vocab(docs, instance);
        CREATE TABLE files (path TEXT PRIMARY KEY, fingerprint TEXT, title TEXT);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        INSERT INTO meta VALUES ('format', '{FORMAT}');
    """)


def open_index(vault: Vault, persist: bool = True) -> SearchIndex:
    """The vault's index, up to date; in memory when the vault folder cannot be written."""
    db: sqlite3.Connection | None = None
    if persist:
        path = vault.root / INDEX_PATH
        try:
            path.parent.mkdir(exist_ok=True)
            db = sqlite3.connect(path)
            rows = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchall() \
                if db.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchall() \
                else []
            if rows != [(FORMAT,)]:
                _create(db)
        except (OSError, sqlite3.Error):
            if db is not None:
                db.close()
            db = None
    if db is None:
        db = sqlite3.connect(":memory:")
        _create(db)
    index = SearchIndex(db)
    try:
        index.sync([*vault.kb, *vault.sops, *vault.scripts, *vault.tickets])
    except sqlite3.Error:  # a damaged file: start again in memory rather than fail
        index.close()
        if not persist:
            raise
        return open_index(vault, persist=False)
    return index
