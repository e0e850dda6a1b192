"""Edits lose nothing: only the changed keys and the appended Log line differ, byte for byte."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.edit import EditError, append_log, edit_fields, remove_field, set_field
from opsvault.files import parse_source
from opsvault.model import LOG_HEADING, Ticket
from opsvault.schema import default_settings
from opsvault.workflow import (
    WorkflowError,
    add_log,
    change_status,
    close,
    confirm,
    escalate,
    reopen,
)

TICKET = """\
---
id: T-20261118-q7mz   # never change the id
title: 'VPN drops: every "10" minutes'
status: in-progress        # new open in-progress …
priority: "P2"
# who asked
requester:
  name: Priya Shah
  email: priya@example.org   # work address
tags: [vpn,  mtu]
---
The VPN disconnects.

## Log
- 2026-11-18 09:20 · alice · Acknowledged.

## Notes
Nothing yet.
"""


def meta(text: str) -> dict[str, Any]:
    source, problems = parse_source("t.md", text)
    assert source is not None, problems
    return dict(source.meta)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines only in before, lines only in after), compared as line sequences."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start:len(old) - end], new[start:len(new) - end]


def test_setting_a_scalar_keeps_the_key_spacing_and_its_comment() -> None:
    after = set_field(TICKET, "status", "waiting-on-user")
    assert changed_lines(TICKET, after) == (
        ["status: in-progress        # new open in-progress …\n"],
        ["status: waiting-on-user        # new open in-progress …\n"])


def test_quoted_values_elsewhere_keep_their_quoting() -> None:
    after = set_field(TICKET, "status", "open")
    assert "title: 'VPN drops: every \"10\" minutes'\n" in after
    assert 'priority: "P2"\n' in after and "tags: [vpn,  mtu]\n" in after


def test_a_block_value_is_replaced_by_one_flow_line() -> None:
    after = set_field(TICKET, "requester", {"name": "Priya Shah", "email": "p@example.org"})
    removed, added = changed_lines(TICKET, after)
    assert removed == ["requester:\n", "  name: Priya Shah\n",
                       "  email: priya@example.org   # work address\n"]
    assert added == ["requester: {name: Priya Shah, email: p@example.org}   # work address\n"]
    assert "# who asked\n" in after


def test_a_missing_key_is_added_at_the_end_of_the_front_matter() -> None:
    after = set_field(TICKET, "escalated_to", "alice")
    assert after.replace("escalated_to: alice\n", "") == TICKET
    assert after.index("escalated_to: alice\n") < after.index("---\nThe VPN")


def test_removing_a_key_removes_its_whole_value() -> None:
    after = remove_field(TICKET, "requester")
    assert changed_lines(TICKET, after)[0] == [
        "requester:\n", "  name: Priya Shah\n", "  email: priya@example.org   # work address\n"]
    assert "requester" not in meta(after)


def test_an_empty_value_gets_one_space_after_the_colon() -> None:
    text = "---\nid: T-1\nassignee:\nstatus: new\n---\nbody\n"
    assert set_field(text, "assignee", "bob") == text.replace("assignee:\n", "assignee: bob\n")


def test_datetimes_are_written_in_iso_8601_with_a_t() -> None:
    when = datetime(2026, 11, 24, 10, 30, tzinfo=timezone(timedelta(hours=-6)))
    after = set_field(TICKET, "resolved", when)
    assert "resolved: 2026-11-24T10:30:00-06:00\n" in after
    assert meta(after)["resolved"] == when


def test_text_that_needs_quotes_is_double_quoted_and_multi_line_text_stays_on_one_line() -> None:
    after = edit_fields(TICKET, {"resolution": "Reset: the \"MFA\" # token\nthen signed in",
                                 "related": ["[[KB-OPS-001]]"]})
    assert 'resolution: "Reset: the \\"MFA\\" # token\\nthen signed in"\n' in after
    assert 'related: ["[[KB-OPS-001]]"]\n' in after
    assert meta(after)["resolution"] == "Reset: the \"MFA\" # token\nthen signed in"


def test_crlf_files_stay_crlf_and_a_missing_final_newline_stays_missing() -> None:
    text = TICKET.replace("\n", "\r\n").removesuffix("\r\n")
    after = append_log(set_field(text, "status", "open"), "- 2026-11-18 10:00 · bob · x")
    assert "\n" not in after.replace("\r\n", "")
    assert not after.endswith("\n")
    assert "- 2026-11-18 09:20 · alice · Acknowledged.\r\n- 2026-11-18 10:00 · bob · x\r\n" \
        in after


def test_log_line_goes_after_the_last_entry_before_the_next_section() -> None:
    after = append_log(TICKET, "- 2026-11-18 10:00 · bob · Tested.")
    assert changed_lines(TICKET, after) == ([], ["- 2026-11-18 10:00 · bob · Tested.\n"])
    assert after.index("Tested.") < after.index("## Notes")


def test_a_missing_log_section_is_created_at_the_end() -> None:
    text = "---\nid: T-1\n---\nbody\n"
    assert append_log(text, "- 2026-11-18 10:00 · bob · x") == \
        "---\nid: T-1\n---\nbody\n\n## Log\n- 2026-11-18 10:00 · bob · x\n"


def test_a_log_heading_inside_the_description_quote_is_not_the_log() -> None:
    text = "---\nid: T-1\n---\n> ## Log\n> - fake\n\n## Log\n- real\n"
    assert append_log(text, "- new").endswith("## Log\n- real\n- new\n")


@pytest.mark.parametrize("text", [
    "no front matter\n",
    "---\n{id: T-1, status: new}\n---\nbody\n",
    "---\nid: [unclosed\n---\nbody\n",
])
def test_front_matter_that_cannot_be_edited_safely_is_refused(text: str) -> None:
    with pytest.raises(EditError):
        set_field(text, "status", "open")


# --- the property -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One generated front-matter key: its lines, and the decoration lines before it."""

    key: str
    decoration: tuple[str, ...]  # comment and blank lines before the key
    lines: tuple[str, ...]  # the key's own lines (first one starts with "key:")


