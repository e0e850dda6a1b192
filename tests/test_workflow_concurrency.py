"""A ticket edited on disk while a command runs is never overwritten: the command refuses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
import pytest
from deskkit import VPN, VPN_PATH, desk, ov, read
from email_samples import reply_to

from opsvault import edit

AT = "2026-11-24T10:00"
THEIR_LINE = "- 2026-11-24 09:59 · bob · Saved from Obsidian at the same time.\n"


def edit_on_disk_at_read(monkeypatch: pytest.MonkeyPatch, root: Path, read_number: int) -> None:
    """Make another editor save the ticket just before the command's `read_number`th read."""
    real_read: Callable[[Path], bytes] = edit.current_bytes
    reads = {"count": 0}

    def read_with_interruption(path: Path) -> bytes:
        reads["count"] += 1
        if reads["count"] == read_number and path == root.resolve() / VPN_PATH:
            path.write_text(path.read_text() + THEIR_LINE)
        return real_read(path)

    monkeypatch.setattr(edit, "current_bytes", read_with_interruption)


@pytest.mark.parametrize("moment, read_number", [
    ("after the vault was loaded, before the edit read the file", 1),
    ("after the edit read the file, just before it replaced it", 2),
])
def test_a_ticket_edited_on_disk_mid_command_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str, read_number: int) -> None:
    root = desk(tmp_path / "desk")
    before = read(root, VPN_PATH)
    edit_on_disk_at_read(monkeypatch, root, read_number)
    result = ov(root, "ticket", "status", VPN, "waiting-on-user", "--commit", "--as", "alice",
                "--at", AT)
    assert result.exit_code == 1, moment
    assert f"{VPN_PATH} changed on disk while this command ran; nothing was written" \
        in result.stderr.replace(str(root.resolve()) + "/", "")
    assert read(root, VPN_PATH) == before + THEIR_LINE
    assert sorted(p.name for p in (root / "tickets").iterdir()) == \
        ["T-20261110-ab12.md", "T-20261118-q7mz-vpn-drops.md"]
    assert git.Repo(root).head.commit.message == "The help desk\n"


def test_an_email_reply_refused_mid_command_leaves_no_attachments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = desk(tmp_path / "desk")
    edit_on_disk_at_read(monkeypatch, root, 2)
    message = reply_to(VPN, "Here is the log.", attachment=("vpn.log", b"DPD timeout"))
    result = ov(root, "intake", "email", "-", "--at", AT, stdin=message)
    assert result.exit_code == 1
    assert "changed on disk" in result.stderr
    assert not (root / "tickets/attachments").exists()
