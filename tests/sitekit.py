"""Helpers for site tests: generate a vault's staging pages in memory or on disk."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from html.parser import HTMLParser
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


class ActiveContent(HTMLParser):
    """Elements and attributes that can run script; the theme's own scripts are allowed."""

    DANGEROUS_TAGS = frozenset({"iframe", "object", "embed", "base", "frame", "frameset",
                                "applet", "math", "portal"})
    SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg", "data:application")
    URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data",
                                "srcdoc"})
    # The theme's inline scripts start so; its bundles live under assets/javascripts/.
    THEME_INLINE = ("__md_scope=", "var palette=", "var target=")

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._inline: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            src = values.get("src")
            if src is None:
                self._inline = values
            elif not re.match(r"^/?(\.\./)*assets/javascripts/[\w.]+\.js$", src):
                self.found.append(f"script src={src!r}")
        elif tag in self.DANGEROUS_TAGS:
            self.found.append(tag)
        elif tag == "form" and not (values.get("class") or "").startswith("md-"):
            self.found.append("form")
        elif tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("meta refresh")
        for name, value in attrs:
            text = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or (name in self.URL_ATTRIBUTES
                                         and text.startswith(self.SCHEMES)):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        if self._inline is None:
            return
        theme_config = self._inline.get("id") == "__config" and \
            self._inline.get("type") == "application/json"
        if not theme_config and not data.lstrip().startswith(self.THEME_INLINE):
            self.found.append(f"inline script {data[:60]!r}")
        self._inline = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline is not None:
            self._inline = None  # an empty inline script runs nothing
