"""Shell completion offers the vault's own ticket ids, statuses, priorities and handles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from deskkit import PRINTER, VPN, desk

from opsvault.cli import main


def completions(args: list[str], incomplete: str) -> list[str]:
    complete = ShellComplete(main, {}, "opsvault", "_OPSVAULT_COMPLETE")
    return [item.value for item in complete.get_completions(args, incomplete)]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = desk(tmp_path / "desk")
    monkeypatch.chdir(root / "tickets")  # found from a subfolder, as every command does
    return root


def test_ticket_ids_complete_open_ones_first_and_by_their_random_end(root: Path) -> None:
    assert completions(["ticket", "show"], "T-2026") == [VPN, PRINTER]
    assert completions(["ticket", "log"], VPN[-4:-2]) == [VPN]
    assert completions(["kb", "new", "--from-ticket"], "T-20261110") == [PRINTER]


def test_statuses_priorities_categories_and_handles_come_from_the_vault(root: Path) -> None:
    assert completions(["ticket", "status", VPN], "w") == ["waiting-on-user"]
    assert completions(["ticket", "priority", VPN], "P") == ["P1", "P2", "P3", "P4"]
    assert completions(["ticket", "list", "--category"], "pr") == ["printing"]
    assert "alice" in completions(["ticket", "assign", VPN], "")
    assert completions(["ticket", "escalate", VPN, "--to"], "al") == ["alice"]


def test_outside_a_vault_completion_offers_nothing_and_says_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert completions(["ticket", "show"], "T-") == []


def test_the_completion_command_prints_a_script_the_shell_accepts(root: Path) -> None:
    script = subprocess.run([sys.executable, "-m", "opsvault.cli", "completion", "bash"],
                            capture_output=True, text=True, check=True).stdout
    assert "_OPSVAULT_COMPLETE" in script and "complete -o" in script
    checked = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True,
                             check=False)
    assert checked.returncode == 0, checked.stderr
