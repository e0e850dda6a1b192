"""`opsvault init`: scaffold a new vault."""

from __future__ import annotations

from pathlib import Path

import click

from ..scaffold import init_vault
from .common import EXIT_FINDINGS


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--missing-only", is_flag=True,
              help="In an existing vault, add only the files that are missing.")
def init_command(directory: Path, missing_only: bool) -> None:
    """Create a new vault in DIRECTORY (default: here).

    Writes vault/opsvault.yml (every setting, commented), vault/team.yml, templates that
    Obsidian's Templates plugin uses unchanged, the tickets/ kb/ sops/ scripts/ folders,
    mkdocs.yml, .gitignore and a GitHub Actions workflow, and runs `git init` when
    DIRECTORY is not in a repository yet. It never overwrites a file: when any of these
    files exists it stops (exit code 1) unless --missing-only is given.

    \b
    Example:
      opsvault init helpdesk && cd helpdesk && opsvault check
    """
    directory.mkdir(parents=True, exist_ok=True)
    try:
        result = init_vault(directory, missing_only=missing_only)
    except FileExistsError as exc:
        existing = exc.args[0]
        click.echo(f"error: {directory} already has {len(existing)} of the files init writes "
                   f"({', '.join(existing[:3])}{', …' if len(existing) > 3 else ''}); nothing "
                   "was changed. Use --missing-only to add just the missing ones.", err=True)
        raise SystemExit(EXIT_FINDINGS) from None
    for path in result.created:
        click.echo(f"created {path}")
    for path in result.existing:
        click.echo(f"kept    {path} (already there)")
    if result.git_initialised:
        click.echo(f"initialised a git repository in {directory}")
    click.echo(f"\nNext: edit vault/team.yml, then run `opsvault check` in {directory}.")