WORD = st.from_regex(r"[A-Za-z][A-Za-z0-9_.é·-]{0,8}", fullmatch=True)
PLAIN = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
QUOTABLE = st.text(alphabet=string.ascii_letters + string.digits + " :#'\"-[]{},&*!|>%@`é·",
                   max_size=20)
COMMENT = st.text(alphabet=string.ascii_letters + string.digits + " :#'\"-é·", max_size=15)
KEYS = ["id", "title", "status", "priority", "category", "assignee", "tags", "requester",
        "related", "resolution", "root_cause", "location", "x_note", "device", "aliases"]


@st.composite
def values(draw: st.DrawFn) -> list[str]:
    """The text after `key:` and any following lines, in one of YAML's many spellings."""
    kind = draw(st.sampled_from(["plain", "single", "double", "flow", "block-list",
                                 "flush-list", "block-map", "literal", "empty"]))
    comment = draw(st.none() | COMMENT.map(lambda c: f"  # {c}".rstrip()))
    if kind == "plain":
        lines = [" " + draw(PLAIN)]
    elif kind == "single":
        lines = [" '" + draw(QUOTABLE).replace("'", "''") + "'"]
    elif kind == "double":
        text = draw(QUOTABLE).replace("\\", "\\\\").replace('"', '\\"')
        lines = [f' "{text}"' if not draw(st.booleans()) else f' "{text}\\n{text}"']
    elif kind == "flow":
        items = draw(st.lists(PLAIN | QUOTABLE.map(lambda t: '"' + t.replace('"', "'") + '"'),
                              max_size=3))
        lines = [" [" + draw(st.sampled_from([", ", ",", " , "])).join(items) + "]"]
    elif kind in ("block-list", "flush-list"):
        indent = "  " if kind == "block-list" else ""
        lines = ["", *(f"{indent}- {item}" for item in draw(st.lists(PLAIN, min_size=1,
                                                                      max_size=3)))]
    elif kind == "block-map":
        subkeys = draw(st.lists(st.sampled_from(["name", "email", "phone", "os"]), min_size=1,
                                max_size=3, unique=True))
        lines = ["", *(f"  {sub}: {draw(PLAIN)}" for sub in subkeys)]
    elif kind == "literal":
        return [" |", *(f"  {draw(PLAIN)}" for _ in range(draw(st.integers(1, 3))))]
    else:
        lines = [""]
    if comment:
        lines[-1] += comment
    return lines


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[Entry], str]:
    """(text, entries, newline): front matter with comments and odd quoting, then a body."""
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=7, unique=True))
    entries = []
    for key in keys:
        decoration = draw(st.lists(st.just("") | COMMENT.map(lambda c: f"# {c}".rstrip()),
                                   max_size=2))
        first, *rest = draw(values())
        entries.append(Entry(key, tuple(decoration), (f"{key}:{first}", *rest)))
    body_line = st.text(alphabet=string.ascii_letters + string.digits + " #-*>·é[]",
                        max_size=30)
    body = draw(st.lists(body_line, max_size=4))
    if draw(st.booleans()):
        body += ["", "## Log", *draw(st.lists(body_line.map(lambda t: "- " + t), max_size=3))]
        if draw(st.booleans()):
            body += ["", "## Notes", *draw(st.lists(body_line, max_size=2))]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["---"]
    for entry in entries:
        lines += [*entry.decoration, *entry.lines]
    lines += ["---", *body]
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    return text, entries, newline


