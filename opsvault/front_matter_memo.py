"""Front matter parsed on an earlier run: `.opsvault/front-matter.sqlite`, so that loading a big
vault parses YAML only for the files whose front matter changed.

Parsing YAML is most of what loading a vault costs (about 90 µs a ticket; 20,000 tickets are
two seconds). A row holds the value one front matter's exact text parsed to, keyed by a digest
of that text, as JSON that keeps every type the parser gives: dates and date-times (naive or
with a fixed offset) are tagged, mappings keep their keys' types and order. Only values made
of those types are kept, never one whose parse gave a finding (a duplicate key: the finding
must be reported each time) or whose YAML shared a node twice (an alias: the parser gives the
same object twice, which JSON would copy). The memo is dropped with opsvault's version. JSON in
SQLite, not pickle: opening a memo found in a copied folder must not run code; a memo that
cannot be read or written only means parsing again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .digest_memo import DigestMemo, text_digest
from .files import shared

MEMO_NAME = "front-matter.sqlite"
FORMAT = "2"


class _NotKept(Exception):
    """A value the memo does not keep (a type JSON cannot tell apart, or a shared node)."""


class FrontMatterMemo:
    """The memo of one vault for one load: `get` before parsing, `put` after, `save` at the
    end (which writes only when something new was parsed)."""

    def __init__(self, cache_folder: Path,
                 prepare: Callable[[Path], None] | None = None) -> None:
        self.path = cache_folder / MEMO_NAME
        self._memo = DigestMemo(self.path, {"format": FORMAT, "opsvault_version": __version__},
                                prepare)

    @property
    def hits(self) -> int:
        """Front matter given back from the memo in this load."""
        return self._memo.hits

    def get(self, yaml_text: str) -> Mapping[str, Any] | None:
        """The value this exact front matter parsed to before, or None."""
        digest, stored = self._memo.lookup(yaml_text)
        if stored is None:
            return None
        try:
            value = json.loads(stored, object_hook=_untag)
        except (ValueError, TypeError, KeyError):
            value = None
        if not isinstance(value, dict):
            self._memo.forget(digest)
            return None
        return value

    def put(self, yaml_text: str, value: Mapping[str, Any]) -> None:
        """Keep what `yaml_text` parsed to (found clean), if the memo can hold it exactly."""
        try:
            encoded = json.dumps(_tag(dict(value), set()), separators=(",", ":"),
                                 allow_nan=False)
        except (_NotKept, ValueError):
            return
        self._memo.keep(text_digest(yaml_text), encoded)

    def save(self, whole_vault: bool) -> None:
        """Write what was parsed anew; after loading `whole_vault`, drop the rows of front
        matter no file holds any more once they are a good share of the memo."""
        self._memo.save(whole_vault)


# --- values as JSON -------------------------------------------------------------------------
# Strings, numbers, booleans, null and lists are themselves; every JSON object is a tag:
# {"m": [[key, value], ...]} a mapping, {"d": "2026-11-30"} a date, {"t": "…"} a date-time.

def _tag(value: Any, containers: set[int]) -> Any:
    kind = type(value)
    if kind in (str, int, bool, float) or value is None:
        return value
    if kind is datetime:
        if value.tzinfo is not None and type(value.tzinfo) is not timezone:
            raise _NotKept
        return {"t": value.isoformat()}
    if kind is date:
        return {"d": value.isoformat()}
    if kind in (list, dict):
        if id(value) in containers:
            raise _NotKept  # the same node twice (a YAML alias)
        containers.add(id(value))
        if kind is list:
            return [_tag(item, containers) for item in value]
        return {"m": [[_tag(k, containers), _tag(v, containers)] for k, v in value.items()]}
    raise _NotKept


def _untag(tagged: dict[str, Any]) -> Any:
    if "m" in tagged:
        # Keys and short values held once: 20,000 tickets repeat the same dozen keys and a
        # few statuses, priorities and handles (a tenth of a loaded vault's memory).
        return {shared(key): shared(value) for key, value in tagged["m"]}
    if "t" in tagged:
        return datetime.fromisoformat(tagged["t"])
    return date.fromisoformat(tagged["d"])
