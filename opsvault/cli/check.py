"""`opsvault check`: validate the vault."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from ..checks import run_checks
from ..checks.context import check_history
from ..diagnostics import Diagnostic, printable
from ..history import is_repository
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    SEVERITY_COLOURS,
    colour,
    open_vault,
    vault_option,
)


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@vault_option
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="text for people, json for tools, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Judge dates (stale KB, future times) as of this day instead of today.")
@click.option("--no-history", "no_history", is_flag=True,
              help="Skip the rules that read git history (past status changes): quicker in "
                   "a fresh clone, where they read every commit once.")
def check_command(paths: tuple[Path, ...], vault_dir: Path, output_format: str, strict: bool,
                  as_of: object, no_history: bool) -> None:
    """Validate tickets, KB entries, SOPs, scripts, team and settings.

    Checks front matter (required fields, types, allowed values with "did you mean"),
    workflow and closing rules, ids, times, KB sections, links and embeds, script
    headers, and likely secrets. With PATHS, only findings in those files or folders
    are shown (links are still resolved against the whole vault).

    \b
    Exit codes:
      0  no findings (with --strict: no errors and no warnings)
      1  errors found (with --strict: errors or warnings)
      2  usage error, or the vault or its settings cannot be read

    \b
    Examples:
      opsvault check
      opsvault check tickets/T-20260903-m2c8-front-desk-printer-jams.md --format json
      opsvault check --strict --format github      # in CI
      opsvault check --no-history                  # files only, not past commits
    """
    read_history = None
    if not no_history:
        # History before the files: a fresh clone's first pass lets go of what it read
        # before the vault is loaded, so the two never share the memory.
        settings_only = open_vault(vault_dir, tickets=())
        if is_repository(settings_only.root):
            read_history = check_history(settings_only.root, settings_only.settings)
    vault = open_vault(vault_dir)
    today = as_of.date() if as_of is not None else date.today()  # type: ignore[attr-defined]
    findings = run_checks(vault, today, with_history=not no_history, read_history=read_history)
    if paths:
        prefixes = [_relative(path, vault.root) for path in paths]
        findings = [d for d in findings
                    if any(d.path == p or d.path.startswith(p.rstrip("/") + "/") or p == ""
                           for p in prefixes)]
    errors = sum(d.is_error for d in findings)
    warnings = len(findings) - errors
    if output_format == "json":
        click.echo(json.dumps({
            "errors": errors, "warnings": warnings, "history_rules": not no_history,
            "findings": [_as_dict(d) for d in findings],
        }, indent=2))
    else:
        for finding in findings:
            click.echo(_github(finding) if output_format == "github" else _text(finding))
        checked = len(vault.tickets) + len(vault.kb) + len(vault.sops) + len(vault.scripts)
        click.echo(f"{checked} files checked: {errors} error(s), {warnings} warning(s)"
                   + (" (history rules skipped: --no-history)" if no_history else ""), err=True)
    failed = errors > 0 or (strict and warnings > 0)
    raise SystemExit(EXIT_FINDINGS if failed else EXIT_OK)


def _relative(path: Path, root: Path) -> str:
    """A PATHS argument as a vault path: relative to the current folder, else to the vault."""
    absolute = path.resolve()
    if not absolute.exists() and not path.is_absolute() and (root / path).exists():
        absolute = (root / path).resolve()
    if not absolute.exists():
        raise click.BadParameter(f"{path}: no such file or folder", param_hint="PATHS")
    try:
        return absolute.relative_to(root).as_posix().removeprefix(".")
    except ValueError:
        raise click.BadParameter(f"{path} is not inside the vault {root}",
                                 param_hint="PATHS") from None


def _text(finding: Diagnostic) -> str:
    severity = colour(str(finding.severity), SEVERITY_COLOURS[str(finding.severity)])
    return (f"{printable(finding.path)}:{finding.line}: {severity}: "
            f"{printable(finding.message)} [{finding.code}]")


def _github_escape(text: str, is_property: bool = False) -> str:
    """GitHub's workflow-command escaping, so that a newline in a file name or message cannot
    end the annotation or start another command."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def _github(finding: Diagnostic) -> str:
    command = "error" if finding.is_error else "warning"
    location = f"file={_github_escape(finding.path, True)}" + (
        f",line={finding.line}" if finding.line else "")
    return (f"::{command} {location},title={_github_escape(finding.code, True)}::"
            f"{_github_escape(finding.message)}")


def _as_dict(finding: Diagnostic) -> dict[str, object]:
    return {"path": finding.path, "line": finding.line, "severity": str(finding.severity),
            "code": finding.code, "message": finding.message}
