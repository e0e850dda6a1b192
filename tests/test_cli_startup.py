"""The top command imports a subcommand only when it runs; what `--help` lists is each
command's own first line, and every command is still there."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from vaultkit import write_vault

from opsvault.cli import COMMANDS, KB_GROUP, main

HEAVY = ("git", "opsvault.checks", "opsvault.history", "opsvault.metrics", "opsvault.pages",
         "opsvault.model", "yaml", "jinja2", "lxml")


def test_version_and_help_import_none_of_the_heavy_modules() -> None:
    probe = ("import sys\nfrom opsvault.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_listed_help_is_each_commands_own() -> None:
    for name, (load, short) in [*COMMANDS.items(), *KB_GROUP.lazy.items()]:
        command = load()
        assert isinstance(command, click.Command)
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert short == first, name


def test_every_command_runs_through_the_lazy_group() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0, name
    assert CliRunner().invoke(main, ["ticket", "show", "--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["ticket", "reply", "--help"]).exit_code == 0
    for name in KB_GROUP.lazy:
        assert CliRunner().invoke(main, ["kb", name, "--help"]).exit_code == 0, name
    unknown = CliRunner().invoke(main, ["tickets"])
    assert unknown.exit_code == 2 and "No such command 'tickets'" in unknown.output


def imported_by(command: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a fresh process has imported once `command` has run."""
    probe = ("import json, sys\nfrom opsvault.cli import main\n"
             f"try:\n    main({command!r})\n"
             "except SystemExit:\n    pass\n"
             f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("command", [["ticket", "show", "T-20261118-q7mz"], ["ticket", "list"],
                                     ["ticket", "board"], ["sla"]])
def test_reading_commands_import_neither_the_write_lock_nor_mail(
        tmp_path: Path, command: list[str]) -> None:
    root = write_vault(tmp_path)
    assert imported_by([*command, "--vault", str(root)],
                       ("filelock", "asyncio", "smtplib", "opsvault.mail")) == []


def test_sla_imports_the_clocks_but_not_the_aggregates(tmp_path: Path) -> None:
    root = write_vault(tmp_path)
    assert imported_by(["sla", "--vault", str(root)],
                       ("opsvault.metrics.facts", "opsvault.metrics.aggregate",
                        "opsvault.metrics.workbook")) == ["opsvault.metrics.facts"]


def test_every_name_the_metrics_package_lists_is_there() -> None:
    import opsvault.metrics as metrics

    missing = [name for name in metrics.__all__ if not hasattr(metrics, name)]
    assert missing == [] and len(metrics.__all__) > 40
    with pytest.raises(AttributeError):
        metrics.no_such_metric  # noqa: B018


def test_commands_answered_from_the_caches_load_no_yaml_nor_mail(tmp_path: Path) -> None:
    root = write_vault(tmp_path)
    # A file changed within the file system's clock tick is read again each time (see
    # ticket_index.RACY_SECONDS): let the vault's files settle first.
    time.sleep(2.1)
    for command in (["ticket", "list"], ["ticket", "board"], ["sla"]):
        imported_by([*command, "--vault", str(root)], ())  # fills the caches and the memos
        assert imported_by([*command, "--vault", str(root)],
                           ("yaml", "opsvault.yaml_values", "email.utils")) == [], command
