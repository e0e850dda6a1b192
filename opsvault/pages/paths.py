"""Where each vault file goes in the staging folder, and so on the site.

The top-level folders have lower-case names because the engine's automatic navigation names a
section after its folder and sorts folders by name: Boards, Knowledge base, Procedures,
Reports, Scripts. Tickets are never in the navigation (mkdocs.yml: `not_in_nav`), nor are
single KB entries: each page embeds the whole navigation, so a long one makes the build time
grow with the square of the page count.
"""

from __future__ import annotations

import posixpath
import re

HOME = "index.md"
BOARDS = "boards"
KB = "knowledge-base"
PROCEDURES = "procedures"
REPORTS = "reports"
SCRIPTS = "scripts"
TICKETS = "tickets"
ASSETS = "assets"
TAGS_PAGE = f"{KB}/tags.md"
METRICS_JSON = "metrics.json"
METRICS_CSV = "metrics.csv"
METRICS_XLSX = "metrics.xlsx"
def ticket_month_page(month: str) -> str:
    """The archive page of the tickets opened in `month` ("2026-11", or "undated")."""
    return f"{TICKETS}/months/{month}.md"


def ticket_anchor(ticket_id: str) -> str:
    """A ticket's anchor on its month's archive page."""
    return "ticket-" + re.sub(r"[^a-z0-9-]", "-", ticket_id.lower())


# Vault folder → staging folder. Hand-written pages (vault/**/*.md) go to the top.
FOLDERS = {"kb": KB, "sops": PROCEDURES, "tickets": TICKETS, "vault": ""}
RESERVED = {BOARDS, KB, PROCEDURES, REPORTS, SCRIPTS, TICKETS, ASSETS, "search",
            METRICS_JSON, METRICS_CSV, METRICS_XLSX, "404.md", "sitemap.xml"}


# The engine names navigation sections after folders and the theme writes those names into
# every page unescaped, so a folder name keeps only characters that cannot form markup.
_UNSAFE_IN_NAME = re.compile(r"[^\w .,+=@~-]")


def _safe_name(segment: str) -> str:
    return _UNSAFE_IN_NAME.sub("-", segment)


def staging_path(vault_path: str) -> str:
    """`kb/Network/x.md` → `knowledge-base/Network/x.md`; `vault/about.md` → `about.md`;
    `scripts/python/x.py` → `scripts/python/x.md` (the script's page; the script itself is
    published beside it for download)."""
    folder, _, rest = vault_path.partition("/")
    if _UNSAFE_IN_NAME.search(rest):
        rest = "/".join(_safe_name(segment) for segment in rest.split("/"))
    if folder == "scripts":
        return f"{SCRIPTS}/{posixpath.splitext(rest)[0]}.md"
    mapped = FOLDERS.get(folder, folder)
    return f"{mapped}/{rest}" if mapped else rest


def is_reserved(vault_path: str) -> bool:
    """Whether a hand-written page would take the place of a generated one."""
    if not vault_path.startswith("vault/"):
        return False
    name = vault_path.removeprefix("vault/")
    return name.partition("/")[0] in RESERVED or name.removesuffix(".md") in RESERVED


# Files a browser may run when opened (markup that can carry script). An attachment of such a
# type is published as plain text: `page.html` → `page.html.txt`, a download that never runs.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml",
                   ".xsl", ".xslt", ".mht", ".mhtml", ".js", ".mjs", ".swf", ".hta")


def is_active(vault_path: str) -> bool:
    return vault_path.lower().endswith(ACTIVE_SUFFIXES)


def asset_path(vault_path: str) -> str:
    """Where an attachment is published: its staging path, as plain text when it is active."""
    target = staging_path(vault_path)
    return f"{target}.txt" if is_active(vault_path) else target


# Whole email messages (forwards kept by intake) carry every address and header of a thread:
# unless the policy publishes requester contact data they stay in the vault, off the site.
MAIL_SUFFIXES = (".eml", ".msg", ".mbox")


def is_mail(vault_path: str) -> bool:
    return vault_path.lower().endswith(MAIL_SUFFIXES)
