"""The search index: KB entries, procedures, scripts and tickets in an SQLite FTS5 table
(Porter stemming, BM25 ranking), stored in `.opsvault/search.sqlite3`.

Each run finds what changed the way git's index does: it lists the note folders and compares
every file's size and modification time with what it recorded, reads only the files that
differ (and any written so close to when it was last read that the time cannot tell), and
drops the ones that are gone. So a command about one ticket never loads the whole vault."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model import (
    CACHE_DIR,
    KB_DIR,
    SCRIPTS_DIR,
    SOPS_DIR,
    TICKETS_DIR,
    Document,
    Script,
    Ticket,
    Vault,
    as_strings,
    as_text,
    classify,
    load_file,
    prepare_cache_folder,
    walk_files,
)
from ..schema import Settings
from ..sqlite_cache import in_slices

FORMAT = "7"  # bump when what is indexed changes: the index is then rebuilt
INDEX_PATH = f"{CACHE_DIR}/search.sqlite3"
# Column weights for BM25: a word in the title says more than one in the body.
WEIGHTS = (10.0, 6.0, 4.0, 1.0)  # title, aliases and tags, symptoms, body
KNOWLEDGE = ("kb", "sop", "script")  # what `kb suggest` ranks; tickets are "ticket"
# A file changed within this long of the last run may share its modification time with the
# version that run read (coarse file-system clocks): such files are read again.
RACY_NS = 2_000_000_000
FOLDERS = {"ticket": TICKETS_DIR, "kb": KB_DIR, "sop": SOPS_DIR, "script": SCRIPTS_DIR}


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
        # A text's terms as the index's tokenizer stems them, kept for the life of the
        # connection: a site build asks for the same entries' terms once per ticket page.
        self.stemmed: dict[str, frozenset[str]] = {}

    def sync(self, root: Path, settings: Settings,
             kinds: tuple[str, ...] = tuple(FOLDERS)) -> tuple[int, int]:
        """Index what changed on disk among the files of `kinds`, drop what is gone;
        (indexed, removed)."""
        folders = sorted({FOLDERS[kind] for kind in kinds})
        marks = ", ".join("?" for _ in kinds)
        known = {path: (mtime, size, fingerprint, read_ns) for path, mtime, size, fingerprint,
                 read_ns in self.db.execute("SELECT path, mtime_ns, size, fingerprint, read_ns "
                                            f"FROM files WHERE kind IN ({marks})", kinds)}
        on_disk = dict(_stat_files(root, folders))
        indexed, gone = self._bring_up_to_date(root, settings, known, on_disk)
        return indexed, len([p for p in gone if p in known])

    def sync_tickets(self, root: Path, settings: Settings, paths: Iterable[str]) -> None:
        """Bring just these ticket files up to date (the others stay as the last `sync` left
        them, and the next one still finds what changed among them)."""
        chosen = sorted(set(paths))
        known: dict[str, tuple[int, int, str, int]] = {}
        for query in in_slices("SELECT path, mtime_ns, size, fingerprint, read_ns FROM files "
                               "WHERE path IN ({})", chosen):
            known.update((path, (mtime, size, fingerprint, read_ns))
                         for path, mtime, size, fingerprint, read_ns in self.db.execute(*query))
        on_disk = {}
        root_text = str(root)
        for path in chosen:
            try:
                status = os.stat(os.path.join(root_text, path))
            except OSError:
                continue
            on_disk[path] = ("ticket", status.st_mtime_ns, status.st_size)
        self._bring_up_to_date(root, settings, known, on_disk)

    def _bring_up_to_date(self, root: Path, settings: Settings,
                          known: dict[str, tuple[int, int, str, int]],
                          on_disk: dict[str, tuple[str, int, int]]) -> tuple[int, list[str]]:
        """Index the files of `on_disk` that changed since `known` was indexed, drop the
        `known` ones gone; (indexed, gone). A file is read again when its size or time
        differs, or when it was modified so shortly before it was last read that a later
        change could have kept the same time (each file's own read time: a run that reads
        only some tickets vouches for no other file)."""
        started = time.time_ns()
        stale = []
        for path, (kind, mtime, size) in on_disk.items():
            record = known.get(path)
            if record is None or record[:2] != (mtime, size) or mtime >= record[3] - RACY_NS:
                stale.append((path, kind))
        gone = [path for path in known if path not in on_disk]
        indexed = 0
        with self.db:
            for path, kind in stale:
                item, _ = load_file(root, path, kind, settings)
                if item is None:
                    gone.append(path)  # unreadable now: `check` says why
                    continue
                entry = _entry(item)
                fingerprint = _fingerprint(entry)
                _, mtime, size = on_disk[path]
                if known.get(path, (0, 0, None, 0))[2] != fingerprint:
                    self._replace(entry, fingerprint)
                    indexed += 1
                self.db.execute("UPDATE files SET mtime_ns = ?, size = ?, read_ns = ? "
                                "WHERE path = ?", (mtime, size, started, path))
            for path in gone:
                self._drop(path)
        return indexed, gone

    def _drop(self, path: str) -> None:
        row = self.db.execute("SELECT doc FROM files WHERE path = ?", (path,)).fetchone()
        if row is None:
            return
        # By rowid: a condition on an FTS5 column would scan the whole table.
        self.db.execute("DELETE FROM docs WHERE rowid = ?", row)
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))

    def _replace(self, entry: Entry, fingerprint: str) -> None:
        self._drop(entry.path)
        doc = self.db.execute(
            "INSERT INTO docs (path, kind, ident, shelf, title, keywords, symptoms, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.path, entry.kind, entry.ident, _shelf(entry.kind), entry.title, entry.keywords,
             entry.symptoms, entry.body)).lastrowid
        self.db.execute("INSERT INTO files (path, doc, kind, fingerprint) VALUES (?, ?, ?, ?)",
                        (entry.path, doc, entry.kind, fingerprint))

    def search(self, match: str, limit: int, kinds: tuple[str, ...] = KNOWLEDGE,
               among: Iterable[str] | None = None) -> list[tuple[str, str, str, str, float]]:
        """(path, kind, ident, title, score) best first among `kinds` (and, given `among`,
        among those paths only); `match` is an FTS5 query."""
        if not match:
            return []
        weights = ", ".join(str(w) for w in WEIGHTS)
        shelves = " OR ".join(f"shelf:{shelf}" for shelf in dict.fromkeys(map(_shelf, kinds)))
        marks = ", ".join("?" for _ in kinds)
        within = ""
        if among is not None:  # as a table: a list of parameters has a limit
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS among (path TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM temp.among")
            self.db.executemany("INSERT OR IGNORE INTO temp.among VALUES (?)",
                                ((path,) for path in among))
            within = " AND path IN (SELECT path FROM temp.among)"
        rows = self.db.execute(
            f"SELECT path, kind, ident, title, bm25(docs, 0, 0, 0, 0, {weights}) AS s "
            f"FROM docs WHERE docs MATCH ? AND kind IN ({marks}){within} ORDER BY s LIMIT ?",
            (f"({match}) AND ({shelves})", *kinds, limit))
        return [(path, kind, ident, title, -score) for path, kind, ident, title, score in rows]

    def text(self, path: str) -> str:
        """All the indexed text of one file (to say why it matched)."""
        row = self.db.execute("SELECT title, keywords, symptoms, body FROM docs WHERE rowid = "
                              "(SELECT doc FROM files WHERE path = ?)", (path,)).fetchone()
        return "\n".join(row) if row else ""

    def close(self) -> None:
        self.db.close()


def _create(db: sqlite3.Connection) -> None:
    db.executescript(f"""
        DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS meta;
        DROP TABLE IF EXISTS docs_terms; DROP TABLE IF EXISTS ticket_docs;
        CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, kind UNINDEXED, ident UNINDEXED,
            shelf, title, keywords, symptoms, body,
            tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE TABLE files (path TEXT PRIMARY KEY, doc INTEGER, kind TEXT, fingerprint TEXT,
            mtime_ns INTEGER, size INTEGER, read_ns INTEGER);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        INSERT INTO meta VALUES ('format', '{FORMAT}');
    """)


def _shelf(kind: str) -> str:
    # One table, so that the desk's own words in tickets weigh every term (a word in every
    # ticket says little), with a token to rank knowledge or tickets only: a column filter
    # lets FTS5 skip the other rows' scores.
    return "ticket" if kind == "ticket" else "knowledge"


def _stat_files(root: Path, folders: list[str]) -> Iterator[tuple[str, tuple[str, int, int]]]:
    """(path, (kind, modification time, size)) of every file the index holds: the files
    `load_vault` reads (what cannot be read, `check` reports)."""
    root_text = str(root)
    for folder in folders:
        for path in walk_files(root, folder, []):
            kind = "script" if folder == SCRIPTS_DIR else classify(path)
            if kind not in ("ticket", "kb", "sop", "script"):
                continue
            try:
                status = os.stat(os.path.join(root_text, path))
            except OSError:
                continue
            yield path, (kind, status.st_mtime_ns, status.st_size)


def index_of(documents: Iterable[Document]) -> SearchIndex:
    """An index in memory of just `documents` (a window's tickets, say): searching a few
    hundred costs a few hundred, however many years of tickets the vault holds."""
    db = sqlite3.connect(":memory:")
    _create(db)
    index = SearchIndex(db)
    with db:
        for document in documents:
            entry = _entry(document)
            index._replace(entry, _fingerprint(entry))
    return index


def open_index(vault: Vault, kinds: tuple[str, ...] = tuple(FOLDERS),
               persist: bool = True, tickets: Sequence[str] | None = None) -> SearchIndex:
    """The vault's index, with the files of `kinds` up to date with the disk (a KB suggestion
    needs only the knowledge folders) or, given `tickets` (paths), just those ticket files;
    in memory when the vault folder cannot be written. Only `vault.root` and
    `vault.settings` are read, so a vault loaded with just one ticket will do."""
    db: sqlite3.Connection | None = None
    if persist:
        path = vault.root / INDEX_PATH
        try:
            prepare_cache_folder(path.parent)
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
        if tickets is None:
            index.sync(vault.root, vault.settings, kinds)
        else:
            index.sync_tickets(vault.root, vault.settings, tickets)
    except sqlite3.Error:  # a damaged file: start again in memory rather than fail
        index.close()
        if not persist:
            raise
        return open_index(vault, kinds, persist=False, tickets=tickets)
    return index
