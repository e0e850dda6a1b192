"""`opsvault kb suggest`: the right entry first for what requesters write, the index kept up to
date file by file, and the command's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from email_samples import message
from sitekit import page, site_pages
from vaultkit import TICKET, run_cli, write_vault

from opsvault.cli import main
from opsvault.model import load_vault
from opsvault.search import open_index, suggest
from opsvault.search.index import INDEX_PATH


def kb(ident: str, folder: str, title: str, symptoms: str, steps: str,
       aliases: str = "[]") -> str:
    return (f"---\nid: {ident}\ntitle: \"{title}\"\ncategory: {folder}\nlast_updated: "
            f"2026-11-01\naliases: {aliases}\ntags: []\n---\n# {title}\n\n## Symptoms\n"
            f"{symptoms}\n\n## Resolution Steps\n1. {steps}\n\n## Root Cause\nVaries.\n\n"
            "## Escalation Path\nL2.\n\n## Prevention\nNone.\n")


ENTRIES = {
    "kb/Network/KB-OPS-101-wifi-drops.md": kb(
        "KB-OPS-101", "Network", "Wi-Fi drops in the operatories",
        "Laptops lose the Wi-Fi every few minutes near the X-ray room.",
        "Move the access point off channel 11."),
    "kb/Network/KB-OPS-102-vpn-mtu.md": kb(
        "KB-OPS-102", "Network", "VPN drops every few minutes after an ISP change",
        "The VPN tunnel disconnects every ten minutes; MTU mismatch after the router change.",
        "Set the VPN profile MTU to 1400."),
    "kb/Network/KB-OPS-103-vpn-certificate.md": kb(
        "KB-OPS-103", "Network", "VPN will not connect: certificate expired",
        "FortiClient says the certificate has expired and refuses to connect at all.",
        "Renew the client certificate from the portal."),
    "kb/Access/KB-OPS-104-password-expired.md": kb(
        "KB-OPS-104", "Access", "Password expired: cannot sign in",
        "Windows says the password has expired; Outlook keeps asking for it.",
        "Reset it with SOP-001, then sign in again."),
    "kb/Hardware/KB-OPS-105-dock-monitors.md": kb(
        "KB-OPS-105", "Hardware", "Docking station: external monitors stay black",
        "After docking, both external displays stay black; the laptop screen works.",
        "Update the dock firmware and reseat the USB-C cable."),
    "kb/Hardware/KB-OPS-106-printer-jam.md": kb(
        "KB-OPS-106", "Hardware", "Printer shows a paper jam with no paper stuck",
        "The front desk printer reports a jam in tray 2 but nothing is stuck.",
        "Clean the tray 2 pickup roller and the jam sensor."),
    "kb/Hardware/KB-OPS-107-printer-toner.md": kb(
        "KB-OPS-107", "Hardware", "Printer prints faded or streaked pages",
        "Pages come out pale with grey streaks; toner low warning.",
        "Replace the toner cartridge (SOP-002)."),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_vault(tmp_path, ENTRIES)


@pytest.mark.parametrize("text, expected", [
    ("wireless keeps disconnecting in operatory 3", "KB-OPS-101"),
    ("wifi drops every few min near xray", "KB-OPS-101"),
    ("VPN disconnects every 10 minutes since the ISP changed the router", "KB-OPS-102"),
    ("forticlient refuses: cert expired", "KB-OPS-103"),
    ("my pw expired and I can't log in", "KB-OPS-104"),
    ("dock: both monitors black after plugging in", "KB-OPS-105"),
    ("printer says paper jam in tray 2 but there is no paper", "KB-OPS-106"),
    ("printouts are faded with grey lines", "KB-OPS-107"),
])
def test_the_right_entry_comes_first(root: Path, text: str, expected: str) -> None:
    index = open_index(load_vault(root), persist=False)
    found = suggest(index, text, 3)
    assert found and found[0].ident == expected, [(s.ident, s.score) for s in found]
    assert found[0].matched  # it says why


def test_the_index_follows_edits_and_deletions(root: Path) -> None:
    first = open_index(load_vault(root))
    first.close()
    assert (root / INDEX_PATH).is_file()
    path = root / "kb/Hardware/KB-OPS-107-printer-toner.md"
    path.write_text(path.read_text().replace("faded or streaked pages", "smudged pages"))
    (root / "kb/Hardware/KB-OPS-105-dock-monitors.md").unlink()
    index = open_index(load_vault(root))
    try:
        vault = load_vault(root)
        assert index.sync(vault.root, vault.settings) == \
            (0, 0)  # already current
        assert [s.ident for s in suggest(index, "smudged pages", 1)] == ["KB-OPS-107"]
        assert all(s.ident != "KB-OPS-105" for s in suggest(index, "docking monitors black", 5))
    finally:
        index.close()


def test_kb_suggest_for_a_ticket_leaves_out_what_it_links(root: Path) -> None:
    result = run_cli("kb", "suggest", "T-20261118-q7mz", "--format", "json", "--vault",
                     str(root))
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found[0]["ident"] == "KB-OPS-102"  # the VPN drops entry, not the certificate one
    assert "KB-OPS-001" not in [item["ident"] for item in found]  # already `related`
    assert found[0]["reason"].startswith("matches ")
    text = run_cli("kb", "suggest", "printer", "jam", "--vault", str(root))
    assert text.stdout.startswith("1. KB-OPS-106 · Printer shows a paper jam")
    missing = run_cli("kb", "suggest", "T-20261118-zzzz", "--vault", str(root))
    assert missing.exit_code == 1 and "no ticket" in missing.stderr


def test_ticket_show_says_what_may_apply(root: Path) -> None:
    shown = run_cli("ticket", "show", "T-20261118-q7mz", "--vault", str(root))
    line = next(text for text in shown.stdout.splitlines() if "may apply" in text)
    assert line.split("may apply", 1)[1].strip().startswith("KB-OPS-102 VPN drops every few")
    data = json.loads(run_cli("ticket", "show", "T-20261118-q7mz", "--format", "json",
                              "--vault", str(root)).stdout)
    assert data["may_apply"][0]["ident"] == "KB-OPS-102"
    assert "KB-OPS-001" not in [item["ident"] for item in data["may_apply"]]


def test_similar_tickets_come_resolved_first_with_their_fix(root: Path) -> None:
    earlier = TICKET.replace("id: T-20261118-q7mz", "id: T-20261020-old1").replace(
        "status: in-progress", "status: resolved\nresolution: Set the VPN profile MTU to 1400."
    ).replace("title: VPN drops every 10 minutes", "title: VPN keeps disconnecting")
    other = TICKET.replace("id: T-20261118-q7mz", "id: T-20261021-prn1").replace(
        "title: VPN drops every 10 minutes", "title: Printer jams on tray 2").replace(
        "The VPN disconnects every ten minutes since the ISP change.", "Paper jam again.")
    write_vault(root, {**ENTRIES, "tickets/T-20261020-old1.md": earlier,
                       "tickets/T-20261021-prn1.md": other})
    data = json.loads(run_cli("ticket", "similar", "T-20261118-q7mz", "--format", "json",
                              "--vault", str(root)).stdout)
    assert data[0]["id"] == "T-20261020-old1" and data[0]["status"] == "resolved"
    assert data[0]["resolution"] == "Set the VPN profile MTU to 1400."
    assert "T-20261118-q7mz" not in [row["id"] for row in data]
    assert [row["id"] for row in data].index("T-20261020-old1") < \
        ([row["id"] for row in data] + ["T-20261021-prn1"]).index("T-20261021-prn1")


def test_intake_says_which_entry_may_apply(root: Path) -> None:
    result = CliRunner().invoke(main, ["intake", "email", "-", "--vault", str(root), "--at",
                                       "2026-11-24T12:00"],
                                input=message(subject="Docking station: monitors stay black",
                                              text="Both external monitors stay black."))
    assert result.exit_code == 0, result.output
    ticket = next(p for p in (root / "tickets").glob("T-20261124-*.md"))
    assert "May apply: [[KB-OPS-105]]." in ticket.read_text()
    vague = CliRunner().invoke(main, ["intake", "email", "-", "--vault", str(root), "--at",
                                      "2026-11-24T12:00"],
                               input=message(subject="Question", text="Can we talk?"))
    assert vague.exit_code == 0
    assert not [p for p in (root / "tickets").glob("T-20261124-*.md")
                if "May apply" in p.read_text() and "Question" in p.read_text()]


def _earlier(opened: str, email: str = "priya@example.org") -> str:
    return TICKET.replace("id: T-20261118-q7mz", "id: T-20261105-old2").replace(
        "status: in-progress", "status: resolved\nresolution: Set the VPN profile MTU to 1400."
    ).replace("opened: 2026-11-18T09:12:00-06:00", f"opened: {opened}").replace(
        "first_response: 2026-11-18T09:20:00-06:00", "first_response: " + opened).replace(
        "priya@example.org", email).split("## Log")[0] + "## Log\n"


@pytest.mark.parametrize("opened, email, expected", [
    ("2026-11-05T09:00:00-06:00", "priya@example.org", "T-20261105-old2"),  # 13 days before
    ("2026-11-05T09:00:00-06:00", "sam@example.org", None),  # someone else's
    ("2026-09-01T09:00:00-05:00", "priya@example.org", None),  # outside the 30 days
])
def test_a_likely_repeat_is_pointed_out_never_set(root: Path, opened: str, email: str,
                                                  expected: str | None) -> None:
    write_vault(root, {**ENTRIES, "tickets/T-20261105-old2.md": _earlier(opened, email)})
    data = json.loads(run_cli("ticket", "show", "T-20261118-q7mz", "--format", "json",
                              "--vault", str(root)).stdout)
    hint = data["possible_repeat_of"]
    assert (hint["id"] if hint else None) == expected
    assert "repeat_of" not in data["ticket"]
    if expected:
        assert hint["why"] == "same requester"
        done = run_cli("ticket", "repeat", "T-20261118-q7mz", "--of", expected, "--as", "alice",
                       "--vault", str(root))
        assert done.exit_code == 0, done.output
        text = (root / "tickets/T-20261118-q7mz-vpn-drops.md").read_text()
        assert f'repeat_of: "[[{expected}]]"' in text and f"Repeat of [[{expected}]]." in text
        again = json.loads(run_cli("ticket", "show", "T-20261118-q7mz", "--format", "json",
                                   "--vault", str(root)).stdout)
        assert again["possible_repeat_of"] is None


@pytest.mark.parametrize("email, expected", [
    ("priya@example.org", "T-20261105-old2"),  # the same requester, 13 days on
    ("sam@example.org", None),
])
def test_intake_points_out_a_likely_repeat_and_leaves_it_unset(root: Path, email: str,
                                                               expected: str | None) -> None:
    write_vault(root, {**ENTRIES,
                       "tickets/T-20261105-old2.md": _earlier("2026-11-05T09:00:00-06:00")})
    (root / "tickets/T-20261118-q7mz-vpn-drops.md").unlink()
    mail = message(subject="VPN keeps dropping again", sender=f"Priya Shah <{email}>",
                   text="The VPN disconnects every ten minutes again since this morning.")
    result = CliRunner().invoke(main, ["intake", "email", "-", "--vault", str(root), "--at",
                                       "2026-11-18T12:00"], input=mail)
    assert result.exit_code == 0, result.output
    opened = next(p for p in (root / "tickets").glob("T-20261118-*.md"))
    text = opened.read_text()
    assert "repeat_of" not in text.split("---")[1]  # never set by a guess
    if expected:
        ident = opened.name[:15]
        assert (f"Possible repeat of [[{expected}]] (same requester, resolved): if so, "
                f"`opsvault ticket repeat {ident} --of {expected}`.") in text
    else:
        assert "Possible repeat" not in text


def test_the_ticket_page_lists_what_may_apply_for_open_tickets_only(tmp_path: Path) -> None:
    closed = TICKET.replace("status: in-progress", "status: closed\nresolution: MTU 1400.\n"
                            "root_cause: MTU\nuser_confirmed: 2026-11-19T09:00:00-06:00\n"
                            "resolved: 2026-11-18T15:00:00-06:00").replace(
        "id: T-20261118-q7mz", "id: T-20261118-c1sd")
    pages = site_pages(tmp_path, {**ENTRIES, "tickets/T-20261118-c1sd.md": closed})
    open_page = page(pages, "tickets/T-20261118-q7mz-vpn-drops.md")
    hints = open_page.split("## May apply", 1)[1].split("\n## ", 1)[0]
    first = next(line for line in hints.splitlines() if line.startswith("- "))
    assert first.startswith("- [KB-OPS-102](../knowledge-base/Network/KB-OPS-102-vpn-mtu.md")
    assert first.endswith(": matches vpn, drops, every, minutes, disconnects, ten")
    assert "KB-OPS-001" not in hints  # already `related`
    assert "## May apply" not in page(pages, "tickets/T-20261118-c1sd.md")


def test_the_repeat_hint_reads_only_the_tickets_named_within_its_window(root: Path) -> None:
    import sqlite3

    # The same words, a year before: it would match best, but cannot be the one repeated.
    old = _earlier("2025-11-05T09:00:00-06:00").replace("T-20261105-old2", "T-20251105-year")
    write_vault(root, {**ENTRIES, "tickets/T-20261105-old2.md": _earlier(
        "2026-11-05T09:00:00-06:00"), "tickets/2025/T-20251105-year.md": old})
    data = json.loads(run_cli("ticket", "show", "T-20261118-q7mz", "--format", "json",
                              "--vault", str(root)).stdout)
    assert data["possible_repeat_of"] == {"id": "T-20261105-old2", "why": "same requester"}
    connection = sqlite3.connect(root / ".opsvault/search.sqlite3")
    indexed = {path for (path,) in connection.execute("SELECT path FROM files")}
    connection.close()
    assert "tickets/T-20261105-old2.md" in indexed
    assert "tickets/2025/T-20251105-year.md" not in indexed  # not read: named too early
    # A file whose name gives no date is always a candidate.
    (root / "tickets/T-20261105-old2.md").rename(root / "tickets/vpn-again.md")
    data = json.loads(run_cli("ticket", "show", "T-20261118-q7mz", "--format", "json",
                              "--vault", str(root)).stdout)
    assert data["possible_repeat_of"] == {"id": "T-20261105-old2", "why": "same requester"}


def test_a_ticket_read_for_the_repeat_hint_is_not_read_again_until_it_changes(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from opsvault.search import index as search_index

    read: list[str] = []

    def load_file(vault_root: Path, path: str, *args: object, **kwargs: object) -> object:
        read.append(path)
        return real_load_file(vault_root, path, *args, **kwargs)

    real_load_file = search_index.load_file
    monkeypatch.setattr(search_index, "load_file", load_file)
    settled, fresh = "tickets/T-20261105-old2.md", "tickets/T-20261106-new1.md"
    write_vault(root, {**ENTRIES, settled: _earlier("2026-11-05T09:00:00-06:00"),
                       fresh: _earlier("2026-11-06T09:00:00-06:00").replace(
                           "T-20261105-old2", "T-20261106-new1")})
    an_hour_ago = time.time() - 3600
    os.utime(root / settled, (an_hour_ago, an_hour_ago))
    vault = load_vault(root)
    open_index(vault, tickets=[settled, fresh]).close()
    assert sorted(read) == [settled, fresh]
    read.clear()
    # No full sync has ever run here: each file's own record decides.
    open_index(vault, tickets=[settled, fresh]).close()
    assert read == [fresh]  # written just now, so a same-size edit in the same tick could hide
    read.clear()
    # An edit that keeps the size and the time is still seen on a file read too soon after.
    text = (root / fresh).read_text()
    stamp = (root / fresh).stat().st_mtime_ns
    (root / fresh).write_text(text.replace("VPN", "NPV"))
    os.utime(root / fresh, ns=(stamp, stamp))
    index = open_index(vault, tickets=[fresh])
    try:
        assert "NPV" in index.text(fresh)
    finally:
        index.close()
    # An edit to the settled file is seen by its size.
    (root / settled).write_text((root / settled).read_text().replace(
        "The VPN disconnects", "The VPN really disconnects"))
    read.clear()
    index = open_index(vault, tickets=[settled])
    try:
        assert read == [settled] and "really" in index.text(settled)
    finally:
        index.close()
