"""`opsvault intake email` over real-world message shapes: the ticket written, file by file."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskkit import desk, ov, printed_path, read, strict_findings
from email_corpus import CASES, Case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsvault.model import load_vault

BINARY_SUFFIXES = (".pdf", ".png", ".log")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_intake_keeps_what_a_person_would_want(tmp_path: Path, case: Case) -> None:
    root = desk(tmp_path / "desk")
    result = ov(root, "intake", "email", "-", "--at", "2026-11-24T18:00", stdin=case.raw)
    assert result.exit_code == 0, result.output
    path = printed_path(result.stdout)
    written = read(root, path)
    assert "\ufffd" not in written
    ticket = load_vault(root).ticket(Path(path).name[:15])
    assert ticket is not None
    assert ticket.title == case.title
    assert ticket.meta["requester"] == case.requester
    shown = ticket.body.replace("&lt;", "<")  # intake escapes "<" so no tag can start
    for text in case.says:
        assert text in shown, f"{text!r} missing from\n{ticket.body}"
    for text in case.never:
        assert text not in written
    folder = root / "tickets" / "attachments" / ticket.id
    saved = {file.name: file.read_bytes() for file in folder.iterdir()} if folder.exists() else {}
    assert set(saved) == set(case.files)
    for name, expected in case.files.items():
        if name.endswith(BINARY_SUFFIXES):
            assert saved[name] == expected, name
        else:
            assert expected in saved[name], name
        assert f"[[tickets/attachments/{ticket.id}/{name}]]" in ticket.body
    for warning in case.warns:
        assert warning in result.stderr
    assert strict_findings(root) == []


def test_a_saved_forward_is_an_email_that_intake_reads_again(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    forward = next(case for case in CASES if case.name == "forwarded-message-rfc822")
    first = ov(root, "intake", "email", "-", "--at", "2026-11-24T18:00", stdin=forward.raw)
    ticket_id = Path(printed_path(first.stdout)).name[:15]
    eml = root / "tickets" / "attachments" / ticket_id / "Your-mailbox-is-almost-full.eml"
    again = ov(root, "intake", "email", str(eml), "--at", "2026-11-24T18:00")
    assert again.exit_code == 0, again.output
    ticket = load_vault(root).ticket(Path(printed_path(again.stdout)).name[:15])
    assert ticket is not None
    assert ticket.meta["requester"] == {"name": "Mail Admin",
                                        "email": "admin@mailbox-quota.example"}
    assert "Click here within 24 hours" in ticket.body


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES), data=st.data())
def test_a_damaged_message_is_taken_in_or_refused_in_one_line(
        tmp_path_factory: pytest.TempPathFactory, case: Case, data: st.DataObject) -> None:
    """Bytes cut, flipped or duplicated anywhere: a ticket check accepts, or one line, exit 1."""
    raw = bytearray(case.raw)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["cut", "flip", "repeat"]))
        if action == "cut":
            del raw[at:at + data.draw(st.integers(1, 200))]
        elif action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        else:
            raw[at:at] = raw[at:at + data.draw(st.integers(1, 200))]
        if not raw:
            raw = bytearray(b"x")
    root = desk(tmp_path_factory.mktemp("desk"))
    result = ov(root, "intake", "email", "-", "--at", "2026-11-24T18:00", stdin=bytes(raw))
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("error: ")
    else:
        assert strict_findings(root) == []


@pytest.mark.parametrize("header", [b"From: \x00\"Priya\x1b Shah\" <priya.shah@example.org>",
                                    b"From: \"Priya\x00Shah\" <priya.shah@example.org>"])
def test_a_control_character_in_the_senders_name_stays_out_of_the_ticket(
        tmp_path: Path, header: bytes) -> None:
    # Found by the test above: a NUL in the display name was written into the description,
    # and the new ticket then failed `check` as binary data.
    case = next(c for c in CASES if c.name == "outlook-express-unquoted-boundary")
    raw = case.raw.replace(b'From: "Priya Shah" <priya.shah@example.org>', header)
    assert raw != case.raw
    root = desk(tmp_path / "desk")
    result = ov(root, "intake", "email", "-", "--at", "2026-11-24T18:00", stdin=raw)
    assert result.exit_code == 0, result.stderr
    ticket = read(root, printed_path(result.output))
    assert "\x00" not in ticket and "\x1b" not in ticket
    assert "Email from Priya" in ticket
    assert strict_findings(root) == []
