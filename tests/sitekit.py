"""Helpers for site tests: generate a vault's staging pages in memory or on disk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from vaultkit import write_vault

from opsvault.diagnostics import Diagnostic
from opsvault.model import load_vault
from opsvault.pages import Generation, generate, render

# The moment the test sites are generated for: a Wednesday afternoon in the vaults' zone.
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=ZoneInfo("America/Chicago"))


def site_pages(root: Path, files: Mapping[str, str | bytes | None] | None = None,
               base: bool = True) -> dict[str, str | bytes]:
    """Staging path → content of every generated file, for a vault of `files`."""
    write_vault(root, files, base=base)
    staged, _ = render(load_vault(root), NOW)
    return {f.path: f.content for f in staged}


def generate_site(root: Path, files: Mapping[str, str | bytes | None] | None = None,
                  base: bool = True) -> Generation:
    """Write the vault, then its staging folder into `root/build/docs`."""
    write_vault(root, files, base=base)
    return generate(load_vault(root), root / "build/docs", now=NOW)


def page(pages: Mapping[str, str | bytes], path: str) -> str:
    content = pages[path]
    assert isinstance(content, str)
    return content


NOTE = "vault/note.md"  # a hand-written page: published as note.md at the site's top


def note_page(root: Path, body: str, files: Mapping[str, str | bytes | None] | None = None,
              settings: str | None = None) -> tuple[str, list[Diagnostic]]:
    """The staging Markdown of a page whose body is `body`, and the site's problems."""
    extra: dict[str, str | bytes | None] = {NOTE: "---\ntitle: Note\n---\n" + body}
    if settings is not None:
        extra["vault/opsvault.yml"] = settings
    write_vault(root, {**extra, **(files or {})})
    staged, site = render(load_vault(root), NOW)
    content = next(f.content for f in staged if f.path == "note.md")
    assert isinstance(content, str)
    return content, sorted(set(site.problems))
