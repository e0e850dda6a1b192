"""`opsvault init`: scaffold a new vault."""

from __future__ import annotations

from pathlib import Path

import click

from ..scaffold import WORKFLOW_PATH, init_vault
from .common import EXIT_FINDINGS


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--missing-only", is_flag=True,
              help="In an existing vault, add only the files that are missing.")
@click.option("--package", metavar="REQUIREMENT", default=None,
              help="Where the CI workflow installs opsvault from, as pip takes it (default: "
                   "this installation's git origin and commit, when it has one).")
def init_command(directory: Path, missing_only: bool, package: str | None) -> None:
    """Create a new vault in DIRECTORY (default: here).

    Writes vault/opsvault.yml (every setting, commented), vault/team.yml, templates that
    Obsidian's Templates plugin uses unchanged, the tickets/ kb/ sops/ scripts/ folders,
    mkdocs.yml, .gitignore, a GitHub Actions workflow (check and build with --strict,
    then deploy the site to GitHub Pages from main) and a Grafana dashboard for
    `metrics --format prometheus`, and runs `git init` when DIRECTORY is
    not in a repository yet. It never overwrites a file: when any of these files exists it
    stops (exit code 1) unless --missing-only is given.

    \b
    Examples:
      opsvault init helpdesk && cd helpdesk && opsvault check
      opsvault init helpdesk --package "opsvault @ git+https://github.com/ORG/opsvault@v0.1.0"
    """
    directory.mkdir(parents=True, exist_ok=True)
    try:
        result = init_vault(directory, missing_only=missing_only, package=package)
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
    if WORKFLOW_PATH in result.created and not result.package:
        click.echo(f"warning: {WORKFLOW_PATH} does not know where to install opsvault from "
                   "(this copy has no shared git origin): set OPSVAULT_PACKAGE in it, or run "
                   "init again with --package REQUIREMENT", err=True)
    click.echo(f"\nNext: edit vault/team.yml, then run `opsvault check` in {directory}.")
