"""Random and garbled files never crash `check`: each is named in a finding, the rest is checked."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaultkit import BASE_FILES, TICKET, check_json, write_vault

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
    | st.dates() | st.datetimes(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)


@st.composite
def mutated_ticket(draw: st.DrawFn) -> bytes:
    """A valid ticket with random slices cut out and random text spliced in."""
    text = TICKET
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + draw(st.text(max_size=20)) + text[end:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return text.replace("\n", line_end).encode(encoding, errors="replace")


garbled_file = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=600).map(str.encode),
    yaml_values.map(lambda v: ("---\n" + yaml.safe_dump(v) + "---\nbody\n").encode()),
    mutated_ticket(),
    st.just(b""),
    st.just(b"\xef\xbb\xbf---\n[1, 2]\n---\n"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(garbled_file, min_size=1, max_size=4))
def test_garbled_files_are_each_reported_and_good_files_unaffected(contents: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # A name that can never match a ticket id, so every one of these files is at fault.
        bad = {f"tickets/garbled-{index}.md": data for index, data in enumerate(contents)}
        write_vault(root, bad)
        exit_code, findings = check_json(root)
        assert exit_code == 1
        for path in bad:
            assert any(f["path"] == path for f in findings), f"{path} not reported"
        assert not [f for f in findings if f["path"] in BASE_FILES]
        for finding in findings:
            assert "\n" not in str(finding["message"])
            assert "Traceback" not in str(finding["message"])
