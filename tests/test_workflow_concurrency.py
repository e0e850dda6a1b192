"""A ticket edited on disk while a command runs is never overwritten: the command refuses."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest
from deskkit import VPN, VPN_PATH, desk, ov, read
from email_samples import reply_to

from opsvault import edit
from opsvault.cli import main

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


def _log_in_child(root: Path, text: str, barrier: Any, results: Any) -> None:
    """A forked child: wait for its twin, then run `ticket log` as a whole command."""
    barrier.wait()
    try:
        main(["ticket", "log", VPN, text, "--vault", str(root), "--as", "alice", "--no-commit",
              "--at", AT], standalone_mode=False)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 99
    results.put((text, code))
    results.close()
    results.join_thread()  # os._exit would otherwise drop what the queue still buffers
    os._exit(0)


def test_concurrent_log_commands_serialise_and_lose_no_line(tmp_path: Path) -> None:
    """500 pairs of `ticket log` on one ticket, five pairs at a time released together."""
    root = desk(tmp_path / "desk")
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    pairs, at_once = 500, 5
    for round_number in range(pairs // at_once):
        barrier = context.Barrier(2 * at_once)
        children = [context.Process(target=_log_in_child, args=(
            root, f"line {round_number}-{pair}-{side}", barrier, results))
            for pair in range(at_once) for side in ("a", "b")]
        for child in children:
            child.start()
        for child in children:
            child.join(60)
    outcomes = dict(results.get(timeout=10) for _ in range(2 * pairs))
    assert set(outcomes.values()) == {0}
    text = read(root, VPN_PATH)
    missing = [line for line in outcomes if f"· alice · {line}\n" not in text]
    assert missing == []
    assert text.count("· alice · line ") == 2 * pairs
    assert not list((root / "tickets").glob(".opsvault-*"))


def test_a_temporary_file_left_by_a_killed_command_is_removed(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    leftover = root / "tickets/.opsvault-abc123.tmp"
    leftover.write_bytes(b"half a ticket")
    result = ov(root, "ticket", "log", VPN, "Called back.", "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    assert not leftover.exists()


def _log_with_a_full_disk(root: Path) -> tuple[int, str]:
    """`ticket log` in a forked child that may write no more than 100 bytes to a file: the
    kernel then refuses the write (EFBIG), as a full disk would (ENOSPC). Its exit code and
    what it printed on stderr (through a pipe, which the limit does not cover)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            os.close(reader)
            os.dup2(writer, 2)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - not pytest's
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))
            main(["ticket", "log", VPN, "Called back.", "--vault", str(root), "--as", "alice",
                  "--at", AT, "--no-commit"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, encoding="utf-8") as stream:
        stderr = stream.read()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), stderr


def test_a_write_the_disk_refuses_is_one_line_and_exit_1(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    before = read(root, VPN_PATH)
    code, stderr = _log_with_a_full_disk(root)
    assert code == 1, stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"error: cannot write {root.resolve() / VPN_PATH}: File too large")
    assert "Traceback" not in stderr
    assert read(root, VPN_PATH) == before
    assert not list((root / "tickets").glob(".opsvault-*"))
