"""Options and helpers shared by commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..diagnostics import VaultError
from ..model import Ticket, Vault, load_tickets, load_vault
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


def open_vault(vault_dir: Path, tickets: Iterable[str] | None = None) -> Vault:
    """Load the vault (or, given `tickets`, just those ticket files and the settings) or exit
    with code 2 and the reason."""
    if not vault_dir.is_dir():
        click.echo(f"error: {vault_dir}: no such folder (give the vault with --vault)", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        return load_vault(vault_dir) if tickets is None else load_tickets(vault_dir, tickets)
    except VaultError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.as_line(), err=True)
        raise SystemExit(EXIT_USAGE) from None


def find_one_ticket(vault_dir: Path, reference: str, candidates: list[str]) -> Ticket:
    """The ticket `reference` names, read from just the `candidates` files when they hold it
    (`model.ticket_files_named`); else from the whole vault, which also gives the reason
    there is none. Exits 1 with that reason."""
    from ..workflow import WorkflowError, find_ticket  # what a lookup needs, only when asked

    if candidates:
        try:
            return find_ticket(open_vault(vault_dir, tickets=candidates), reference)
        except WorkflowError:
            pass
    try:
        return find_ticket(open_vault(vault_dir), reference)
    except WorkflowError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FINDINGS) from None


SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}


def colour(text: str, fg: str, err: bool = False) -> str:
    """`text` in colour when its stream is a terminal and NO_COLOR (no-color.org) is unset."""
    stream = sys.stderr if err else sys.stdout
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return click.style(text, fg=fg, bold=fg == "red")
