"""The staging folder: what the site engine builds from. Files are written only when their
content changed, each atomically, so a running `serve` reloads just the pages that changed and
never reads a half-written file; files no longer generated are removed."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StagedFile:
    """One generated file: its path inside the staging folder and its content."""

    path: str
    content: str | bytes


@dataclass(frozen=True)
class WriteResult:
    changed: tuple[str, ...]
    removed: tuple[str, ...]


def write_file(root: Path, staged: StagedFile, folders: set[str] | None = None) -> bool:
    """Write one file if its content differs; True when it was written.

    The content goes to a hidden temporary file beside the target, which then replaces it:
    an engine watching the folder never sees half a page. `folders` remembers the folders
    already made, which saves a system call per file on a large site.
    """
    target = os.path.join(root, staged.path)
    data = staged.content.encode("utf-8") if isinstance(staged.content, str) else staged.content
    try:
        if os.stat(target).st_size == len(data):
            with open(target, "rb") as stream:
                if stream.read() == data:
                    return False
    except OSError:
        pass
    folder, _, name = target.rpartition("/")
    if folders is None or folder not in folders:
        os.makedirs(folder, exist_ok=True)
        if folders is not None:
            folders.add(folder)
    temporary = f"{folder}/.{name}.{os.getpid()}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True


class StagingWriter:
    """Writes the staging folder file by file as the pages are made, so that no page's text
    outlives its writing: of two files for one path, the first generated wins.

    `write(staged, precedes=True)` is for a file that comes, in that order, before every one
    written so far without it (pages made in another process and received at the end): it
    replaces one of those, and no later file replaces it."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self._preceding: dict[str, None] = {}  # paths, in order
        self._following: dict[str, None] = {}
        self._changed: dict[str, None] = {}
        self._folders: set[str] = set()

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path written, in the order of precedence."""
        return (*self._preceding, *self._following)

    def write(self, staged: StagedFile, precedes: bool = False) -> None:
        path = staged.path
        if path in self._preceding or (not precedes and path in self._following):
            return
        if precedes:
            self._following.pop(path, None)
            self._preceding[path] = None
        else:
            self._following[path] = None
        if write_file(self.root, staged, self._folders):
            self._changed[path] = None

    def finish(self, prune: bool = True) -> WriteResult:
        """With `prune`, remove the files under the folder that were not written."""
        removed: list[str] = []
        if prune:
            root = self.root
            for directory, _subdirs, names in os.walk(root, topdown=False):
                for name in names:
                    rel = (Path(directory) / name).relative_to(root).as_posix()
                    if rel not in self._preceding and rel not in self._following:
                        (Path(directory) / name).unlink()
                        removed.append(rel)
                if directory != str(root) and not os.listdir(directory):
                    os.rmdir(directory)
        return WriteResult(tuple(self._changed), tuple(sorted(removed)))
