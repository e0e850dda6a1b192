"""Ids are unique across tickets, KB entries and SOPs; a duplicate names both files."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from ..model import Document
from .context import CheckContext


def check(context: CheckContext) -> Iterator[Diagnostic]:
    first_by_id: dict[str, Document] = {}
    for document in context.vault.documents():
        if document.kind == "page" or not document.id:
            continue
        earlier = first_by_id.setdefault(document.id, document)
        if earlier is document:
            continue
        yield error(document.path, document.line_of("id"), "duplicate-id",
                    f"id '{document.id}' is also used by {earlier.path}:{earlier.line_of('id')}")