NEW_VALUES = st.one_of(
    PLAIN, QUOTABLE, st.lists(PLAIN, max_size=3), st.integers(0, 999),
    st.fixed_dictionaries({"name": PLAIN, "email": st.just("a@example.org")}),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                 timezones=st.just(timezone(timedelta(hours=-6)))).map(
        lambda d: d.replace(microsecond=0)),
    QUOTABLE.map(lambda t: t + "\nsecond line"),
)


def key_span(entries: list[Entry], key: str) -> tuple[int, int]:
    """[first, last + 1) line numbers (0-based, in the whole file) of `key`'s own lines."""
    line = 1
    for entry in entries:
        line += len(entry.decoration)
        if entry.key == key:
            return line, line + len(entry.lines)
        line += len(entry.lines)
    return line, line  # a new key goes where the closing fence is


@settings(max_examples=300, deadline=None)
@given(document=documents(), data=st.data())
def test_edits_change_only_the_edited_key_and_the_appended_log_line(
        document: tuple[str, list[Entry], str], data: st.DataObject) -> None:
    text, entries, newline = document
    before = meta(text)
    operation = data.draw(st.sampled_from(["set", "add", "remove"]))
    if operation == "add":
        key = data.draw(st.sampled_from(["escalated_to", "user_confirmed", "kb", "closed"]))
    else:
        key = data.draw(st.sampled_from([e.key for e in entries]))
    value = None if operation == "remove" else data.draw(NEW_VALUES)
    log = "- 2026-11-18 10:00 · bob · the one appended line ·"
    edited = edit_fields(text, {key: value})
    after = append_log(edited, log)

    # The key: lines before and after its span are untouched; the span is the key alone.
    old_lines = text.splitlines(keepends=True)
    new_lines = edited.splitlines(keepends=True)
    start, end = key_span(entries, key)
    tail = old_lines[end:]
    assert new_lines[:start] == old_lines[:start]
    assert new_lines[len(new_lines) - len(tail):] == tail
    changed = new_lines[start:len(new_lines) - len(tail)]
    assert all(line.endswith(newline) for line in changed)
    assert changed == [] if value is None else changed[0].startswith(f"{key}:")
    result = meta(after)
    assert result.get(key) == value
    assert {k: v for k, v in result.items() if k != key} == \
        {k: v for k, v in before.items() if k != key}

    # The Log: one inserted line, or (without a Log section) the section added at the end.
    if LOG_HEADING.search(parse_source("t.md", text)[0].body):
        logged = after.splitlines(keepends=True)
        assert [line.rstrip("\r\n") for line in logged].count(log) == 1
        del logged[[line.rstrip("\r\n") for line in logged].index(log)]
        assert "".join(logged).removesuffix(newline) == edited.removesuffix(newline)
    else:
        assert after.startswith(edited)
        assert after[len(edited):].lstrip("\r\n") == \
            f"## Log{newline}{log}" + (newline if edited.endswith(newline) else "")
    assert after.endswith(newline) == text.endswith(newline)


