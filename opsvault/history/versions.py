"""One historic version of a ticket file: the few fields history tracks, and the Log lines.

A cold history pass reads tens of thousands of versions, and a full YAML parse of each would
cost more than git itself. Most front matter is plain `key: value` lines, so a version is first
matched against a conservative grammar (plain, quoted and flow-list scalars, one level of nested
mappings and lists) whose values are known to be what YAML would build. Anything else — block
scalars, anchors, tags, odd indentation, values YAML would read as numbers or booleans —
goes through `files.parse_source`, which also reports why a broken version cannot be read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..diagnostics import Diagnostic, error
from ..files import parse_source, shared
from ..model import LOG_LINE, as_datetime, as_text, find_log_heading, log_section_end
from ..schema import TICKET_TIME_ORDER, Settings

# The fields whose changes make up a ticket's timeline, in display order.
TRACKED_FIELDS = ("status", "priority", "assignee", "category", "escalated_to")
TIME_FIELDS = TICKET_TIME_ORDER  # opened, first_response, resolved, closed
_WANTED = frozenset(("id", *TRACKED_FIELDS, *TIME_FIELDS))


@dataclass(frozen=True, slots=True)
class TicketVersion:
    """What history needs from one version of a ticket file."""

    ticket_id: str
    fields: Mapping[str, str | None]  # TRACKED_FIELDS → value (priority/category normalised)
    times: Mapping[str, datetime | None]  # TIME_FIELDS → explicit time
    log: tuple[str, ...]  # the Log section's well-formed lines, in file order


@dataclass(frozen=True, slots=True)
class BrokenVersion:
    """A version that cannot be read; history skips it."""

    problem: Diagnostic


# --- the conservative grammar ----------------------------------------------------------------

# Possessive quantifiers (`*+`) keep every pattern linear: a line either matches or fails once.
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*+"
# A plain scalar: no indicator first; no ': ' or ' #' inside; not ending in ':'. Whatever YAML
# makes of it (text, number, boolean, null) can be built, except dates, so a value that starts
# like a date must have one of the _NUMBERISH shapes and is validated after matching.
_PLAIN = r"""(?!\d{4}-)[^\s\-?:,\[\]{}#&*!|>'"%@`=<](?:[^\n#:]++|:(?=\S)|(?<=\S)\#)*+"""
_NUMBERISH = (r"(?:0|[1-9][0-9]{0,17}|\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z))?)"
              r"(?= *\n)")
_FLOW_PLAIN = r"""(?!\d{4}-)[^\s\-?:,\[\]{}#&*!|>'"%@`=<][^\n#:,\[\]{}]*+"""
_DOUBLE = r'"[^"\\\n]*+"'
_SINGLE = r"'[^'\n]*+'"
_FLOW_ITEM = rf"(?:{_DOUBLE}|{_SINGLE}|{_FLOW_PLAIN})"
_FLOW = rf"\[ *(?:{_FLOW_ITEM} *(?:, *{_FLOW_ITEM} *)*+)?\]"
_VALUE = rf"(?:{_DOUBLE}|{_SINGLE}|{_FLOW}|{_NUMBERISH}|{_PLAIN})"
_SKIP = r"(?: *+(?:\#[^\n]*+)?\n)*+"  # blank and comment lines
_BLOCK = (  # one level of `  key: value` lines or `- value` items under a `key:` line
    rf"(?:{_SKIP}(?P<indent> +){_KEY}: +{_VALUE} *\n"
    rf"(?:{_SKIP}(?P=indent){_KEY}: +{_VALUE} *\n)*+"
    rf"|{_SKIP}(?P<dash> *)- +{_VALUE} *\n(?:{_SKIP}(?P=dash)- +{_VALUE} *\n)*+)"
)
_FRONT_MATTER = re.compile(
    rf"(?:{_SKIP}(?:{_KEY}: +{_VALUE} *\n|{_KEY}: *\n{_BLOCK}?))*+{_SKIP}")
_WANTED_LINE = re.compile(rf"^({'|'.join(_WANTED)}):(.*)$", re.MULTILINE)
# Unquoted dates (after `key: ` or `- `): YAML builds a date or time and fails on 2026-13-40.
_DATE_VALUE = re.compile(r"(?:: |- )(\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z))?)")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)")
# What YAML 1.1 reads as booleans or null rather than text.
_NOT_TEXT = frozenset((
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~"))

_MISSING: Any = object()


def _fast_values(front_matter: str) -> dict[str, Any] | None:
    """Tracked values (text or None; times as date-times or None) if the front matter is in
    the conservative grammar, else None."""
    # Tabs, CRs, control and non-ASCII separator characters: let YAML decide.
    if not front_matter.replace("\n", "").isprintable():
        return None
    if _FRONT_MATTER.fullmatch(front_matter) is None:
        return None
    for date_like in _DATE_VALUE.findall(front_matter):
        try:
            datetime.fromisoformat(date_like)
        except ValueError:
            return None
    values: dict[str, Any] = {}
    for key, raw in _WANTED_LINE.findall(front_matter):
        value = _scalar(key, raw.strip())
        if value is _MISSING:
            return None
        # A repeated key: the later value wins, as in YAML. Held once: 80,000 versions name
        # the same few keys, statuses and handles.
        values[shared(key)] = shared(value)
    return values


# First characters of plain scalars YAML may read as something other than text.
_MAYBE_NOT_TEXT = frozenset("0123456789+.~<=")


def _scalar(key: str, raw: str) -> Any:
    """What `as_text` (or, for times, `as_datetime`) gives for the value YAML builds from
    `raw`; _MISSING when unsure."""
    if not raw:  # `key:` alone, or a nested block: nothing either way
        return None
    first = raw[0]
    if key in TIME_FIELDS:
        if first == "[":
            return None
        if first in "\"'":
            return as_datetime(raw[1:-1])
        if _ISO_TIME.fullmatch(raw):
            # Validated with every other date above; the range as `as_datetime` has it.
            return as_datetime(datetime.fromisoformat(raw))
        # Numbers, booleans, dates and other words are no date-time, as text or as values.
        return as_datetime(raw)
    if first in "\"'":
        return raw[1:-1].strip() or None
    if first == "[" or raw in _NOT_TEXT:
        return None  # lists, booleans and null are not text
    return _MISSING if first in _MAYBE_NOT_TEXT else raw


# --- reading a version -----------------------------------------------------------------------

def read_version(path: str, data: bytes, settings: Settings) -> TicketVersion | BrokenVersion:
    """Read one blob of a ticket file."""
    if b"\x00" in data:
        return BrokenVersion(error(path, 0, "binary-file", "binary data (NUL byte)"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return BrokenVersion(error(path, line, "not-utf8", "not valid UTF-8"))
    values, body = _read_fast(text)
    if values is None:
        source, problems = parse_source(path, text)
        if source is None:
            return BrokenVersion(problems[0])
        meta = source.meta
        values = {key: as_datetime(meta.get(key)) if key in TIME_FIELDS else as_text(
            meta.get(key)) for key in _WANTED}
        body = source.body
    ticket_id = values.get("id")
    if ticket_id is None:
        return BrokenVersion(error(path, 1, "missing-field", "no 'id' in the front matter"))
    return TicketVersion(ticket_id, _fields(values, settings),
                         {key: values.get(key) for key in TIME_FIELDS}, _log_lines(body))


def _read_fast(text: str) -> tuple[dict[str, Any] | None, str]:
    if not text.startswith("---\n"):
        return None, ""
    closing = _CLOSING_FENCE.search(text, 4)
    if closing is None:
        return None, ""
    values = _fast_values(text[4:closing.start()])
    if values is None:
        return None, ""
    body_start = text.find("\n", closing.end())
    return values, "" if body_start == -1 else text[body_start + 1:]


def _fields(values: Mapping[str, Any], settings: Settings) -> dict[str, str | None]:
    fields = {key: values.get(key) for key in TRACKED_FIELDS}
    # Aliases (`high`, `Networking`) are the same priority or category as their canonical name.
    if fields["status"] is not None:
        fields["status"] = settings.normalise_status(fields["status"]) or fields["status"]
    if fields["priority"] is not None:
        fields["priority"] = settings.normalise_priority(fields["priority"]) or fields["priority"]
    if fields["category"] is not None:
        fields["category"] = settings.normalise_category(fields["category"]) or fields["category"]
    return fields


def _log_lines(body: str) -> tuple[str, ...]:
    heading = find_log_heading(body)
    if heading is None:
        return ()
    lines: list[str] = []
    start = body.find("\n", heading.end()) + 1
    if start == 0:
        return ()
    for line in body[start:log_section_end(body, start)].split("\n"):
        if line.startswith(("-", "*")):
            line = line.rstrip("\r")
            if LOG_LINE.match(line):
                lines.append(line)
    return tuple(lines)
