"""Options and helpers shared by commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..diagnostics import VaultError
from ..model import Vault, load_vault

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def vault_option(function: F) -> F:
    return click.option(
        "--vault", "vault_dir", type=click.Path(file_okay=False, path_type=Path),
        default=".", show_default=True, envvar="OPSVAULT_VAULT",
        help="The vault's root folder (also $OPSVAULT_VAULT).",
    )(function)


def open_vault(vault_dir: Path) -> Vault:
    """Load the vault or exit with code 2 and the reason."""
    if not vault_dir.is_dir():
        click.echo(f"error: {vault_dir}: no such folder (give the vault with --vault)", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        return load_vault(vault_dir)
    except VaultError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(f"{diagnostic.path}:{diagnostic.line}: error: {diagnostic.message}",
                       err=True)
        raise SystemExit(EXIT_USAGE) from None
