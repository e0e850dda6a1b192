"""Obsidian fidelity, end to end: a vault of the cases Obsidian's documentation describes
(nested headings, relative links, `.md` in a link, web addresses in `[[…]]`, highlights, video,
audio and PDF embeds, an embed inside a sentence, callout titles with markup, `[!todo]`, a block
embed of a callout, two notes of the same name), checked by `opsvault check`, built with
`opsvault build --strict` and opened in headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_site_browser import ARTEFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, Visit
from vaultkit import check_json, run_cli, write_vault

GUIDE = """\
---
title: Guide
---
Intro.

# Setup

## Network

Network text.

### Proxy

Set the proxy to 10.0.0.1.

## Printing

### Proxy

The print server has no proxy.

> [!hint] Use **the tray** and [[child]]
> Open tray 2 first.

^hintblock
"""
CHILD = """\
---
title: Child
---
Up: [[../guide]]. Beside: [[./sibling]] and [[sibling.md]]. Nested: [[guide#Printing#Proxy]].
Web: [[https://example.org/docs|the docs]]. Same name: [[dup]].

This is ==highlighted **text**== here.

![[clip.mp4]]

![[memo.mp3]]

![[manual.pdf]]

See ![[guide#Network#Proxy]] for the proxy.

> [!todo] Buy **toner**
> Two cartridges.

![[guide#^hintblock]]
"""
FILES: dict[str, str | bytes | None] = {
    "vault/cases/guide.md": GUIDE,
    "vault/cases/sub/child.md": CHILD,
    "vault/cases/sub/sibling.md": "---\ntitle: Sibling\n---\nNext door.\n",
    # Two notes named "dup" at the same depth: the one beside the linking note wins.
    "vault/cases/sub/dup.md": "---\ntitle: Dup here\n---\nThe near one.\n",
    "vault/other/sub/dup.md": "---\ntitle: Dup there\n---\nThe far one.\n",
    "vault/cases/sub/clip.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00",
    "vault/cases/sub/memo.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00",
    "vault/cases/sub/manual.pdf": b"%PDF-1.4\n%%EOF\n",
}
CHILD_PAGE = "cases/sub/child/"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                                reason="needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_vault(tmp_path_factory.mktemp("fidelity") / "vault", FILES)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def page(vault: Path) -> Iterator[Any]:
    result = run_cli("build", "--vault", str(vault), "--strict",
                     "--as-of", "2026-11-25T14:00:00-06:00")
    assert result.exit_code == 0, result.stderr + result.stdout

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Handler, directory=str(vault / "build/site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = Visit(browser, f"http://127.0.0.1:{httpd.server_address[1]}")
        yield tab.open(CHILD_PAGE)
        assert tab.blocked == [] and tab.dialogs == []
        browser.close()
    httpd.shutdown()
    httpd.server_close()


def test_check_accepts_every_case(vault: Path) -> None:
    assert check_json(vault) == (0, [])


def test_check_still_reports_what_obsidian_cannot_resolve(vault: Path, tmp_path: Path) -> None:
    shutil.copytree(vault, tmp_path / "v", ignore=shutil.ignore_patterns("build", ".opsvault"))
    (tmp_path / "v/vault/other/sub/bad.md").write_text(
        "---\ntitle: Bad\n---\n[[../../../../etc/passwd]] [[./nothing]] [[guide#Nowhere#Proxy]]\n")
    code, findings = check_json(tmp_path / "v")
    assert sorted(str(f["code"]) for f in findings) == [
        "link-outside-vault", "unresolved-heading", "unresolved-link"]
    assert code == 1


def href_of(page: Any, text: str) -> str:
    return page.locator("article a", has_text=text).first.evaluate("a => a.href")


def test_links_resolve_as_obsidian_resolves_them(page: Any) -> None:
    base = page.url.removesuffix(CHILD_PAGE)
    assert href_of(page, "../guide") == f"{base}cases/guide/"
    assert href_of(page, "./sibling") == f"{base}cases/sub/sibling/"
    assert href_of(page, "sibling.md") == f"{base}cases/sub/sibling/"
    assert href_of(page, "dup") == f"{base}cases/sub/dup/"
    # Heading Proxy under Printing, not the first Proxy (under Network).
    nested = page.locator("article a", has_text="guide > Printing > Proxy")
    assert nested.evaluate("a => a.href") == f"{base}cases/guide/#proxy_1"
    web = page.locator("article a", has_text="the docs")
    assert web.evaluate("a => a.href") == "https://example.org/docs"


def test_highlights_media_and_embeds(page: Any) -> None:
    assert page.locator("article mark").inner_text() == "highlighted text"
    assert page.locator("article mark strong").inner_text() == "text"
    for selector, name in (("video.ov-embed-video", "clip.mp4"), ("audio.ov-embed-audio",
                                                                  "memo.mp3")):
        player = page.locator(f"article {selector}")
        assert player.get_attribute("controls") is not None
        # The player's file is served beside the page: the built page asks for it and gets it.
        status = page.evaluate("async src => (await fetch(src)).status",
                               player.evaluate("el => el.src"))
        assert status == 200, name
        assert player.evaluate("el => el.src").endswith(f"/cases/sub/{name}")
    pdf = page.locator("article a.ov-embed-pdf")
    assert pdf.inner_text() == "manual.pdf"
    assert page.evaluate("async src => (await fetch(src)).status", pdf.evaluate("a => a.href")) \
        == 200
    assert page.locator("article iframe, article object, article embed").count() == 0
    # The embed inside a sentence: the sentence, the embedded section, the rest of it.
    texts = page.locator("article > *").all_inner_texts()
    see = texts.index("See")
    assert "Set the proxy to 10.0.0.1." in texts[see + 1]
    assert texts[see + 2] == "for the proxy."


def test_callouts_keep_their_type_and_title_markup(page: Any) -> None:
    todo = page.locator("article .admonition.todo")
    assert todo.locator(".admonition-title strong").inner_text() == "toner"
    colour = todo.evaluate("el => getComputedStyle(el).borderLeftColor")
    info_like = page.evaluate("""() => { const probe = document.createElement('div');
        probe.className = 'admonition info'; document.querySelector('article').append(probe);
        const colour = getComputedStyle(probe).borderLeftColor; probe.remove();
        return colour; }""")
    assert colour == "rgb(30, 136, 229)" != info_like
    # The block embed of a callout shows the callout, with its bold and its link.
    embedded = page.locator("article blockquote .admonition.tip")
    assert embedded.count() == 1
    title = embedded.locator(".admonition-title")
    assert title.locator("strong").inner_text() == "the tray"
    assert title.locator("a").inner_text() == "child"
    assert "[!hint]" not in page.locator("article").inner_text()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "obsidian-cases.png"), full_page=True)
