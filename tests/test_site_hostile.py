"""A vault of hostile payloads, built into a real site with MkDocs: no page can run script.

Every value a vault can hold — ticket titles, names, tags, categories, KB folder names, Log
text, attachments, settings — carries payloads here. The built site is parsed page by page:
no element or attribute may run script, except the theme's own assets, and no link may use a
script-capable scheme. Keep the payload list growing as new shapes are found.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sitekit import ActiveContent
from vaultkit import run_cli, write_vault

ROOT = Path(__file__).resolve().parents[1]

PAYLOADS = [
    "Excel ('#REF!') <img src=x onerror=alert(1)>",
    "x') <img src=x onerror=alert(2)> ('",
    '" onmouseover="alert(3)',
    "[x](javascript:alert(4))",
    "a | <img src=x onerror=alert(5)> | b",
    "<svg onload=alert(6)>",
    "<script>alert(7)</script>",
    "{: onclick=alert(8) }",
    "<a href='javascript:alert(9)'>x</a>",
    "[[x|y](javascript:alert(10))]]",
    "](javascript:alert(11))",
    "*<b onmouseover=alert(12)>*",
    "&lt;script&gt;alert(13)&lt;/script&gt;",
    "line\r\ufeff<script>alert(14)</script>",
    "<!-- --><script>alert(15)</script>",
    "`<script>alert(16)</script>`",
    "![x](javascript:alert(17))",
    "<iframe src=javascript:alert(18)>",
]
TITLE = "Excel ('#REF!') <img src=x onerror=alert(1)> | [x](javascript:alert(4))"


def _ticket(index: int, payload: str, status: str) -> str:
    quoted = payload.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
    quoted = quoted.replace("\ufeff", "\\ufeff")
    closing = ""
    if status == "closed":
        closing = (f'resolution: "{quoted}"\nroot_cause: unknown\n'
                   "user_confirmed: 2026-11-20T10:00:00-06:00\n"
                   "resolved: 2026-11-20T09:00:00-06:00\nclosed: 2026-11-20T11:00:00-06:00\n")
    return (f"---\nid: T-20261119-h{index:03d}\ntitle: \"{quoted}\"\nstatus: {status}\n"
            "priority: P2\ncategory: network\nopened: 2026-11-19T09:00:00-06:00\n"
            f'channel: email\nrequester: {{name: "{quoted}", email: r{index}@example.org}}\n'
            f'tags: ["{quoted}"]\nassignee: alice\nlocation: "{quoted}"\n{closing}---\n'
            f"{payload}\n\n```\n{payload}\n```\n\n"
            f"## Log\n- 2026-11-19 10:00 · alice · {payload}\n")


def _hostile_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    statuses = ["new", "in-progress", "closed"]
    for index, payload in enumerate(PAYLOADS):
        files[f"tickets/T-20261119-h{index:03d}.md"] = _ticket(
            index, payload, statuses[index % len(statuses)])
    files["tickets/T-20261119-h999.md"] = _ticket(999, TITLE, "in-progress")
    folder = "<svg onload=alert(20)>"
    files[f"kb/{folder}/KB-OPS-090-hostile.md"] = (
        f"---\nid: KB-OPS-090\ntitle: \"{TITLE}\"\ncategory: Network\n"
        "last_updated: 2026-10-01\ntags: [\"<b>x</b>\"]\n---\n# Hostile\n\n"
        "## Symptoms\n" + "\n".join(PAYLOADS) + "\n\n## Resolution Steps\n1. Step\n\n"
        "```\ncode\r\ufeff```\n<script>alert(30)</script>\n```\n\n"
        "~~~\ncode\r\ufeff~~~\n<img src=x onerror=alert(31)>\n~~~\n\n"
        "    indented\r\ufeff\n<script>alert(32)</script>\n\n"
        "## Root Cause\nNone.\n\n## Escalation Path\nNetwork.\n\n## Prevention\nNone.\n\n"
        "See [[T-20261119-h999]] and [[T-20261119-h001]].\n")
    attachments = "tickets/attachments/T-20261119-h001"
    files[f"{attachments}/page.html"] = "<script>alert(21)</script>"
    files[f"{attachments}/page.htm"] = "<script>alert(22)</script>"
    files[f"{attachments}/image.svg"] = (
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(23)"></svg>')
    files[f"{attachments}/doc.xhtml"] = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(24)</script></html>')
    files[f"{attachments}/data.xml"] = "<x>alert</x>"
    files[f"{attachments}/notes.txt"] = "plain text"
    files["tickets/T-20261119-h001.md"] = str(files["tickets/T-20261119-h001.md"]).replace(
        "## Log", "[[page.html]] ![[image.svg]] [[doc.xhtml]] [[data.xml]] [[notes.txt]]\n\n"
                  "## Log")
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("hostile")
    write_vault(root, _hostile_files())
    shutil.copy(ROOT / "opsvault/scaffold/mkdocs.yml", root / "mkdocs.yml")
    os.symlink("../.git/config", root / "tickets/T-20261119-link.md")
    (root / ".git").mkdir()
    (root / ".git/config").write_text("[remote]\nurl = git@private.example.org:secret.git\n"
                                      "email = leak@example.org\n", encoding="utf-8")
    result = run_cli("build", "--vault", str(root), "--as-of", "2026-11-25T14:00:00-06:00")
    return root, result.output


def _pages(root: Path) -> list[Path]:
    return sorted((root / "build/site").rglob("*.html"))


def test_the_hostile_vault_builds(built: tuple[Path, str]) -> None:
    root, output = built
    assert (root / "build/site/index.html").exists(), output
    assert len(_pages(root)) > 20


def test_no_built_page_can_run_script(built: tuple[Path, str]) -> None:
    root, _ = built
    found: dict[str, list[str]] = {}
    for page in _pages(root):
        finder = ActiveContent()
        finder.feed(page.read_text(encoding="utf-8"))
        if finder.found:
            found[str(page.relative_to(root))] = finder.found
    assert found == {}


def test_every_ticket_link_survives_its_title(built: tuple[Path, str]) -> None:
    root, _ = built
    board = (root / "build/site/boards/index.html").read_text(encoding="utf-8")
    assert "T-20261119-h999" in board
    assert re.search(r'<a href="[^"]*T-20261119-h999[^"]*"', board), "the card link broke"


def test_active_attachments_are_never_published_as_html(built: tuple[Path, str]) -> None:
    root, _ = built
    site = root / "build/site"
    published = {p.name for p in site.rglob("*") if "attachments" in p.parts}
    assert not {n for n in published if n.lower().endswith((".html", ".htm", ".xhtml", ".svg",
                                                            ".xml"))}, published
    assert "notes.txt" in published


def test_nothing_outside_the_vault_is_published(built: tuple[Path, str]) -> None:
    root, _ = built
    for path in (root / "build/site").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".txt", ".csv"}:
            assert "private.example.org" not in path.read_text(encoding="utf-8",
                                                                errors="replace"), path


def test_the_ticket_page_shows_the_title_as_text(built: tuple[Path, str]) -> None:
    root, _ = built
    pages = list((root / "build/site/tickets").rglob("*h999*/index.html"))
    assert pages, "no page for the ticket"
    html = pages[0].read_text(encoding="utf-8")
    assert "Excel (&#39;#REF!&#39;)" in html or "Excel ('#REF!')" in html
