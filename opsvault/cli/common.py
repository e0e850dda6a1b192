"""Options and helpers shared by commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..diagnostics import VaultError
from ..model import Vault, load_vault
from ..schema import SETTINGS_PATH

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
# Ctrl-C (130) is the top command's own: cli/__init__.EXIT_INTERRUPTED.


def find_vault_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding the vault's settings file, as git finds
    a repository from any of its folders."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / SETTINGS_PATH).is_file():
            return candidate
    return None


def _vault_root(context: click.Context, parameter: click.Parameter, value: Path) -> Path:
    if context.resilient_parsing:  # shell completion: offer nothing rather than fail
        return value
    if not value.is_dir():
        click.echo(f"error: {value}: no such folder (give the vault with --vault)", err=True)
        raise SystemExit(EXIT_USAGE)
    root = find_vault_root(value)
    if root is None:
        click.echo(f"error: not an opsvault vault ({value.resolve()} and the folders above it "
                   f"have no {SETTINGS_PATH}); run `opsvault init` to make one", err=True)
        raise SystemExit(EXIT_USAGE)
    return root


def vault_option(function: F) -> F:
    return click.option(
        "--vault", "vault_dir", type=click.Path(file_okay=False, path_type=Path),
        default=".", show_default=True, envvar="OPSVAULT_VAULT", callback=_vault_root,
        help="The vault: this folder or the nearest one above it with vault/opsvault.yml "
             "(also $OPSVAULT_VAULT).",
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
            click.echo(diagnostic.as_line(), err=True)
        raise SystemExit(EXIT_USAGE) from None


SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}


def colour(text: str, fg: str, err: bool = False) -> str:
    """`text` in colour when its stream is a terminal and NO_COLOR (no-color.org) is unset."""
    stream = sys.stderr if err else sys.stdout
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return click.style(text, fg=fg, bold=fg == "red")
