"""The Log section is found as a Markdown heading: never a line inside fenced code."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsvault.edit import append_log
from opsvault.files import parse_source
from opsvault.model import Ticket, find_log_heading
from opsvault.schema import load_settings

FRONT = "---\nid: T-1\ntitle: x\nstatus: new\npriority: P3\ncategory: network\n" \
        "opened: 2026-11-24T09:00:00-06:00\n---\n"
FENCED = FRONT + "The user pasted:\n\n```\n## Log\n- not a log line\n```\n\n## Log\n" \
    "- 2026-11-24 10:00 · alice · Real entry.\n"
LINE = "- 2026-11-24 11:00 · alice · Called back."


def _ticket(text: str, tmp_path: Path) -> Ticket:
    settings, _ = load_settings(tmp_path)
    source, _ = parse_source("tickets/T-1.md", text)
    assert source is not None
    return Ticket(source, settings=settings)


def test_a_log_line_goes_into_the_real_log_not_a_fenced_one() -> None:
    edited = append_log(FENCED, LINE)
    assert edited == FENCED + LINE + "\n"


def test_a_fenced_log_heading_is_not_the_log(tmp_path: Path) -> None:
    ticket = _ticket(FENCED, tmp_path)
    assert [text for _, text, _ in ticket.log_items] == [
        "- 2026-11-24 10:00 · alice · Real entry."]


@pytest.mark.parametrize("heading", ["##   Log  ##", "## Log ##", "  ## Log", "##\tLog"])
def test_log_headings_with_any_spacing_are_recognised(heading: str) -> None:
    text = FRONT + f"Text.\n\n{heading}\n- 2026-11-24 10:00 · alice · First.\n"
    edited = append_log(text, LINE)
    assert edited == text + LINE + "\n"
    assert edited.count("Log") == 1


def test_a_tilde_fence_and_an_unclosed_fence_hide_headings() -> None:
    assert find_log_heading("~~~\n## Log\n~~~\n") is None
    assert find_log_heading("```\n## Log\n") is None
    # A shorter fence does not close a longer one.
    assert find_log_heading("````\n```\n## Log\n````\n") is None
    found = find_log_heading("```\ncode\n```\n## Log\n")
    assert found is not None and found.start() == 13


def test_a_line_after_a_fenced_heading_inside_the_log_stays_in_the_log() -> None:
    text = FRONT + "## Log\n- 2026-11-24 10:00 · alice · Ran:\n\n  ```\n  # comment\n" \
        "  ```\n\n## Next\nother\n"
    edited = append_log(text, LINE)
    assert edited.index(LINE) < edited.index("## Next")
    assert edited.index(LINE) > edited.index("# comment")


