"""Front-matter values are exactly what PyYAML's safe loader makes of them."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from opsvault.files import load_mapping

EDGE_CASES = [
    "a: 010\nb: 0x1F\nc: 1_000\nd: 1:30\ne: -7\nf: +3\ng: 0\n",
    "a: yes\nb: Off\nc: ~\nd: null\ne: TRUE\nf: 1.5e3\ng: .nan\n",
    "a: 2026-11-18T09:12:00-06:00\nb: 2026-11-18 09:12:00\nc: 2026-11-18t09:12:00Z\n"
    "d: 2026-11-18T09:12:00.5+01:00\ne: 2026-11-18\nf: 2026-1-8\ng: 2026-11-18T9:12:00\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\nlist: &l [1, 2]\nagain: *l\n",
    "s: !!set {a, b}\no: !!omap [a: 1]\nbin: !!binary aGk=\nstr: !!str 12\n",
    "nested: {a: [1, {b: [x, y]}], c: 'quoted', d: \"dq\"}\n",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_match_pyyaml(text: str) -> None:
    data, _, problems = load_mapping(text, "x.md")
    assert not problems
    assert dict(data) == yaml.safe_load(text)


scalars = (st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates()
           | st.datetimes() | st.datetimes(timezones=st.timezones()))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=10), values, min_size=1, max_size=6),
       st.booleans())
def test_random_documents_match_pyyaml(document: dict[str, object], flow: bool) -> None:
    try:
        text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    except yaml.YAMLError:
        return
    data, _, problems = load_mapping(text, "x.md")
    try:
        expected = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, AttributeError):
        # PyYAML cannot read some of its own output (e.g. offsets with seconds): nor may we.
        assert data is None and problems[0].code == "yaml-value"
        return
    assert not problems
    assert dict(data) == expected
