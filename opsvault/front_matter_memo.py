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

`SettingsFilesMemo` (`.opsvault/settings-files.sqlite`) does the same for the whole YAML files
every command reads — the settings, their defaults and the team — with their keys' lines, so
that a command answered from the caches does not even load the YAML library.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import __version__
from .diagnostics import Diagnostic
from .digest_memo import DigestMemo, text_digest
from .files import load_mapping, shared

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
        value = decode_value(stored)
        if not isinstance(value, dict):
            self._memo.forget(digest)
            return None
        return value

    def put(self, yaml_text: str, value: Mapping[str, Any]) -> None:
        """Keep what `yaml_text` parsed to (found clean), if the memo can hold it exactly."""
        encoded = encode_value(dict(value))
        if encoded is not None:
            self._memo.keep(text_digest(yaml_text), encoded)

    def save(self, whole_vault: bool) -> None:
        """Write what was parsed anew; after loading `whole_vault`, drop the rows of front
        matter no file holds any more once they are a good share of the memo."""
        self._memo.save(whole_vault)


SETTINGS_FILES_MEMO_NAME = "settings-files.sqlite"
_SETTINGS_FILES_FORMAT = "1"


class SettingsFilesMemo:
    """The memo of the YAML files one load reads whole: `load` for each (as
    `load_mapping(text, rel_path, nested_lines=True)` gives it), `save` once all are read.
    Only a clean parse is kept: a file with findings is parsed, and its findings reported,
    each time."""

    def __init__(self, cache_folder: Path,
                 prepare: Callable[[Path], None] | None = None) -> None:
        self._memo = DigestMemo(cache_folder / SETTINGS_FILES_MEMO_NAME,
                                {"format": _SETTINGS_FILES_FORMAT,
                                 "opsvault_version": __version__}, prepare)

    def load(self, text: str, rel_path: str
             ) -> tuple[Mapping[str, Any] | None, Mapping[str, int], list[Diagnostic]]:
        digest, stored = self._memo.lookup(text)
        if stored is not None:
            value = decode_value(stored)
            if isinstance(value, list) and len(value) == 2 and isinstance(value[0], dict) \
                    and isinstance(value[1], dict):
                return MappingProxyType(value[0]), MappingProxyType(value[1]), []
            self._memo.forget(digest)
        data, lines, problems = load_mapping(text, rel_path, nested_lines=True)
        if data is not None and not problems:
            encoded = encode_value([dict(data), dict(lines)])
            if encoded is not None:
                self._memo.keep(digest, encoded)
        return data, lines, problems

    def save(self) -> None:
        """Write what was parsed anew; every file a load reads was read, so rows of texts no
        longer there (an edited settings file's) are dropped."""
        self._memo.save(whole_run=True)


def encode_value(value: Any) -> str | None:
    """`value` as JSON that `decode_value` gives back with every type, or None when it holds
    a type or a shared container that JSON could not tell apart."""
    try:
        return json.dumps(_tag(value, set()), separators=(",", ":"), allow_nan=False)
    except (_NotKept, ValueError):
        return None


def decode_value(encoded: str) -> Any:
    """What `encode_value` was given (None when `encoded` is not such JSON)."""
    try:
        return json.loads(encoded, object_hook=_untag)
    except (ValueError, TypeError, KeyError):
        return None


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
