"""The scripts catalog: a page per automation script with its source, and the catalog index.
KB entries link here from their Script Reference (`[[backup_verify.py]]`, `script:`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..markdown_code import code_fence, code_span
from ..model import KBEntry, Script, as_text
from .context import Site
from .kb import Row
from .obsidian.escape import escape_url
from .paths import SCRIPTS
from .staging import StagedFile
from .templates import front_matter, listing_front_matter, raw, render_markdown

SCRIPTS_INDEX = f"{SCRIPTS}/index.md"
# The language of each scripts/ folder, for highlighting.
LANGUAGES = {"bash": "bash", "powershell": "powershell", "php": "php", "python": "python"}
KB_ID = re.compile(r"[A-Za-z][\w-]*-\d+")


def pages(site: Site) -> Iterator[StagedFile]:
    scripts = sorted(site.vault.scripts, key=lambda s: s.path)
    rows = []
    for script in scripts:
        kb = kb_entries(site, script)
        yield site.document_page(script, lambda s=script, k=kb: script_page(site, s, k))
        # The script itself, for download.
        yield StagedFile(f"{SCRIPTS}/{script.path.removeprefix('scripts/')}", script.text)
        purpose = script.header_field("Purpose")
        rows.append({"link": site.link_to(SCRIPTS_INDEX, script, script.name),
                     "language": script.language, "purpose": purpose[1] if purpose else "",
                     "kb": [site.link_to(SCRIPTS_INDEX, entry) for entry in kb]})
    yield StagedFile(SCRIPTS_INDEX, render_markdown(
        "scripts_index.md.j2", front_matter=raw(listing_front_matter("Scripts")), scripts=rows))


def kb_entries(site: Site, script: Script) -> list[KBEntry]:
    """KB entries named in the script's `KB:` header, or pointing at it (`script:`, links)."""
    found: dict[str, KBEntry] = {}
    header = script.header_field("KB")
    for kb_id in KB_ID.findall(header[1] if header else ""):
        document = site.index.document(kb_id)
        if isinstance(document, KBEntry):
            found[document.path] = document
    for entry in site.vault.kb:
        if as_text(entry.meta.get("script")) == script.path:
            found[entry.path] = entry
    for document in site.links_to.get(script.path, []):
        if isinstance(document, KBEntry):
            found[document.path] = document
    return sorted(found.values(), key=lambda e: e.id or e.name)


def script_page(site: Site, script: Script, kb: list[KBEntry]) -> StagedFile:
    page = site.page_of(script.path) or ""
    purpose = script.header_field("Purpose")
    usage = script.header_field("Usage")
    tickets = [t for t in site.published_tickets()
               if as_text(t.meta.get("automation")) == script.path]
    content = render_markdown(
        "script.md.j2", front_matter=raw(front_matter(script.name, boost=1.5)),
        script={"name": script.name, "purpose": purpose[1] if purpose else "",
                "usage": bool(usage), "usage_code": raw(code_span(usage[1])) if usage else "",
                "language": script.language,
                "download": raw(escape_url(script.name)),
                "path_code": raw(code_span(script.path))},
        kb=[Row(site.link_to(page, entry), entry.title) for entry in kb],
        tickets=[Row(site.link_to(page, t), t.title) for t in tickets],
        source=raw(code_fence(script.text, LANGUAGES.get(script.language, ""))))
    return StagedFile(page, content)

