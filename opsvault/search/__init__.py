"""Full-text search over the vault: one SQLite FTS5 index (BM25 ranking) in `.opsvault/`,
kept up to date file by file, that KB suggestions share (`suggest`)."""

from __future__ import annotations

from .index import KNOWLEDGE, SearchIndex, open_index
from .suggest import (
    RepeatHint,
    Suggestion,
    fixes_for_open,
    for_ticket,
    likely_repeat,
    linked_targets,
    may_apply,
    may_apply_hint,
    query_for_ticket,
    repeat_hint,
    repeat_hint_text,
    suggest,
)

__all__ = ["KNOWLEDGE", "RepeatHint", "SearchIndex", "Suggestion", "fixes_for_open",
           "for_ticket",
           "likely_repeat", "linked_targets", "may_apply", "may_apply_hint", "open_index",
           "query_for_ticket", "repeat_hint", "repeat_hint_text", "suggest"]
