"""The link index: resolves Obsidian link targets by file name, `id` and `aliases`.

Like Obsidian, matching is case-insensitive, `.md` may be written or left out, a target with a
folder matches the end of a path, `./x` and `../x` are relative to the linking note, and when
several files share a name the one in the linking note's folder wins, then the one with the
shortest path.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .model import Document, Vault


@dataclass(frozen=True)
class Resolution:
    """Where a link target leads: a vault path, or why it leads nowhere."""

    path: str | None
    problem: str | None = None  # "missing", "ambiguous", "outside"
    candidates: tuple[str, ...] = ()  # every file the name matched, nearest the root first


class LinkIndex:
    """Every name a note or file can be linked by, mapped to its vault path."""

    def __init__(self, vault: Vault) -> None:
        keys: defaultdict[str, list[str]] = defaultdict(list)
        self.documents: dict[str, Document] = {}
        for document in vault.documents():
            path = document.path
            self.documents[path] = document
            keys[document.name.lower()].append(path)
            if document.id:
                keys[document.id.lower()].append(path)
            for alias in document.aliases:
                keys[alias.lower()].append(path)
        files = [*(script.path for script in vault.scripts), *vault.attachments]
        for path in files:
            keys[path.rpartition("/")[2].lower()].append(path)
        self._keys = {key: tuple(paths) if len(paths) == 1 else
                      tuple(sorted(set(paths), key=_nearest_root_first))
                      for key, paths in keys.items()}
        # Targets with a folder ("kb/Access/x") match the end of a path, for which these serve.
        self._paths_by_slashed = {"/" + p.lower(): p for p in [*self.documents, *files]}
        self._resolved: dict[str, Resolution] = {}

    def resolve(self, target: str, source: str | None = None) -> Resolution:
        """Where `target` leads from the note at vault path `source` (None: from the root)."""
        if source is not None and target.startswith(("./", "../")):
            return self._relative(target, posixpath.dirname(source))
        # Vaults link the same few KB entries and tickets over and over.
        resolution = self._resolved.get(target)
        if resolution is None:
            resolution = self._resolved[target] = self._resolve(target)
        if source is not None and len(resolution.candidates) > 1:
            folder = posixpath.dirname(source)
            here = [path for path in resolution.candidates if posixpath.dirname(path) == folder]
            if len(here) == 1:  # Obsidian: a file beside the linking note comes first
                return Resolution(here[0], candidates=resolution.candidates)
        return resolution

    def _relative(self, target: str, folder: str) -> Resolution:
        """`./x` or `../x`: a path from the linking note's folder, `.md` optional."""
        text = posixpath.normpath(posixpath.join(folder, target.replace("\\", "/")))
        if text.startswith(("/", "..")) or text == ".":
            return Resolution(None, "outside")
        for candidate in (text, text + ".md"):
            path = self._paths_by_slashed.get("/" + candidate.lower())
            if path is not None:
                return Resolution(path, candidates=(path,))
        return Resolution(None, "missing")

    def _resolve(self, target: str) -> Resolution:
        simple = self._keys.get(target.lower())  # the common case: a plain name or id
        if simple is not None:
            return _pick(simple)
        text = target.strip().replace("\\", "/")
        if not text:
            return Resolution(None, "missing")
        if text.startswith("/") or ".." in PurePosixPath(text).parts:
            normalised = posixpath.normpath(text)
            if normalised.startswith(("/", "..")):
                return Resolution(None, "outside")
            text = normalised
        candidates = self._keys.get(text.lower())
        if candidates is None and text.lower().endswith(".md") and "/" not in text:
            candidates = self._keys.get(text.lower()[:-3])  # [[x.md]]: the note x
        if candidates is None and not text.lower().endswith(".md"):
            candidates = self._keys.get(text.lower() + ".md")
        if candidates is None and "/" in text:
            suffix = "/" + text.lower().lstrip("/")
            candidates = tuple(sorted(
                (path for slashed, path in self._paths_by_slashed.items()
                 if slashed.endswith((suffix, suffix + ".md"))),
                key=_nearest_root_first))
        return _pick(candidates) if candidates else Resolution(None, "missing")

    def document(self, target: str) -> Document | None:
        resolution = self.resolve(target)
        return self.documents.get(resolution.path) if resolution.path else None

    def backlinks(self, documents: Iterable[Document]) -> dict[str, list[str]]:
        """Target path → paths of the documents whose body links to it."""
        found: defaultdict[str, list[str]] = defaultdict(list)
        for document in documents:
            for link in document.wikilinks:
                resolved = self.resolve(link.target, document.path).path
                if resolved and document.path not in found[resolved]:
                    found[resolved].append(document.path)
        return dict(found)


def _nearest_root_first(path: str) -> tuple[int, int, str]:
    return path.count("/"), len(path), path


def _pick(candidates: tuple[str, ...]) -> Resolution:
    """Obsidian picks the file nearest the vault root; at equal depth the link is ambiguous.

    `candidates` is sorted with `_nearest_root_first`.
    """
    if len(candidates) > 1 and candidates[0].count("/") == candidates[1].count("/"):
        return Resolution(None, "ambiguous", candidates)
    return Resolution(candidates[0], candidates=candidates)
