"""Old closed tickets on the site: no page of their own past `publish.ticket_pages_months`,
a compact entry (with its resolution) on the archive page of the month it was opened, and
every link to the ticket leads there."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitekit import page, site_pages
from vaultkit import CLOSED_TICKET, run_cli, write_vault

ROOT_DIR = Path(__file__).resolve().parents[1]

# Closed in January 2025: long before the sites' moment (2026-11-25) less 12 months.
OLD = "T-20250106-ol01"
OLD_TICKET = (CLOSED_TICKET.replace("T-20261110-ab12", OLD)
              .replace("2026-11-10", "2025-01-06").replace("2026-11-11", "2025-01-07")
              .replace("Printer jams on tray 2", "Old scanner fault")
              .replace("Replaced the tray 2 pickup roller.",
                       "Reseated the scanner cable; mail priya@example.org for access."))
OLD_PATH = f"tickets/{OLD}-old-scanner.md"
# Opened in January 2025 too, but still open: it keeps its page.
OPEN_OLD = "T-20250107-op02"
OPEN_TICKET = (CLOSED_TICKET.replace("T-20261110-ab12", OPEN_OLD)
               .replace("status: closed", "status: open").replace("2026-11-10", "2025-01-07")
               .split("resolution:")[0] + "---\nStill flaky.\n")
FILES = {
    OLD_PATH: OLD_TICKET,
    f"tickets/{OPEN_OLD}-open-old.md": OPEN_TICKET,
    "vault/notes.md": f"---\ntitle: Notes\n---\nSee [[{OLD}]] and [[T-20261110-ab12]].\n",
}
ANCHOR = f"ticket-{OLD.lower()}"


def test_an_old_closed_ticket_is_an_entry_on_its_month_page(tmp_path: Path) -> None:
    pages = site_pages(tmp_path, FILES)
    assert f"tickets/{OLD}-old-scanner.md" not in pages
    assert f"tickets/{OPEN_OLD}-open-old.md" in pages  # open: a page of its own
    assert "tickets/T-20261110-ab12.md" in pages  # closed this month: a page too
    month = page(pages, "tickets/months/2025-01.md")
    row = next(line for line in month.splitlines() if OLD in line)
    assert row.startswith(f'| <span id="{ANCHOR}"></span>**{OLD}** | Old scanner fault |')
    assert "Reseated the scanner cable" in row
    assert "priya@example.org" not in row  # the requester's address stays hidden
    assert "1 of these tickets were closed more than 12 months ago" in month
    # Every link to it leads to that entry.
    notes = page(pages, "notes.md")
    assert f"[{OLD}](tickets/months/2025-01.md#{ANCHOR} " in notes
    assert "[T-20261110-ab12](tickets/T-20261110-ab12.md " in notes


def test_the_number_of_months_is_a_setting_and_zero_keeps_every_page(tmp_path: Path) -> None:
    settings = "time_zone: America/Chicago\npublish:\n  ticket_pages_months: 0\n"
    pages = site_pages(tmp_path / "zero", {**FILES, "vault/opsvault.yml": settings})
    assert f"tickets/{OLD}-old-scanner.md" in pages
    assert f"#{ANCHOR}" not in page(pages, "notes.md")
    settings = "time_zone: America/Chicago\npublish:\n  ticket_pages_months: 24\n"
    pages = site_pages(tmp_path / "two-years", {**FILES, "vault/opsvault.yml": settings})
    assert f"tickets/{OLD}-old-scanner.md" in pages  # closed 22 months before


def test_a_negative_number_of_months_is_reported(tmp_path: Path) -> None:
    settings = "time_zone: America/Chicago\npublish:\n  ticket_pages_months: -1\n"
    root = write_vault(tmp_path / "vault", {"vault/opsvault.yml": settings})
    result = run_cli("check", "--vault", str(root))
    assert result.exit_code == 2  # the settings cannot be used: nothing else is judged
    assert ("vault/opsvault.yml:3: error: setting 'publish.ticket_pages_months': must be 0 or "
            "more") in result.stderr


def test_the_built_site_leads_links_to_the_archived_entry(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", FILES)
    shutil.copy(ROOT_DIR / "mkdocs.yml", root / "mkdocs.yml")
    result = run_cli("build", "--vault", str(root), "--strict",
                     "--as-of", "2026-11-25T14:00:00-06:00")
    assert result.exit_code == 0, result.stderr + result.stdout
    site = root / "build/site"
    assert not (site / f"tickets/{OLD}-old-scanner").exists()
    month = (site / "tickets/months/2025-01/index.html").read_text()
    assert f'id="{ANCHOR}"' in month
    notes = (site / "notes/index.html").read_text()
    assert f'href="../tickets/months/2025-01/#{ANCHOR}"' in notes
