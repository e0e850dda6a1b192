"""HEAD from the repository's files, for the question every command asks first: is the history
cache current? Answering it this way needs no git process (a few milliseconds each).

Only the plain layout is read: a `.git` folder beside the working tree, loose and packed refs,
no shallow clone and no `git replace` refs. Anything else (a worktree or submodule, whose
`.git` is a file; GIT_DIR and friends; reftable; core.worktree or a bare repository) gives
None, and the caller asks git as before, which answers the same for the plain layout.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

SHA = re.compile(r"^[0-9a-f]{40}$")
# What changes where git looks, which this reader does not follow.
GIT_ENVIRONMENT = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
                   "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_REPLACE_REF_BASE",
                   "GIT_NO_REPLACE_OBJECTS")
CONFIG_WE_DO_NOT_FOLLOW = re.compile(r"^\s*(worktree|bare\s*=\s*true|refstorage)", re.I | re.M)
MAX_SYMBOLIC_DEPTH = 5


@dataclass(frozen=True)
class QuickLook:
    """What the cache key and the currency check need: where the vault sits, and HEAD."""

    prefix: str  # the vault folder inside the working tree, "" or "sub/dir/"
    head: str | None  # None: no commit yet (an unborn branch)


def quick_look(vault_root: Path) -> QuickLook | None:
    """HEAD of the plain repository holding `vault_root`; None to ask git instead."""
    if any(name in os.environ for name in GIT_ENVIRONMENT):
        return None
    root = vault_root.resolve()
    top = next((folder for folder in (root, *root.parents)
                if os.path.lexists(folder / ".git")), None)
    if top is None:
        return None
    git_dir = top / ".git"
    try:
        if not git_dir.is_dir() or git_dir.is_symlink():
            return None
        config = (git_dir / "config").read_text(encoding="utf-8", errors="replace")
        if CONFIG_WE_DO_NOT_FOLLOW.search(config) or (git_dir / "reftable").exists() \
                or (git_dir / "shallow").exists() or (git_dir / "commondir").exists():
            return None
        packed = _packed_refs(git_dir)
        if any(name.startswith("refs/replace/") for name in packed) or \
                _has_files(git_dir / "refs" / "replace"):
            return None
        head = _resolve(git_dir, "HEAD", packed)
    except (OSError, ValueError):
        return None
    relative = root.relative_to(top).as_posix()
    return QuickLook("" if relative == "." else relative + "/", head)


def _packed_refs(git_dir: Path) -> dict[str, str]:
    try:
        text = (git_dir / "packed-refs").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    refs = {}
    for line in text.splitlines():
        if not line or line.startswith(("#", "^")):
            continue
        sha, _, name = line.partition(" ")
        if not SHA.match(sha):
            raise ValueError(f"packed-refs: {line!r}")
        refs[name] = sha
    return refs


def _resolve(git_dir: Path, name: str, packed: dict[str, str]) -> str | None:
    """The commit `name` (HEAD or a ref) points at, following `ref:` links; None when the
    branch it names has no commit yet."""
    for _ in range(MAX_SYMBOLIC_DEPTH):
        path = git_dir / name
        try:
            text = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            if name == "HEAD":
                raise ValueError("no HEAD") from None
            return packed.get(name)  # a packed ref, or an unborn branch (None)
        if text.startswith("ref: "):
            name = text[5:].strip()
            if not name.startswith("refs/") or ".." in name.split("/"):
                raise ValueError(f"HEAD points at {name!r}")
            continue
        if not SHA.match(text):
            raise ValueError(f"{name}: {text!r}")
        return text
    raise ValueError("symbolic refs nested too deep")


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(files for _, _, files in os.walk(folder))
