"""The staging folder: what the site engine builds from. Files are written only when their
content changed, each atomically, so a running `serve` reloads just the pages that changed and
never reads a half-written file; files no longer generated are removed."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
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


def write_all(root: Path, files: Iterable[StagedFile], prune: bool = True) -> WriteResult:
    """Write every file; with `prune`, remove the files under `root` that are not among them."""
    root.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    wanted: set[str] = set()
    folders: set[str] = set()
    for staged in files:
        if staged.path in wanted:
            continue  # the first file generated for a path wins
        wanted.add(staged.path)
        if write_file(root, staged, folders):
            changed.append(staged.path)
    removed: list[str] = []
    if prune:
        for directory, _subdirs, names in os.walk(root, topdown=False):
            for name in names:
                rel = (Path(directory) / name).relative_to(root).as_posix()
                if rel not in wanted:
                    (Path(directory) / name).unlink()
                    removed.append(rel)
            if directory != str(root) and not os.listdir(directory):
                os.rmdir(directory)
    return WriteResult(tuple(changed), tuple(sorted(removed)))
