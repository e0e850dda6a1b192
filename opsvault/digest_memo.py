"""What a pure function gave for a text on an earlier run, in `.opsvault/`: one SQLite file of
rows keyed by a digest of the text, so that a run does the work only for texts it has not
seen (the front matter of files that changed, the secret scan of files that changed).

A row holds the answer as text; what it means is its user's business. The memo is dropped
with its key (its format, and whatever its answers depend on), rewritten without the rows no
text used once those are a good share of it, and never needed: a memo that cannot be read or
written only means doing the work again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from .sqlite_cache import add_rows, read_rows, write_new

_SCHEMA = "CREATE TABLE answers (digest TEXT PRIMARY KEY, value TEXT NOT NULL);"
_INSERT = "INSERT OR REPLACE INTO answers VALUES (?, ?)"
# A memo holding this many more rows than a whole run used is written again without them.
_STALE_SHARE = 0.25


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class DigestMemo:
    """One memo for one run: `lookup` before the work, `keep` after, `save` at the end (which
    writes only when something new was kept)."""

    def __init__(self, path: Path, key: Mapping[str, str],
                 prepare: Callable[[Path], None] | None = None) -> None:
        self.path = path
        self._key = dict(key)
        self._prepare = prepare  # makes the cache folder (with its .gitignore) when needed
        self._rows: dict[str, str] = dict(
            read_rows(path, self._key, "SELECT digest, value FROM answers") or ())
        self._used: set[str] = set()
        self._fresh: dict[str, str] = {}
        self.hits = 0  # answers given from the memo in this run

    def lookup(self, text: str) -> tuple[str, str | None]:
        """The digest of `text`, and the answer kept for it (None when there is none)."""
        digest = text_digest(text)
        stored = self._rows.get(digest)
        if stored is not None:
            self._used.add(digest)
            self.hits += 1
        return digest, stored

    def keep(self, digest: str, value: str) -> None:
        """Keep `value` as the answer for the text of `digest` (from `lookup`)."""
        self._used.add(digest)
        self._fresh[digest] = value

    def forget(self, digest: str) -> None:
        """The answer kept for `digest` turned out unusable: not counted as used."""
        self._used.discard(digest)
        self.hits -= 1

    def save(self, whole_run: bool) -> None:
        """Write what was kept anew; after a `whole_run` (every text there is was looked up),
        drop the rows no text used once they are a good share of the memo."""
        stale = len(self._rows.keys() - self._used) if whole_run else 0
        rewrite = not self._rows or stale > _STALE_SHARE * max(len(self._used), 1)
        if rewrite:
            kept = {digest: self._rows[digest] for digest in self._used
                    if digest in self._rows} if whole_run else dict(self._rows)
            write_new(self.path, self._key, _SCHEMA, _INSERT, {**kept, **self._fresh}.items(),
                      self._prepare)
        elif self._fresh:
            add_rows(self.path, self._key, _INSERT, self._fresh.items())
