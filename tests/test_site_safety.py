"""Whatever a note holds, its page has no element or attribute that runs script (property)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import NOW
from vaultkit import write_vault

from opsvault.model import load_vault
from opsvault.pages.context import Site
from opsvault.pages.paths import staging_path

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details",
              "pymdownx.superfences", "pymdownx.tasklist"]
FRAGMENTS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[[", "]]", "![[",
             "KB-OPS-001", "#", "#tag", "%%", "> [!note]- ", "\n", "\n\n", "- ", "1. ", "`",
             "```", "|", "{: onclick=alert(1) }", "{ #x onmouseover=alert(1) }", " ^id", "**",
             "_", "[x](javascript:alert(1))", "\\", "&lt;script&gt;", "<", ">", "\"", "'",
             "!!! note", "??? danger", "///", "<svg onload=alert(1)>", "<a href=x>", " ",
             "word", "    ", "~~", "[", "]", "(", ")", "<!--", "-->", "---", "===", ":"]
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "form", "input",
                  "base", "meta", "link"}


class ScriptFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS and not (tag == "input" and ("disabled", None) in attrs):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(
                    ("javascript:", "vbscript:", "data:text")):
                self.found.append(f"{tag} {name}={value}")


@pytest.fixture(scope="module")
def vault_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_vault(tmp_path_factory.mktemp("safety"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_no_note_can_put_script_on_its_page(vault_root: Path, body: str) -> None:
    path = vault_root / "vault/fuzz.md"
    path.write_text("---\ntitle: Fuzz\n---\n" + body, encoding="utf-8")
    vault = load_vault(vault_root)
    site = Site(vault, NOW)
    document = next(d for d in vault.pages if d.path == "vault/fuzz.md")
    converted = site.converter.convert(document, staging_path(document.path))
    finder = ScriptFinder()
    finder.feed(markdown.markdown(converted.markdown, extensions=EXTENSIONS))
    assert finder.found == [], (body, converted.markdown)


def test_the_finder_finds_script() -> None:
    finder = ScriptFinder()
    finder.feed(markdown.markdown("<script>x</script>\n\n<img src=x onerror=y>",
                                  extensions=EXTENSIONS))
    assert finder.found == ["script", "img onerror=y"]
