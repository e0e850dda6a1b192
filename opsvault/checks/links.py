"""Link rules: every `[[…]]`, `![[…]]` and front-matter link resolves inside the vault."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from ..model import Document, as_strings, link_target
from ..wikilinks import WikiLink
from .context import CheckContext

LINK_FIELDS = ("related", "repeat_of", "kb")


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for document in context.vault.documents():
        for link in document.wikilinks:
            yield from _resolve(document, link, context)
        for key in LINK_FIELDS:
            for value in as_strings(document.meta.get(key)):
                target = link_target(value)
                if target is None:
                    continue
                resolution = context.index.resolve(target, document.path)
                if resolution.path is None:
                    yield _unresolved(document.path, document.line_of(key), f"'{key}' link",
                                      target, resolution.problem, resolution.candidates)
                elif key == "repeat_of" and resolution.path == document.path:
                    yield error(document.path, document.line_of(key), "invalid-value",
                                "'repeat_of' points at the ticket itself")


def _resolve(document: Document, link: WikiLink, context: CheckContext) -> Iterator[Diagnostic]:
    what = "embed" if link.embed else "link"
    if not link.target:
        if link.heading and link.heading.lower() not in document.headings:
            yield error(document.path, link.line, "unresolved-heading",
                        f"{what} {link.raw}: no heading or block '{link.heading}' in this note")
        return
    if link.is_external:
        return  # [[https://…|text]]: a link to a web page, as in Obsidian
    resolution = context.index.resolve(link.target, document.path)
    if resolution.path is None:
        yield _unresolved(document.path, link.line, f"{what} {link.raw}", link.target,
                          resolution.problem, resolution.candidates)
        return
    target = context.index.documents.get(resolution.path)
    # `#A#B` is heading B under heading A: each must be a heading of the note.
    if link.heading and target is not None and link.heading.lower() not in target.headings \
            and not all(part.strip().lower() in target.headings
                        for part in link.heading.split("#") if part.strip()):
        yield error(document.path, link.line, "unresolved-heading",
                    f"{what} {link.raw}: {resolution.path} has no heading or block "
                    f"'{link.heading}'")


def _unresolved(path: str, line: int, what: str, target: str, problem: str | None,
                candidates: tuple[str, ...]) -> Diagnostic:
    if problem == "outside":
        return error(path, line, "link-outside-vault",
                     f"{what} points outside the vault ('{target}')")
    if problem == "ambiguous":
        return error(path, line, "ambiguous-link",
                     f"{what}: '{target}' matches several files: {', '.join(candidates[:4])}")
    return error(path, line, "unresolved-link",
                 f"{what}: no note, id or alias '{target}' in the vault")
