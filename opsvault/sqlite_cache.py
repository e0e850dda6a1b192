"""The SQLite files under `.opsvault/` that keep work between runs: read under a key, written
whole to a temporary file and moved into place, or added to in one transaction.

Each cache has a `meta` table of (key, value) rows; a cache whose meta is not the key its
reader expects (another format, opsvault version, settings) is not used. Any trouble reading
means "no cache", any trouble writing means "not kept": a cache is a help, never a need.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

Query = str | tuple[str, Sequence[Any]]  # SQL, or SQL and its parameters
# Older SQLite builds allow 999 parameters in one statement.
_MAX_PARAMETERS = 900


def in_slices(sql: str, values: Sequence[Any]) -> list[tuple[str, Sequence[Any]]]:
    """`sql`, whose `{}` stands for the list of an `IN (…)`, as queries of at most 900
    values each, for `values`: one per slice, to run one after the other."""
    return [(sql.format(", ".join("?" * len(part))), part)
            for part in (values[start:start + _MAX_PARAMETERS]
                         for start in range(0, len(values), _MAX_PARAMETERS))]


def read_rows(path: Path, key: Mapping[str, str], *queries: Query
              ) -> list[tuple[Any, ...]] | None:
    """The rows the `queries` give, one after the other, or None when the cache is missing,
    made under another key or unreadable."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if dict(connection.execute("SELECT key, value FROM meta")) != dict(key):
            return None
        return [row for query in queries
                for row in (connection.execute(query) if isinstance(query, str)
                            else connection.execute(*query))]
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        connection.close()


def write_new(path: Path, key: Mapping[str, str], schema: str, insert: str,
              rows: Iterable[tuple[Any, ...]],
              prepare: Callable[[Path], None] | None = None) -> None:
    """A new cache of `rows` (`schema` makes its tables besides `meta`), moved into place
    whole, so that a reader sees the old one or the new one."""
    with contextlib.suppress(OSError, sqlite3.Error):
        if prepare is not None:
            prepare(path.parent)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        try:
            connection = sqlite3.connect(temporary, isolation_level=None)
            try:
                connection.executescript(
                    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + schema)
                connection.execute("BEGIN")
                connection.executemany("INSERT INTO meta VALUES (?, ?)", key.items())
                connection.executemany(insert, rows)
                connection.commit()
            finally:
                connection.close()
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


def add_rows(path: Path, key: Mapping[str, str], insert: str,
             rows: Iterable[tuple[Any, ...]], delete: str | None = None,
             deleted: Iterable[tuple[Any, ...]] = ()) -> None:
    """`rows` added (after the `delete` statement has run for each of `deleted`) in one
    transaction, if the cache is still one made under `key` (another run may have started a
    new one meanwhile)."""
    with contextlib.suppress(OSError, sqlite3.Error):
        connection = sqlite3.connect(path, timeout=1, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            if dict(connection.execute("SELECT key, value FROM meta")) == dict(key):
                if delete is not None:
                    connection.executemany(delete, deleted)
                connection.executemany(insert, rows)
            connection.commit()
        finally:
            connection.close()
