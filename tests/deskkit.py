"""A help desk in a real git repository for the workflow tests, and ways to drive its CLI."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import git
from click.testing import CliRunner, Result
from vaultkit import check_json, write_vault

from opsvault.cli import main

GIT_NAME = "Test Runner"
GIT_EMAIL = "runner@example.org"
VPN = "T-20261118-q7mz"  # in-progress, P2, network, assigned to alice
VPN_PATH = "tickets/T-20261118-q7mz-vpn-drops.md"
PRINTER = "T-20261110-ab12"  # closed
PRINTER_PATH = "tickets/T-20261110-ab12.md"


def desk(root: Path, files: Mapping[str, str | bytes | None] | None = None,
         email: str = GIT_EMAIL) -> Path:
    """The base vault of vaultkit (plus `files`) committed to a new git repository."""
    write_vault(root, files)
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", GIT_NAME)
        config.set_value("user", "email", email)
    repo.git.add("--all")
    repo.git.commit("--quiet", "-m", "The help desk")
    return root


def ov(root: Path, *args: str, stdin: bytes | str | None = None) -> Result:
    """`opsvault ARGS --vault ROOT`."""
    return CliRunner().invoke(main, [*args, "--vault", str(root)], input=stdin,
                              catch_exceptions=False)


def read(root: Path, rel_path: str) -> str:
    return (root / rel_path).read_bytes().decode("utf-8")


def printed_path(output: str) -> str:
    """The file a command printed it wrote: `T-…: opened: … (tickets/….md)`."""
    match = re.search(r"\(((?:tickets|kb|sops)/[^()]+\.md)\)", output)
    assert match, output
    return match.group(1)


def strict_findings(root: Path) -> list[dict[str, object]]:
    """`opsvault check --strict` findings (none means the vault is clean)."""
    return check_json(root, "--strict")[1]
