"""Reading vault files: bytes → text → front matter + body, with line numbers and no tracebacks.

This is the only module that touches raw file bytes. Everything it cannot read becomes a
`Diagnostic` naming the file and line, so one bad file never stops the rest of the vault.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, error

if TYPE_CHECKING:
    from .front_matter_memo import FrontMatterMemo

# Obsidian and every editor open far smaller notes; anything this big is a pasted log or a
# mistake, and parsing it would dominate a check run.
MAX_FILE_BYTES = 5 * 1024 * 1024

_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_OPENING_FENCE = re.compile(r"---[ \t]*\r?\n")

EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file split into front matter and body, remembering where each key sits.

    The text is kept as its two parts, `head` (up to the body) and `body`, and joined when
    asked for: a loaded vault would otherwise hold every body twice (a tenth of its memory)."""

    path: str  # relative to the vault root, POSIX separators
    head: str  # the text before the body: the front matter and its fences ("" without)
    meta: Mapping[str, Any]
    body: str
    body_line: int  # file line of the body's first line
    has_front_matter: bool
    front_matter_span: tuple[int, int] = (0, 0)  # where the YAML sits in `text` (in `head`)

    @property
    def text(self) -> str:
        """The whole text: decoded, BOM removed, line endings as in the file."""
        return self.head + self.body if self.head else self.body

    @cached_property
    def key_lines(self) -> Mapping[str, int]:
        """Line of each front-matter key: "status" → 4, "requester.email" → 9.

        Worked out on first use, which is rare: only files with findings need lines.
        """
        start, end = self.front_matter_span
        if end <= start:
            return EMPTY
        _, lines, _ = load_mapping(self.head[start:end], self.path, first_line=2)
        return lines

    def line_of(self, key: str) -> int:
        """The line of a front-matter key, falling back to its parent key, then line 1."""
        while key:
            if key in self.key_lines:
                return self.key_lines[key]
            key = key.rpartition(".")[0]
        return 1


def read_text(root: Path, rel_path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode a file as UTF-8 text, or say in one line why it cannot be."""
    try:
        with open(os.path.join(root, rel_path), "rb") as stream:
            data = stream.read()
    except OSError as exc:
        return None, [error(rel_path, 0, "unreadable", f"cannot read file: {exc.strerror or exc}")]
    if len(data) > MAX_FILE_BYTES:
        size_mb = len(data) / 1024 / 1024
        limit_mb = MAX_FILE_BYTES // 1024 // 1024
        message = f"file is {size_mb:.1f} MB; the limit is {limit_mb} MB"
        return None, [error(rel_path, 0, "file-too-large", message)]
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        return None, [error(rel_path, line, "binary-file", "binary data (NUL byte) in a text file")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            error(rel_path, line, "not-utf8",
                  f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
        ]


def read_source(root: Path, rel_path: str, memo: FrontMatterMemo | None = None
                ) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read a Markdown file with YAML front matter (with a `memo`, parsed only if its front
    matter is not there)."""
    text, problems = read_text(root, rel_path)
    if text is None:
        return None, problems
    return parse_source(rel_path, text, memo)


# The lines git writes into a file whose merge stopped on a conflict.
_CONFLICT_MARKER = re.compile(r"^(?:<{7}(?: .*)?|>{7}(?: .*)?|\|{7}(?: .*)?)\r?$", re.MULTILINE)


def conflict_line(text: str) -> int | None:
    """The line of the first merge-conflict marker (`<<<<<<<`, `|||||||`, `>>>>>>>`), if any."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    match = _CONFLICT_MARKER.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def parse_source(rel_path: str, text: str, memo: FrontMatterMemo | None = None
                 ) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Split already-decoded text into front matter and body.

    A file that still holds merge-conflict markers is not read at all: half of it is someone
    else's version, and publishing or editing it would spread the damage.
    """
    if not text.strip():
        return None, [error(rel_path, 1, "empty-file", "file is empty")]
    marker = conflict_line(text)
    if marker is not None:
        return None, [error(rel_path, marker, "merge-conflict",
                            "unresolved merge conflict (a <<<<<<< / >>>>>>> marker); resolve "
                            "it and commit")]
    opening = _OPENING_FENCE.match(text)
    if opening is None:
        source = SourceFile(rel_path, "", EMPTY, text, 1, has_front_matter=False)
        return source, []
    closing = _CLOSING_FENCE.search(text, opening.end())
    if closing is None:
        return None, [error(rel_path, 1, "front-matter-unclosed",
                            "front matter opened with '---' is never closed")]
    yaml_text = text[opening.end():closing.start()]
    body_start = text.find("\n", closing.end())
    head, body = (text, "") if body_start == -1 else (text[:body_start + 1],
                                                       text[body_start + 1:])
    body_line = 3 + yaml_text.count("\n")
    remembered = memo.get(yaml_text) if memo is not None else None
    if remembered is not None:
        meta, problems = MappingProxyType(remembered), []
    else:
        meta, _, problems = load_mapping(yaml_text, rel_path, first_line=2, with_lines=False)
        if meta is None:
            return None, problems
        if memo is not None and not problems:
            memo.put(yaml_text, meta)
    span = (opening.end(), closing.start())
    return SourceFile(rel_path, head, meta, body, body_line, True, span), problems


def load_mapping(
    yaml_text: str, rel_path: str, first_line: int = 1, nested_lines: bool = False,
    with_lines: bool = True,
) -> tuple[Mapping[str, Any] | None, Mapping[str, int], list[Diagnostic]]:
    """Parse YAML that must be a mapping; return it with the line of every key.

    Top-level keys and one level below are located ("requester.email"); with `nested_lines`
    every depth is (used for settings files, which are small). Without `with_lines` no lines
    are returned, which is faster; duplicate keys are still reported.
    """
    # The YAML library only once something is parsed: commands answered from the caches
    # (lists, boards, SLA clocks) never load it.
    from .yaml_values import parse_mapping

    return parse_mapping(yaml_text, rel_path, first_line, nested_lines, with_lines)


SHARED_LENGTH = 40  # strings up to this long are interned (see `shared`)
def shared(value: Any) -> Any:
    """Keys and short strings held once: a big vault's front matter repeats the same keys
    and a few statuses, priorities and handles thousands of times."""
    return sys.intern(value) if type(value) is str and len(value) <= SHARED_LENGTH else value