# --- the property, through the workflow commands ----------------------------------------------

SETTINGS = default_settings()
TICKET_VALUES = {
    "id": "T-20261118-q7mz", "title": "VPN drops every 10 minutes", "priority": "P2",
    "category": "network", "opened": "2026-11-18T09:12:00-06:00", "assignee": "alice",
    "resolution": "New profile", "root_cause": "MTU", "tags": "[vpn, mtu]",
}


@st.composite
def tickets(draw: st.DrawFn) -> tuple[str, dict[str, tuple[int, int]]]:
    """A ticket in any status with odd quoting and comments; each key's (first, end) lines."""
    values = {**TICKET_VALUES, "status": draw(st.sampled_from(SETTINGS.statuses))}
    keys = ["id", "title", "status", "priority", "category", "opened",
            *draw(st.lists(st.sampled_from(["assignee", "resolution", "root_cause", "tags"]),
                           unique=True))]
    lines, spans = ["---"], {}
    for key in draw(st.permutations(keys)):
        lines += draw(st.lists(COMMENT.map(lambda c: f"# {c}".rstrip()) | st.just(""),
                               max_size=2))
        value = values[key]
        if key != "tags":
            value = draw(st.sampled_from([value, f"'{value}'", f'"{value}"']))
        comment = draw(st.sampled_from(["", "  # keep me", "   #x"]))
        spans[key] = (len(lines), len(lines) + 1)
        lines.append(f"{key}:{draw(st.sampled_from([' ', '   ']))}{value}{comment}")
    lines += ["---", "The VPN drops.", "", "## Log",
              *draw(st.lists(st.just("- 2026-11-18 09:20 · alice · Checked."), max_size=2)),
              *draw(st.sampled_from([[], ["", "## Notes", "kept"]]))]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    return text, spans


COMMANDS = {
    "status": lambda t, s: change_status(SETTINGS, t, s, "bob", WHEN, "note"),
    "escalate": lambda t, s: escalate(SETTINGS, t, "alice", "firewall", "bob", WHEN),
    "confirm": lambda t, s: confirm(SETTINGS, t, "bob", WHEN),
    "close": lambda t, s: close(SETTINGS, t, "bob", WHEN, root_cause="unknown",
                                confirmation="unreachable"),
    "reopen": lambda t, s: reopen(SETTINGS, t, "back again", "bob", WHEN),
    "log": lambda t, s: add_log(SETTINGS, t, "Tested: fine #1 [x]", "bob", WHEN),
}
WHEN = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=-6)))


@settings(max_examples=200, deadline=None)
@given(ticket=tickets(), command=st.sampled_from(sorted(COMMANDS)), data=st.data())
def test_workflow_commands_change_only_their_keys_and_append_one_log_line(
        ticket: tuple[str, dict[str, tuple[int, int]]], command: str,
        data: st.DataObject) -> None:
    text, spans = ticket
    source, problems = parse_source("tickets/T-20261118-q7mz.md", text)
    assert source is not None, problems
    parsed = Ticket(source, settings=SETTINGS)
    target = data.draw(st.sampled_from(SETTINGS.allowed_next(parsed.status) or ("open",)))
    try:
        change = COMMANDS[command](parsed, target)
    except WorkflowError:
        return  # refused: nothing is written
    after = change.apply(text)
    old_lines = text.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    changed = set(change.fields)
    old_kept = [line for number, line in enumerate(old_lines)
                if not any(spans[k][0] <= number < spans[k][1] for k in changed if k in spans)]
    new_kept = [line for line in new_lines
                if not any(line.startswith(f"{k}:") for k in changed)
                and line.rstrip("\r\n") != change.log_line]
    assert [line.rstrip("\r\n") for line in new_kept] == \
        [line.rstrip("\r\n") for line in old_kept]
    assert "".join(new_kept) == "".join(old_kept) or not text.endswith("\n")
    assert sum(line.rstrip("\r\n") == change.log_line for line in new_lines) == 1
    result = meta(after)
    assert {k: result.get(k) for k in changed} == \
        {k: v for k, v in change.fields.items()}
