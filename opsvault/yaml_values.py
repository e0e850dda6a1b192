"""YAML front matter and settings as values, with the line of every key: libyaml's parser, and
values built straight from its nodes (`build_value`), since PyYAML's pure-Python constructor
costs more than the parse. Imported only when a file is parsed (`files.load_mapping`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import yaml

from .diagnostics import Diagnostic, error
from .files import EMPTY, shared

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


# What building a value can raise: PyYAML's own errors, bad dates (2026-13-40), unhashable
# keys, and an AttributeError PyYAML raises on time zones with seconds (+02:09:20).
_VALUE_ERRORS = (yaml.YAMLError, ValueError, TypeError, OverflowError, AttributeError,
                 RecursionError)


def parse_mapping(
    yaml_text: str, rel_path: str, first_line: int = 1, nested_lines: bool = False,
    with_lines: bool = True,
) -> tuple[Mapping[str, Any] | None, Mapping[str, int], list[Diagnostic]]:
    """`files.load_mapping`, which says what it gives."""
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
