"""Reading vault files: bytes → text → front matter + body, with line numbers and no tracebacks.

This is the only module that touches raw file bytes. Everything it cannot read becomes a
`Diagnostic` naming the file and line, so one bad file never stops the rest of the vault.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml

from .diagnostics import Diagnostic, error

if TYPE_CHECKING:
    from .front_matter_memo import FrontMatterMemo

# Obsidian and every editor open far smaller notes; anything this big is a pasted log or a
# mistake, and parsing it would dominate a check run.
MAX_FILE_BYTES = 5 * 1024 * 1024

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_RESOLVER = yaml.resolver.Resolver()


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with a memo on tag resolution.

    libyaml parses in C but calls back into Python to resolve every scalar's tag. Front
    matter repeats the same keys and values in every file, and with no path resolvers (none
    are registered) a node's tag depends only on its kind, text and implicitness, so answers
    are memoised; `lru_cache` answers a repeat without running any Python code.
    """

    resolve = staticmethod(functools.lru_cache(maxsize=65_536)(_RESOLVER.resolve))


_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_OPENING_FENCE = re.compile(r"---[ \t]*\r?\n")

EMPTY: Mapping[str, Any] = MappingProxyType({})
# What building a value can raise: PyYAML's own errors, bad dates (2026-13-40), unhashable
# keys, and an AttributeError PyYAML raises on time zones with seconds (+02:09:20).
_VALUE_ERRORS = (yaml.YAMLError, ValueError, TypeError, OverflowError, AttributeError,
                 RecursionError)


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file split into front matter and body, remembering where each key sits."""

    path: str  # relative to the vault root, POSIX separators
    text: str  # decoded, BOM removed, line endings as in the file
    meta: Mapping[str, Any]
    body: str
    body_line: int  # file line of the body's first line
    has_front_matter: bool
    front_matter_span: tuple[int, int] = (0, 0)  # where the YAML sits in `text`

    @cached_property
    def key_lines(self) -> Mapping[str, int]:
        """Line of each front-matter key: "status" → 4, "requester.email" → 9.

        Worked out on first use, which is rare: only files with findings need lines.
        """
        start, end = self.front_matter_span
        if end <= start:
            return EMPTY
        _, lines, _ = load_mapping(self.text[start:end], self.path, first_line=2)
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
        source = SourceFile(rel_path, text, EMPTY, text, 1, has_front_matter=False)
        return source, []
    closing = _CLOSING_FENCE.search(text, opening.end())
    if closing is None:
        return None, [error(rel_path, 1, "front-matter-unclosed",
                            "front matter opened with '---' is never closed")]
    yaml_text = text[opening.end():closing.start()]
    body_start = text.find("\n", closing.end())
    body = "" if body_start == -1 else text[body_start + 1:]
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
    return SourceFile(rel_path, text, meta, body, body_line, True, span), problems


def load_mapping(
    yaml_text: str, rel_path: str, first_line: int = 1, nested_lines: bool = False,
    with_lines: bool = True,
) -> tuple[Mapping[str, Any] | None, Mapping[str, int], list[Diagnostic]]:
    """Parse YAML that must be a mapping; return it with the line of every key.

    Top-level keys and one level below are located ("requester.email"); with `nested_lines`
    every depth is (used for settings files, which are small). Without `with_lines` no lines
    are returned, which is faster; duplicate keys are still reported.
    """
    lines = _Lines(yaml_text, first_line - 1)
    loader = _Loader(yaml_text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            return None, EMPTY, [_yaml_error(exc, rel_path, lines)]
        if node is None:
            return EMPTY, EMPTY, []
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            return None, EMPTY, [
                error(rel_path, lines(node.start_mark), "front-matter-not-mapping",
                      f"front matter is {kind}; it must be 'key: value' lines")
            ]
        try:
            data = build_value(node)
        except _VALUE_ERRORS as exc:
            return None, EMPTY, [_construct_error(node, exc, rel_path, lines)]
        key_lines: dict[str, int] = {}
        problems: list[Diagnostic] = []
        # A duplicate key shows as fewer entries than key nodes.
        if with_lines or len(data) != len(node.value) or _has_nested_duplicates(node):
            _collect_key_lines(node, "", lines, key_lines, problems, rel_path,
                               depth=99 if nested_lines else 1)
    finally:
        loader.dispose()
    if not all(isinstance(key, str) for key in data):
        data = {str(key): value for key, value in data.items()}
    return MappingProxyType(data), MappingProxyType(key_lines), problems


SHARED_LENGTH = 40  # strings up to this long are interned (see `shared`)
_TAG = "tag:yaml.org,2002:"
_STR, _INT, _BOOL, _NULL = _TAG + "str", _TAG + "int", _TAG + "bool", _TAG + "null"
_TIMESTAMP, _MAP, _SEQ, _MERGE = _TAG + "timestamp", _TAG + "map", _TAG + "seq", _TAG + "merge"
_BOOL_VALUES = yaml.constructor.SafeConstructor.bool_values


def build_value(node: yaml.Node) -> Any:
    """The Python value of a composed YAML node, exactly as PyYAML's SafeConstructor builds it.

    Front matter is parsed for every file of the vault on every run, and PyYAML's pure-Python
    constructor costs more than libyaml's parser. This handles the node kinds front matter
    is made of (strings, plain decimal integers, booleans, nulls, ISO timestamps, lists and
    mappings) directly and hands everything else (floats, octal, merge keys, sets, custom tags)
    to SafeConstructor, so results and errors stay PyYAML's own.
    """
    return _build(node, {})


def _build(node: yaml.Node, built: dict[int, Any]) -> Any:
    tag = node.tag
    if type(node) is yaml.ScalarNode:
        value = node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL and value.lower() in _BOOL_VALUES:
            return _BOOL_VALUES[value.lower()]
        if tag == _INT and value.isdigit() and (value[0] != "0" or value == "0"):
            return int(value)
        if tag == _TIMESTAMP and "T" in value and " " not in value:
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        elif tag == _TIMESTAMP and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        return _safe_construct(node)
    # Aliases make one node appear several times; build it once, as PyYAML does, so a
    # "billion laughs" document stays linear and a recursive one terminates.
    key = id(node)
    if key in built:
        return built[key]
    if type(node) is yaml.SequenceNode and tag == _SEQ:
        items: list[Any] = []
        built[key] = items
        items.extend(_build(item, built) for item in node.value)
        return items
    if type(node) is yaml.MappingNode and tag == _MAP and not any(
            k.tag == _MERGE for k, _ in node.value):
        mapping: dict[Any, Any] = {}
        built[key] = mapping
        for key_node, value_node in node.value:
            mapping[shared(_build(key_node, built))] = shared(_build(value_node, built))
        return mapping
    return _safe_construct(node)


def shared(value: Any) -> Any:
    """Keys and short strings held once: a big vault's front matter repeats the same keys
    and a few statuses, priorities and handles thousands of times."""
    return sys.intern(value) if type(value) is str and len(value) <= SHARED_LENGTH else value


def _safe_construct(node: yaml.Node) -> Any:
    return yaml.constructor.SafeConstructor().construct_document(node)


# YAML also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR; editors, Obsidian and
# git do not, so with one of them in a value YAML's line numbers run ahead of the file's.
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


class _Lines:
    """File lines of YAML marks, counted as editors count them (only "\n" ends a line)."""

    def __init__(self, yaml_text: str, offset: int) -> None:
        self.offset = offset
        self.text = yaml_text if any(c in yaml_text for c in _YAML_ONLY_BREAKS) else None

    def __call__(self, mark: yaml.Mark | None) -> int:
        if mark is None:
            return self.offset + 1
        if self.text is None:
            return mark.line + 1 + self.offset
        return self.text.count("\n", 0, mark.index) + 1 + self.offset


def _has_nested_duplicates(node: yaml.MappingNode) -> bool:
    """A key twice inside a top-level mapping (`requester:`), which the fast path misses."""
    for _, value_node in node.value:
        if isinstance(value_node, yaml.MappingNode):
            keys = [key.value for key, _ in value_node.value]
            if len(set(keys)) != len(keys):
                return True
    return False


def _collect_key_lines(
    node: yaml.MappingNode, prefix: str, lines: _Lines, key_lines: dict[str, int],
    problems: list[Diagnostic], rel_path: str, depth: int,
) -> None:
    for key_node, value_node in node.value:
        key = f"{prefix}{key_node.value}"
        line = lines(key_node.start_mark)
        if key in key_lines:
            problems.append(error(rel_path, line, "duplicate-key",
                                  f"key '{key}' appears twice (first on line {key_lines[key]}); "
                                  "the later value wins"))
        key_lines[key] = line
        if depth > 0:
            _collect_child_lines(value_node, key, lines, key_lines, problems, rel_path, depth - 1)


def _collect_child_lines(
    node: yaml.Node, key: str, lines: _Lines, key_lines: dict[str, int],
    problems: list[Diagnostic], rel_path: str, depth: int,
) -> None:
    if isinstance(node, yaml.MappingNode):
        _collect_key_lines(node, key + ".", lines, key_lines, problems, rel_path, depth)
    elif isinstance(node, yaml.SequenceNode) and depth > 0:
        for index, item in enumerate(node.value):
            item_key = f"{key}.{index}"
            key_lines[item_key] = lines(item.start_mark)
            _collect_child_lines(item, item_key, lines, key_lines, problems, rel_path, depth - 1)


def _yaml_error(exc: yaml.YAMLError, rel_path: str, lines: _Lines) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = lines(mark)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return error(rel_path, line, "yaml-syntax", f"invalid YAML: {detail}")


def _construct_error(
    node: yaml.MappingNode, exc: Exception, rel_path: str, lines: _Lines
) -> Diagnostic:
    """Find which key's value could not be built (e.g. the date 2026-13-40) and name it."""
    for key_node, value_node in node.value:
        try:
            # A fresh constructor: the failed one remembers half-built nodes.
            yaml.constructor.SafeConstructor().construct_document(value_node)
        except _VALUE_ERRORS as inner:
            line = lines(value_node.start_mark)
            return error(rel_path, line, "yaml-value",
                         f"invalid value for '{key_node.value}': {_one_line(inner)}")
    line = lines(getattr(exc, "problem_mark", None))
    return error(rel_path, line, "yaml-value", f"invalid YAML value: {_one_line(exc)}")


def _one_line(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem or exc).splitlines()[0] if str(problem or exc) else type(exc).__name__
