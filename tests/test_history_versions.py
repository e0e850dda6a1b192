"""The fast reader of historic ticket versions agrees with the full YAML reader, or defers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.files import parse_source
from opsvault.history.versions import (
    _WANTED,
    TIME_FIELDS,
    BrokenVersion,
    TicketVersion,
    _fast_values,
    read_version,
)
from opsvault.model import as_datetime, as_text
from opsvault.schema import default_settings

ROOT = Path(__file__).resolve().parents[1]
KEYS = [*sorted(_WANTED), "title", "requester", "tags", "related", "satisfaction", "on", "x-y"]
VALUES = [
    "open", "P2", "high", "network", "alice", "yes", "No", "null", "~", "", "'quoted'",
    "' padded '", '"double"', '""', "2026-11-18T09:12:00-06:00", "2026-13-18T09:12:00-06:00",
    "2026-11-18T09:12:00Z", "2026-11-18", "2026-02-30", "2026-11-18 09:12:00", "12", "012",
    "0x1F", "1.5", ".inf", ".5", "+1 555 0121", "a: b", "a #comment", "C#", "http://x/y",
    "[a, b]", "[[x]]", '["[[KB-OPS-001]]"]', "[2026-13-01]", "{a: 1}", "|", ">", "&anchor x",
    "*alias", "!tag x", "@x", "`x`", "%x", "-x", "- x", "? x", "x:", "=", "<<", "Ünïcode",
    "tab\there", "trailing   ", "[a, b", "'unterminated", 'x"y', "1:30", "-", "T-1, T-2",
    "5CD0987QRS", "20261118T091200-0600", "It's fine", "a\u00a0b", "Fix: now", "a ,b",
]
INDENTS = ["", " ", "  ", "    "]


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["scalar", "scalar", "mapping", "list", "comment", "blank",
                                     "continuation"]))
        key = draw(st.sampled_from(KEYS))
        if kind == "scalar":
            lines.append(f"{key}: {draw(st.sampled_from(VALUES))}".rstrip(" ")
                         if draw(st.booleans()) else f"{key}: {draw(st.sampled_from(VALUES))}")
        elif kind in ("mapping", "list"):
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(0, 3))):
                indent = draw(st.sampled_from(INDENTS))
                value = draw(st.sampled_from(VALUES))
                if kind == "mapping":
                    lines.append(f"{indent}{draw(st.sampled_from(KEYS))}: {value}")
                else:
                    lines.append(f"{indent}- {value}")
        elif kind == "comment":
            lines.append(f"{draw(st.sampled_from(INDENTS))}# note: {key}")
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "  "])))
        else:
            lines.append(f"  {draw(st.sampled_from(VALUES))}")
    return "".join(line + "\n" for line in lines)


def expected_values(front_matter: str) -> dict[str, Any] | None:
    """What the full reader gives for the tracked keys, or None when it cannot read it."""
    source, _ = parse_source("tickets/x.md", f"---\n{front_matter}---\nbody\n")
    if source is None:
        return None
    return {key: as_datetime(source.meta.get(key)) if key in TIME_FIELDS
            else as_text(source.meta.get(key)) for key in _WANTED}


@settings(max_examples=1500, deadline=None)
@given(front_matters())
def test_fast_reader_agrees_with_yaml_or_defers(front_matter: str) -> None:
    fast = _fast_values(front_matter)
    if fast is None:
        return  # the full reader decides
    expected = expected_values(front_matter)
    assert expected is not None, "fast reader accepted front matter YAML rejects"
    assert {key: fast.get(key) for key in _WANTED} == expected


def test_fast_reader_reads_every_demo_ticket_like_yaml() -> None:
    accepted = 0
    for path in sorted((ROOT / "tickets").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front_matter = text[4:text.index("\n---\n", 3) + 1]
        fast = _fast_values(front_matter)
        if fast is not None:
            accepted += 1
            assert {key: fast.get(key) for key in _WANTED} == expected_values(front_matter)
    assert accepted >= 30  # the fast path is the common path


def test_read_version_keeps_fields_times_and_log_lines() -> None:
    text = next((ROOT / "tickets").glob("T-20261112-y9ec*.md")).read_bytes()
    version = read_version("tickets/x.md", text, default_settings())
    assert isinstance(version, TicketVersion)
    assert version.ticket_id == "T-20261112-y9ec"
    assert version.fields["status"] == "in-progress" and version.fields["assignee"] == "bob"
    assert version.times["first_response"] is not None and version.times["resolved"] is None
    assert len(version.log) == 6 and version.log[0].startswith("- 2026-11-12 09:10 · bob")


def test_unreadable_versions_say_why() -> None:
    settings = default_settings()
    assert isinstance(read_version("t.md", b"---\nid: [x\n---\n", settings), BrokenVersion)
    assert isinstance(read_version("t.md", b"\xff\xfe", settings), BrokenVersion)
    missing_id = read_version("t.md", b"---\ntitle: x\n---\n", settings)
    assert isinstance(missing_id, BrokenVersion)
    assert missing_id.problem.code == "missing-field"
