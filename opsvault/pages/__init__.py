"""The pages stage: turns a loaded vault into the staging folder a site engine builds.

Like mkdocs-gen-files, each module writes one family of pages and `generate` runs them in
order; the engine is run separately (`opsvault.site`). The output is plain Markdown with curated
front matter (title, tags, search, hide), a stylesheet, the files notes embed, and the metrics
as `metrics.json` and `metrics.csv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from ..checks.secrets import find_secrets
from ..diagnostics import Diagnostic, error, paused_gc
from ..history import History
from ..model import Vault
from . import boards, home, kb, procedures, reports, scripts, tickets
from .context import PageMemo, Site
from .outline import vault_outline
from .paths import ASSETS
from .staging import StagedFile, write_all

STYLESHEET = f"{ASSETS}/opsvault.css"


@dataclass(frozen=True)
class Generation:
    """What one run of the generator did."""

    pages: tuple[str, ...]  # every file of the staging folder
    changed: tuple[str, ...]  # files written because their content changed
    removed: tuple[str, ...]  # files removed because nothing generates them any more
    problems: tuple[Diagnostic, ...]  # unresolved and ambiguous links, embed loops (warnings)
    secrets: tuple[Diagnostic, ...]  # likely secrets in published files: nothing was written


def published_sources(vault: Vault) -> list[tuple[str, str]]:
    """(path, text) of every vault file whose content the site shows."""
    publish = vault.settings.publish
    sources = [(d.path, d.source.text) for d in vault.documents()
               if publish.tickets or d.kind != "ticket"]
    sources += [(s.path, s.text) for s in vault.scripts]
    return sources


def find_published_secrets(vault: Vault) -> list[Diagnostic]:
    """A likely secret in any published file, as an error naming file and line."""
    return [error(path, line, "secret", f"likely {kind}: the site would publish it; remove it "
                                        "(and rotate it) or replace it with a placeholder")
            for path, text in published_sources(vault) for line, kind in find_secrets(text)]


def render(vault: Vault, now: datetime | None = None, history: History | None = None,
           memo: PageMemo | None = None) -> tuple[list[StagedFile], Site]:
    """Every staging file, in memory. With a `memo` of the previous run, the pages of
    documents that did not change are taken from it."""
    now = now or datetime.now(vault.settings.time_zone)
    if memo is not None:
        memo.outline = vault_outline(vault, history, now)
    site = Site(vault, now, history=history, memo=memo)
    # Pages make many short-lived objects next to the long-lived vault; the trees have no
    # cycles, so reference counting frees them and collections would only rescan the vault.
    with paused_gc():
        staged: list[StagedFile] = [
            *home.pages(site), *kb.pages(site), *procedures.pages(site), *scripts.pages(site),
            *tickets.pages(site), *boards.pages(site), *reports.pages(site),
        ]
    staged.append(kb.tags_page(site))  # last: every page has registered its tags
    staged.append(StagedFile(STYLESHEET, files("opsvault").joinpath(
        "templates/site/opsvault.css").read_text(encoding="utf-8")))
    for source, target in sorted(site.assets.items()):
        path = vault.root / source
        if path.is_file() and not path.is_symlink():
            staged.append(StagedFile(target, path.read_bytes()))
    return staged, site


def generate(vault: Vault, out_dir: Path, now: datetime | None = None,
             history: History | None = None, memo: PageMemo | None = None,
             prune: bool = True) -> Generation:
    """Write the staging folder for `vault` into `out_dir` (only files whose content changed).

    When a published file holds a likely secret nothing is written and `secrets` says where.
    """
    secrets = find_published_secrets(vault)
    if secrets:
        return Generation((), (), (), (), tuple(secrets))
    staged, site = render(vault, now, history, memo)
    result = write_all(out_dir, staged, prune=prune)
    return Generation(tuple(dict.fromkeys(f.path for f in staged)), result.changed,
                      result.removed, tuple(sorted(set(site.problems))), ())
