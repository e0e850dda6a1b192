"""`opsvault build` and `opsvault serve`: the published site."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..diagnostics import VaultError
from ..site import (
    ENGINES,
    EngineRun,
    SiteError,
    describe,
    ensure_engine,
    generate_site,
    read_config,
    serve,
)
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, vault_option

if TYPE_CHECKING:
    from ..pages import Generation

engine_option = click.option(
    "--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True,
    help="The site engine that builds the pages (all three read mkdocs.yml).")


def _report(generation: Generation) -> None:
    for line in describe(generation.problems):
        click.echo(line, err=True)
    click.echo(f"generated {len(generation.pages)} files ({len(generation.changed)} changed, "
               f"{len(generation.removed)} removed), {len(generation.problems)} link "
               "problem(s)", err=True)


def _fail_on_secrets(generation: Generation) -> None:
    if generation.secrets:
        for line in describe(generation.secrets):
            click.echo(line, err=True)
        click.echo("error: the site was not built: published files hold likely secrets",
                   err=True)
        raise SystemExit(EXIT_FINDINGS)


@click.command("build")
@vault_option
@engine_option
@click.option("--strict", is_flag=True,
              help="Unresolved links, documents `check` rejects and engine warnings fail "
                   "the build.")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the built site (default: site_dir in mkdocs.yml).")
@click.option("--as-of", "as_of", default=None, metavar="DATETIME",
              help="Show ages and SLA states as of this ISO time instead of now "
                   "(reproducible builds).")
def build_command(vault_dir: Path, engine: str, strict: bool, site_dir: Path | None,
                  as_of: str | None) -> None:
    """Generate the site's pages and build the site.

    Writes Markdown pages for the KB, procedures, scripts, tickets, boards and reports into
    the staging folder (docs_dir in mkdocs.yml), then runs the engine on it. A likely secret
    in a published file stops the build, naming file and line.

    \b
    Exit codes:
      0  built
      1  a likely secret, the engine failed, or (with --strict) unresolved links or
         documents `check` rejects
      2  usage error, or the vault, its settings or mkdocs.yml cannot be read

    \b
    Examples:
      opsvault build                          # build/site, with MkDocs and Material
      opsvault build --strict --engine zensical
    """
    now = None
    if as_of is not None:
        try:
            now = datetime.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter(f"'{as_of}' is not an ISO date-time",
                                     param_hint="--as-of") from None
    try:
        ensure_engine(engine)  # said before minutes of page generation, not after
        # Started now, the engine loads itself while the pages are made.
        engine_run = EngineRun(engine, read_config(vault_dir), strict=strict, site_dir=site_dir)
    except SiteError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    with engine_run:
        _build(vault_dir, engine_run, strict, now)


def _build(vault_dir: Path, engine_run: EngineRun, strict: bool, now: datetime | None) -> None:
    """Generate the pages, then have the started engine build them, unless they must not."""
    try:
        generation, _ = generate_site(vault_dir, now=now)
    except (SiteError, VaultError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    _fail_on_secrets(generation)
    _report(generation)
    if generation.invalid:
        for line in describe(generation.invalid):
            click.echo(line, err=True)
        click.echo(f"{len(generation.invalid)} document error(s) (see above; `opsvault check` "
                   "lists them too): those documents are shown as far as they can be read",
                   err=True)
        if strict:
            click.echo("error: --strict: the site was not built", err=True)
            raise SystemExit(EXIT_FINDINGS)
    if strict and generation.problems:
        click.echo("error: unresolved links (see above); the site was not built", err=True)
        raise SystemExit(EXIT_FINDINGS)
    try:
        code = engine_run.build()
    except SiteError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    raise SystemExit(EXIT_OK if code == 0 else EXIT_FINDINGS)


@click.command("serve")
@vault_option
@engine_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address and port the preview server listens on.")
def serve_command(vault_dir: Path, engine: str, dev_addr: str) -> None:
    """Preview the site, regenerating pages as you edit the vault.

    Generates the pages, runs the engine's live-reloading server on them, and watches
    the vault: a saved note rewrites just the pages whose content changed and the
    browser reloads. Stop with Ctrl+C.

    \b
    Example:
      opsvault serve            # then open http://127.0.0.1:8000
    """

    def report(generation: Generation | None, problem: Exception | None) -> None:
        if problem is not None:
            click.echo(f"error: {problem}", err=True)
        elif generation is not None and generation.secrets:
            for line in describe(generation.secrets):
                click.echo(line, err=True)
            click.echo("error: pages not updated: published files hold likely secrets", err=True)
        elif generation is not None:
            _report(generation)

    try:
        code = serve(vault_dir, engine, dev_addr, report)
    except (SiteError, VaultError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    raise SystemExit(code)
