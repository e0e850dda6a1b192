"""KB entry rules: the seed's required sections, folder vs category, stale entries."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error, warning
from ..model import KBEntry
from .context import CheckContext


def check(context: CheckContext) -> Iterator[Diagnostic]:
    yield from _shared_titles(context)
    settings = context.vault.settings
    for entry in context.vault.kb:
        if not entry.source.has_front_matter:
            continue
        sections = entry.sections()
        for name in settings.kb_required_sections:
            if name not in sections:
                yield error(entry.path, entry.source.body_line, "kb-missing-section",
                            f"KB entry has no '## {name}' section")
            elif not sections[name][1].strip():
                yield error(entry.path, sections[name][0], "kb-empty-section",
                            f"section '## {name}' is empty")
        category = entry.category
        if category in settings.kb_categories and entry.folder and entry.folder != category:
            yield warning(entry.path, entry.line_of("category"), "kb-wrong-folder",
                          f"category is '{category}' but the entry is in kb/{entry.folder}/; "
                          f"move it to kb/{category}/")
        updated = entry.last_updated
        if updated is not None:
            age = (context.today - updated).days
            if age > settings.kb_stale_after_days:
                yield warning(entry.path, entry.line_of("last_updated"), "kb-stale",
                              f"last updated {age} days ago (more than "
                              f"{settings.kb_stale_after_days}); review the entry")
            elif age < 0:
                yield warning(entry.path, entry.line_of("last_updated"), "future-time",
                              f"'last_updated' ({updated}) is in the future")


def _shared_titles(context: CheckContext) -> Iterator[Diagnostic]:
    """Two KB entries with one title: search shows two results nobody can tell apart, and
    `[[title]]` links cannot say which one they mean."""
    first: dict[str, KBEntry] = {}
    for entry in sorted(context.vault.kb, key=lambda e: e.path):
        key = " ".join(entry.title.casefold().split())
        if key in first:
            yield warning(entry.path, entry.line_of("title"), "duplicate-title",
                          f"another KB entry has the title '{entry.title}' "
                          f"({first[key].path}); merge them or make the titles say how they "
                          "differ")
        else:
            first[key] = entry
