"""Full-text search over the vault: one SQLite FTS5 index (BM25 ranking) in `.opsvault/`,
kept up to date file by file, that KB suggestions share (`suggest`)."""

from __future__ import annotations

from .index import SearchIndex, open_index
from .suggest import Suggestion, query_for_ticket, suggest

__all__ = ["SearchIndex", "Suggestion", "open_index", "query_for_ticket", "suggest"]
