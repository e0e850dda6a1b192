"""The vault is found like git finds a repository; outside one every command says so, exit 2."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from vaultkit import write_vault

from opsvault.cli import main

COMMANDS = [["check"], ["check", "--strict"], ["ticket", "list"], ["ticket", "board"],
            ["metrics"], ["sla"], ["build"], ["ticket", "new", "Printer jams", "-p", "P3",
                                              "-c", "printing", "-d", "It jams."]]


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    previous = Path.cwd()
    yield tmp_path
    os.chdir(previous)


@pytest.mark.parametrize("command", COMMANDS)
def test_outside_a_vault_every_command_exits_2_and_says_why(inside: Path,
                                                             command: list[str]) -> None:
    os.chdir(inside)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2, result.output
    assert "not an opsvault vault" in result.stderr and "opsvault init" in result.stderr
    assert list(inside.iterdir()) == []  # nothing was created


def test_from_a_subfolder_the_vault_above_is_found(inside: Path) -> None:
    write_vault(inside)
    os.chdir(inside / "tickets")
    result = CliRunner().invoke(main, ["ticket", "list"])
    assert result.exit_code == 0, result.output
    assert "T-20261118-q7mz" in result.stdout


def test_check_of_a_path_that_does_not_exist_is_a_usage_error(inside: Path) -> None:
    write_vault(inside)
    result = CliRunner().invoke(main, ["check", "tickets/nope.md", "--vault", str(inside)])
    assert result.exit_code == 2
    assert "tickets/nope.md: no such file or folder" in result.stderr


def test_check_paths_may_be_given_relative_to_the_vault(inside: Path) -> None:
    write_vault(inside)
    result = CliRunner().invoke(main, ["check", "tickets/T-20261110-ab12.md", "--vault",
                                       str(inside)])
    assert result.exit_code == 0, result.output
