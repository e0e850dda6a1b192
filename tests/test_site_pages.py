"""The generated pages: KB, procedures, scripts, tickets, boards, publish policy, safety and
the staging folder (no engine needed), and `opsvault build` end to end with MkDocs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from sitekit import NOW, generate_site, page, site_pages
from vaultkit import CLOSED_TICKET, TICKET, run_cli, write_vault

from opsvault.model import load_vault
from opsvault.pages import generate
from opsvault.scaffold import scaffold_contents

KB_PAGE = "knowledge-base/Network/KB-OPS-001-vpn-drops.md"
OPEN_TICKET_PAGE = "tickets/T-20261118-q7mz-vpn-drops.md"
CLOSED_TICKET_PAGE = "tickets/T-20261110-ab12.md"
NO_TICKETS = "time_zone: America/Chicago\npublish:\n  tickets: false\n"


def front(text: str) -> dict[str, object]:
    return yaml.safe_load(text.split("---\n", 2)[1])


# --- knowledge base ---------------------------------------------------------------------------

def test_kb_entry_lists_the_tickets_that_used_it(tmp_path: Path) -> None:
    text = page(site_pages(tmp_path), KB_PAGE)
    section = text.split("## Tickets that used this entry", 1)[1]
    assert "[T-20261118-q7mz](../../tickets/T-20261118-q7mz-vpn-drops.md" in section
    assert "T-20261110-ab12" not in section  # it does not link to the entry


def test_kb_entry_is_boosted_in_search_and_carries_its_tags(tmp_path: Path) -> None:
    meta = front(page(site_pages(tmp_path), KB_PAGE))
    assert meta == {"title": "VPN drops for remote staff", "tags": ["vpn"],
                    "search": {"boost": 2}, "hide": ["navigation"]}


def test_kb_entry_lists_related_entries(tmp_path: Path) -> None:
    other = (tmp_path / "other.md")
    write_vault(tmp_path)
    text = (tmp_path / "kb/Network/KB-OPS-001-vpn-drops.md").read_text()
    other.write_text(text.replace("KB-OPS-001", "KB-OPS-002").replace("aliases: [VPN guide]\n",
                                                                      ""))
    pages = site_pages(tmp_path, {"kb/Network/KB-OPS-002-vpn-again.md": other.read_text()})
    assert "## Related entries" in page(pages, KB_PAGE)
    assert "[KB-OPS-002](KB-OPS-002-vpn-again.md" in page(pages, KB_PAGE)


def test_kb_category_and_index_pages(tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    category = page(pages, "knowledge-base/Network/index.md")
    assert "| [KB-OPS-001](KB-OPS-001-vpn-drops.md" in category
    assert "[Network](Network/index.md)" in page(pages, "knowledge-base/index.md")


def test_script_reference_links_the_script_page_which_shows_the_source(tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    assert "[scripts/python/check\\_vpn.py](../../scripts/python/check_vpn.md" in page(pages,
                                                                                     KB_PAGE)
    script = page(pages, "scripts/python/check_vpn.md")
    assert "```python\n#!/usr/bin/env python3\n# Purpose: check the VPN MTU." in script
    assert "[KB-OPS-001](../../knowledge-base/Network/KB-OPS-001-vpn-drops.md" in script
    assert pages["scripts/python/check_vpn.py"].startswith("#!/usr/bin/env python3")
    # The purpose line is a paragraph of its own, not run into the next line.
    assert "Script · **Purpose:** check the VPN MTU.\n\n" in script
    assert "| [check\\_vpn.py](python/check_vpn.md" in page(pages, "scripts/index.md")


def test_procedure_page_is_boosted(tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    text = page(pages, "procedures/SOP-001-password-reset.md")
    assert front(text)["search"] == {"boost": 2}
    assert "1. Verify identity." in text
    assert "[SOP-001](SOP-001-password-reset.md" in page(pages, "procedures/index.md")


# --- tickets and boards -------------------------------------------------------------------

def test_ticket_page_has_fields_description_and_timeline(tmp_path: Path) -> None:
    text = page(site_pages(tmp_path), OPEN_TICKET_PAGE)
    assert "# T-20261118-q7mz · VPN drops every 10 minutes" in text
    assert "| Status | in-progress |" in text
    assert "| Assignee | Alice Moreno (alice) |" in text
    assert "The VPN disconnects every ten minutes" in text
    # The status line and the description are two paragraphs.
    assert "Ticket · in-progress · P2 · network\n\nThe VPN disconnects" in text
    timeline = text.split("## Timeline", 1)[1]
    rows = [line for line in timeline.splitlines() if line.startswith("| 2026")]
    assert rows == [
        "| 2026-11-18 09:12 | Priya Shah | Opened (email) |",
        "| 2026-11-18 09:20 | alice | Acknowledged; asked for the client log. |",
        "| 2026-11-18 09:20 |  | First response |",
        "| 2026-11-18 11:02 | alice | See [the VPN guide](../knowledge-base/Network/"
        "KB-OPS-001-vpn-drops.md#resolution-steps \"VPN drops for remote staff\"). |",
    ]
    assert "## Log" not in text


def test_closed_ticket_shows_its_resolution(tmp_path: Path) -> None:
    text = page(site_pages(tmp_path), CLOSED_TICKET_PAGE)
    assert "- **Resolution:** Replaced the tray 2 pickup roller." in text
    assert "- **Satisfaction:** 5/5" in text
    assert "| 2026-11-11 09:30 |  | Closed |" in text


def test_requester_contact_is_hidden_by_default(tmp_path: Path) -> None:
    body = TICKET.replace("The VPN disconnects", "Priya (priya@example.org) says the VPN drops")
    text = page(site_pages(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": body}),
                OPEN_TICKET_PAGE)
    assert "| Requester | Priya Shah |" in text
    assert "priya@example.org" not in text
    assert "Priya (\\[hidden\\]) says" in text


def test_requester_contact_is_shown_when_the_policy_allows(tmp_path: Path) -> None:
    settings = "time_zone: America/Chicago\npublish:\n  requester_contact: true\n"
    text = page(site_pages(tmp_path, {"vault/opsvault.yml": settings}), OPEN_TICKET_PAGE)
    assert "| Requester | Priya Shah, priya@example.org |" in text


def test_board_has_a_column_per_active_status_with_the_open_tickets(tmp_path: Path) -> None:
    text = page(site_pages(tmp_path), "boards/index.md")
    columns = re.findall(r'data-column="([^"]+)" markdown>\n\n## ([^\n]+?) \{ #column-',
                         text)
    assert columns == [("new", "New (0)"), ("open", "Open (0)"),
                       ("in-progress", "In progress (1)"),
                       ("waiting-on-user", "Waiting on user (0)"),
                       ("escalated", "Escalated (0)"),
                       ("awaiting-confirmation", "Awaiting confirmation (0)")]
    card = next(line for line in text.splitlines() if 'data-ticket="T-20261118-q7mz"' in line)
    assert '<span class="ov-priority ov-p2">P2</span>' in card
    assert "VPN drops every 10 minutes" in card
    assert "alice · in-progress · open 7d 4h" in card
    assert "T-20261110-ab12" not in text  # closed


def test_boards_by_priority_and_by_assignee(tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    by_priority = page(pages, "boards/by-priority.md")
    assert "## P2 high (1) { #column-P2 }" in by_priority
    assert "## P1 critical (0) { #column-P1 }" in by_priority
    by_assignee = page(pages, "boards/by-assignee.md")
    assert "## Alice Moreno (1) { #column-alice }" in by_assignee
    assert "## Unassigned (0) { #column-unassigned }" in by_assignee
    # On a phone the busiest column comes first; the board keeps its order on a desktop.
    # One list item per card: each card is a line of its own.
    cards = [line for line in by_assignee.splitlines() if 'class="ov-card"' in line]
    assert len(cards) == by_assignee.count('class="ov-card"') == 1
    assert cards[0].startswith('- <span class="ov-card"')
    ranks = re.findall(r'class="ov-column ov-rank-(\d+)[^"]*" data-column="([^"]+)"',
                       by_priority)
    assert ranks == [("1", "P1"), ("0", "P2"), ("2", "P3"), ("3", "P4")]
    assert "Busiest first: [P2 high (1)](#column-P2)\n" in by_priority


def test_boards_are_kept_out_of_search(tmp_path: Path) -> None:
    meta = front(page(site_pages(tmp_path), "boards/index.md"))
    assert meta["search"] == {"exclude": True}
    assert meta["hide"] == ["navigation", "toc"]


def test_report_a_problem_opens_a_prefilled_email(tmp_path: Path) -> None:
    settings = "time_zone: America/Chicago\npublish:\n  report_email: help@example.org\n"
    pages = site_pages(tmp_path, {"vault/opsvault.yml": settings})
    for path in ("boards/index.md", "index.md"):
        assert "[Report a problem](mailto:help@example.org?subject=Problem%3A%20" in page(pages,
                                                                                           path)
    assert "Report a problem" not in page(site_pages(tmp_path / "x"), "boards/index.md")


def test_unpublished_tickets_leave_no_trace(tmp_path: Path) -> None:
    pages = site_pages(tmp_path, {"vault/opsvault.yml": NO_TICKETS})
    assert not any(path.startswith(("tickets/", "boards/")) for path in pages)
    kb = page(pages, KB_PAGE)
    assert "Used by 1 ticket(s); ticket pages are not published." in kb
    assert "T-20261118-q7mz" not in kb


def test_links_to_unpublished_tickets_become_plain_text(tmp_path: Path) -> None:
    body = "---\ntitle: N\n---\nSee [[T-20261118-q7mz]].\n"
    pages = site_pages(tmp_path, {"vault/opsvault.yml": NO_TICKETS, "vault/note.md": body})
    assert "See T-20261118-q7mz." in page(pages, "note.md")


def test_ticket_archive_lists_every_ticket_by_month(tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    assert "| [2026-11](months/2026-11.md) | 2 | 1 |" in page(pages, "tickets/index.md")
    month = page(pages, "tickets/months/2026-11.md")
    assert month.index("T-20261118-q7mz") < month.index("T-20261110-ab12")


# --- safety ---------------------------------------------------------------------------------

def test_front_matter_is_curated(tmp_path: Path) -> None:
    ticket = TICKET.replace("assignee: alice\n", "assignee: alice\nicon: material/bug\n"
                            "hide: [toc]\nsearch: {exclude: true}\ntemplate: evil.html\n")
    pages = site_pages(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": ticket})
    # Only what opsvault itself sets: the vault's `search: {exclude: true}` is not taken over.
    assert front(page(pages, OPEN_TICKET_PAGE)) == {
        "title": "T-20261118-q7mz VPN drops every 10 minutes", "search": {"boost": 0.5}}
    for path, content in pages.items():
        if path.endswith(".md"):
            assert set(front(str(content))) <= {"title", "tags", "search", "hide"}, path


def test_titles_cannot_become_html(tmp_path: Path) -> None:
    evil = "</title><script>alert(1)</script><img src=x onerror=alert(2)>"
    ticket = TICKET.replace("title: VPN drops every 10 minutes", f'title: "{evil}"')
    text = page(site_pages(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": ticket}),
                OPEN_TICKET_PAGE)
    title = str(front(text)["title"])
    assert "<" not in title and ">" not in title
    assert "&lt;/title&gt;&lt;script&gt;" in text.split("---\n", 2)[2]
    board = page(site_pages(tmp_path), "boards/index.md")
    assert "<script" not in board and "<img" not in board


def test_a_likely_secret_stops_generation_naming_file_and_line(tmp_path: Path) -> None:
    ticket = TICKET.replace("## Log\n", "Temporary password: Hunter2-Secret!\n\n## Log\n")
    generation = generate_site(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": ticket})
    assert [(d.path, d.line, d.code) for d in generation.secrets] == [
        ("tickets/T-20261118-q7mz-vpn-drops.md", 18, "secret")]
    assert not (tmp_path / "build/docs").exists()


def test_secrets_in_unpublished_tickets_do_not_stop_the_site(tmp_path: Path) -> None:
    ticket = TICKET.replace("## Log\n", "Temporary password: Hunter2-Secret!\n\n## Log\n")
    generation = generate_site(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": ticket,
                                          "vault/opsvault.yml": NO_TICKETS})
    assert generation.secrets == ()


# --- the staging folder ---------------------------------------------------------------------

def test_staging_writes_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    first = generate_site(tmp_path)
    assert set(first.changed) == set(first.pages)
    assert generate(load_vault(tmp_path), tmp_path / "build/docs", now=NOW).changed == ()
    (tmp_path / "tickets/T-20261110-ab12.md").unlink()
    third = generate(load_vault(tmp_path), tmp_path / "build/docs", now=NOW)
    assert CLOSED_TICKET_PAGE in third.removed
    assert not (tmp_path / "build/docs" / CLOSED_TICKET_PAGE).exists()
    assert "tickets/months/2026-11.md" in third.changed
    assert not list((tmp_path / "build/docs").rglob(".*.tmp"))


def test_generation_reports_link_problems_with_file_and_line(tmp_path: Path) -> None:
    generation = generate_site(tmp_path, {"vault/note.md": "---\ntitle: N\n---\n\n[[Nowhere]]\n"})
    assert [(p.path, p.line, p.code) for p in generation.problems] == [
        ("vault/note.md", 5, "unresolved-link")]


# --- opsvault build ---------------------------------------------------------------------------

def test_build_fails_on_a_secret_naming_file_and_line(tmp_path: Path) -> None:
    ticket = CLOSED_TICKET.replace("## Log\n", "api_key = sk_live_abcdefghijklmnop1234\n## Log\n")
    write_vault(tmp_path, {"tickets/T-20261110-ab12.md": ticket, "mkdocs.yml": _config()})
    result = run_cli("build", "--vault", str(tmp_path))
    assert result.exit_code == 1
    assert "tickets/T-20261110-ab12.md:18: error: likely Stripe key" in result.stderr


def test_strict_build_fails_on_unresolved_links(tmp_path: Path) -> None:
    write_vault(tmp_path, {"vault/note.md": "---\ntitle: N\n---\n[[Nowhere]]\n",
                           "mkdocs.yml": _config()})
    result = run_cli("build", "--vault", str(tmp_path), "--strict")
    assert result.exit_code == 1
    assert "vault/note.md:4: warning: [[Nowhere]] matches no note" in result.stderr
    assert not (tmp_path / "build/site").exists()


def test_build_without_a_site_config_is_a_usage_error(tmp_path: Path) -> None:
    write_vault(tmp_path)
    result = run_cli("build", "--vault", str(tmp_path))
    assert result.exit_code == 2
    assert "no site config" in result.stderr


def test_build_runs_the_engine_into_the_site_folder(tmp_path: Path) -> None:
    write_vault(tmp_path, {"mkdocs.yml": _config()})
    result = run_cli("build", "--vault", str(tmp_path), "--strict",
                     "--site-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "out/tickets/T-20261118-q7mz-vpn-drops/index.html").read_text()
    assert "VPN drops every 10 minutes" in html


def _engines_started_for(root: Path) -> list[str]:
    """The command lines of running site engines started on `root`'s config."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        line = " ".join(word.decode(errors="replace") for word in words)
        if "opsvault.site_engine" in line and str(root) in line:
            found.append(line)
    return found


def test_a_build_stopped_before_the_engine_leaves_no_engine_running_and_no_site(
        tmp_path: Path) -> None:
    # The engine is started before the pages are made; a secret found in them stops it.
    ticket = CLOSED_TICKET.replace("## Log\n", "api_key = sk_live_abcdefghijklmnop1234\n## Log\n")
    write_vault(tmp_path, {"tickets/T-20261110-ab12.md": ticket, "mkdocs.yml": _config()})
    result = run_cli("build", "--vault", str(tmp_path))
    assert result.exit_code == 1 and "likely Stripe key" in result.stderr
    assert _engines_started_for(tmp_path) == []
    assert not (tmp_path / "build/site").exists()
    assert not (tmp_path / "build/.site.building").exists()


def test_the_started_engine_builds_when_told_and_only_then(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    write_vault(tmp_path, {"mkdocs.yml": _config()})
    assert run_cli("build", "--vault", str(tmp_path)).exit_code == 0
    command = [sys.executable, "-m", "opsvault.site_engine", "mkdocs", "build",
               "--config-file", str(tmp_path / "mkdocs.yml"), "--site-dir", str(tmp_path / "out")]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    stopped = subprocess.run(command, input=b"", capture_output=True, env=environment,
                             cwd=tmp_path, timeout=120)
    assert (stopped.returncode, stopped.stdout, stopped.stderr) == (0, b"", b"")
    assert not (tmp_path / "out").exists()
    built = subprocess.run(command, input=b"build\n", capture_output=True, env=environment,
                           cwd=tmp_path, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "VPN drops every 10 minutes" in (
        tmp_path / "out/tickets/T-20261118-q7mz-vpn-drops/index.html").read_text()
    # The engine's own verdict, exit code and all: a theme that is not installed.
    (tmp_path / "mkdocs.yml").write_text(_config().replace("name: material", "name: nosuch"))
    plain = subprocess.run([*command[:1], "-m", "mkdocs", *command[4:]], capture_output=True,
                           env=environment, cwd=tmp_path, timeout=120)
    failed = subprocess.run(command, input=b"build\n", capture_output=True, env=environment,
                            cwd=tmp_path, timeout=120)
    assert plain.returncode != 0 and failed.returncode == plain.returncode
    assert b"nosuch" in failed.stderr and failed.stderr.count(b"nosuch") == \
        plain.stderr.count(b"nosuch")  # said once, by the build, not by the loading


def _config() -> str:
    from opsvault.scaffold import scaffold_contents

    return scaffold_contents()["mkdocs.yml"]


def test_ticket_timeline_shows_field_changes_and_commits_from_git(tmp_path: Path) -> None:
    from gitkit import commit, init_repo

    from opsvault.history import load_history
    from opsvault.pages import render

    init_repo(tmp_path)
    path = "tickets/T-20261118-q7mz-vpn-drops.md"
    commit(tmp_path, {path: TICKET.replace("status: in-progress", "status: open")},
           "T-20261118-q7mz: opened", "2026-11-18T09:30:00-06:00")
    commit(tmp_path, {path: TICKET}, "T-20261118-q7mz: working on it",
           "2026-11-18T10:00:00-06:00", author="bob")
    commit(tmp_path, {"scripts/python/fix.py": "# Purpose: x\n"},
           "Script for the VPN\n\nTicket: T-20261118-q7mz", "2026-11-18T10:30:00-06:00")
    vault = load_vault(tmp_path)
    staged, _ = render(vault, NOW, load_history(tmp_path, vault.settings))
    text = next(str(f.content) for f in staged if f.path == OPEN_TICKET_PAGE)
    assert "| 2026-11-18 10:00 | Bob Okafor | status: open → in-progress |" in text
    assert "| 2026-11-18 10:30 | Alice Moreno | Commit: Script for the VPN |" in text


def test_demo_vault_builds_without_git_history(tmp_path: Path) -> None:
    import shutil

    root = Path(__file__).resolve().parents[1]
    for folder in ("tickets", "kb", "sops", "scripts", "vault"):
        shutil.copytree(root / folder, tmp_path / folder)
    shutil.copy(root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    result = run_cli("build", "--vault", str(tmp_path), "--strict")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "build/site/boards/index.html").is_file()


# --- reports, dashboard, metrics files ----------------------------------------------------------

def test_weekly_and_monthly_report_pages_have_charts_with_text_and_numbers(
        tmp_path: Path) -> None:
    pages = site_pages(tmp_path)
    weekly = page(pages, "reports/weekly/2026-W47.md")
    assert "# Weekly report 2026-W47" in weekly
    assert front(weekly)["search"] == {"exclude": True}
    assert weekly.count('<figure class="ov-chart"') == 5
    for title in ("Opened vs resolved per week", "First response: median against the target",
                  "SLA compliance by priority", "Open tickets (backlog)",
                  "Knowledge base growth per week"):
        assert f"### {title}" in weekly
    figure = next(line for line in weekly.splitlines() if 'id="week-opened"' in line)
    assert '<title id="week-opened-title">Opened vs resolved per week</title>' in figure
    assert "<desc id=\"week-opened-desc\">Tickets opened and resolved" in figure
    assert "<figcaption>" in figure and "<script" not in figure
    assert "    | W47 | 1 | 0 |" in weekly  # the chart's numbers as a table
    assert "reports/monthly/2026-10.md" in pages


def test_report_breaches_link_the_tickets(tmp_path: Path) -> None:
    weekly = page(site_pages(tmp_path), "reports/weekly/2026-W47.md")
    assert "| [T-20261118-q7mz](../../tickets/T-20261118-q7mz-vpn-drops.md" in weekly


def test_reports_show_no_ticket_when_tickets_are_not_published(tmp_path: Path) -> None:
    pages = site_pages(tmp_path, {"vault/opsvault.yml": NO_TICKETS})
    for path in ("reports/weekly/2026-W47.md", "index.md", "metrics.json"):
        assert "T-20261118" not in str(pages[path]) and "VPN drops every" not in str(
            pages[path]), path


def test_home_dashboard_shows_this_week_and_current_breaches(tmp_path: Path) -> None:
    home = page(site_pages(tmp_path), "index.md")
    assert "## This week (2026-W48)" in home
    assert "**1** Open now" in home
    assert "## SLA breaches now" in home
    assert "| [T-20261118-q7mz](tickets/T-20261118-q7mz-vpn-drops.md" in home
    assert 'id="home-opened"' in home


def test_board_cards_show_the_sla_state_and_time_left(tmp_path: Path) -> None:
    board = page(site_pages(tmp_path), "boards/index.md")
    card = next(line for line in board.splitlines() if 'data-ticket="T-20261118-q7mz"' in line)
    assert '<span class="ov-sla ov-sla-breached" title="Resolution target 1bd (business ' \
           'hours), due 2026-11-19 09:12">' in card
    assert "over</span>" in card


def test_metrics_files_at_the_site_root(tmp_path: Path) -> None:
    import json

    pages = site_pages(tmp_path)
    data = json.loads(str(pages["metrics.json"]))
    assert data["generated"] == NOW.isoformat()
    assert [week["label"] for week in data["trend"]["weeks"]][-1] == "2026-W48"
    assert data["open_sla"][0]["ticket_id"] == "T-20261118-q7mz"
    csv_text = str(pages["metrics.csv"])
    assert csv_text.splitlines()[0].startswith("label,start,end,opened,resolved")
    assert len(csv_text.splitlines()) == 1 + 12 + 1  # header, 12 weeks, the whole window


def test_large_vaults_make_the_metrics_pages_in_a_second_process_with_the_same_result(
        tmp_path: Path, monkeypatch: object) -> None:
    import opsvault.pages as pages_module

    write_vault(tmp_path, {"vault/note.md": "---\ntitle: N\ntags: [x]\n---\n[[Nowhere]]\n"})
    vault = load_vault(tmp_path)
    alone, alone_site = pages_module.render(vault, NOW)
    monkeypatch.setattr(pages_module, "PARALLEL_FROM_TICKETS", 1)  # type: ignore[attr-defined]
    forked, forked_site = pages_module.render(vault, NOW)
    assert {f.path: f.content for f in forked} == {f.path: f.content for f in alone}
    assert sorted(forked_site.problems) == sorted(alone_site.problems)


def test_both_ways_write_the_same_staging_folder_page_by_page(tmp_path: Path,
                                                               monkeypatch: object) -> None:
    import opsvault.pages as pages_module

    root = write_vault(tmp_path / "vault", {
        "vault/note.md": "---\ntitle: N\ntags: [x]\n---\n[[Nowhere]]\n"})
    vault = load_vault(root)
    # Forked first, on a vault never indexed: the ticket pages' suggestions must not depend
    # on how far the other process has filled the search index.
    monkeypatch.setattr(pages_module, "PARALLEL_FROM_TICKETS", 1)  # type: ignore[attr-defined]
    forked = pages_module.generate(vault, tmp_path / "forked", now=NOW)
    monkeypatch.setattr(pages_module, "PARALLEL_FROM_TICKETS", 10**9)  # type: ignore[attr-defined]
    alone = pages_module.generate(vault, tmp_path / "alone", now=NOW)

    def folder(name: str) -> dict[str, bytes]:
        base = tmp_path / name
        return {p.relative_to(base).as_posix(): p.read_bytes()
                for p in sorted(base.rglob("*")) if p.is_file()}

    assert folder("forked") == folder("alone") and len(folder("alone")) > 20
    assert sorted(forked.pages) == sorted(alone.pages)
    assert sorted(forked.changed) == sorted(alone.changed)
    assert forked.problems == alone.problems


def test_of_two_files_for_one_path_the_first_in_order_wins_even_when_it_comes_later(
        tmp_path: Path) -> None:
    from opsvault.pages.staging import StagedFile, StagingWriter

    (tmp_path / "old.md").write_text("no longer made")
    writer = StagingWriter(tmp_path)
    writer.write(StagedFile("a.md", "document a"))
    writer.write(StagedFile("b.md", "document b"))
    writer.write(StagedFile("a.md", "a second a"))  # later in order: ignored
    writer.write(StagedFile("a.md", "metrics a"), precedes=True)  # before all of them
    writer.write(StagedFile("c.md", "metrics c"), precedes=True)
    writer.write(StagedFile("c.md", "another c"))
    result = writer.finish()
    assert (tmp_path / "a.md").read_text() == "metrics a"
    assert (tmp_path / "c.md").read_text() == "metrics c"
    assert writer.paths == ("a.md", "c.md", "b.md")
    assert result.removed == ("old.md",) and not (tmp_path / "old.md").exists()
    again = StagingWriter(tmp_path)
    again.write(StagedFile("a.md", "metrics a"))
    assert again.finish(prune=False).changed == ()  # the same content is not written again


def test_a_new_vault_from_init_builds_strictly(tmp_path: Path, monkeypatch: object) -> None:
    assert run_cli("init", str(tmp_path / "desk")).exit_code == 0
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    result = run_cli("build", "--vault", "desk", "--strict")  # a relative vault path
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "desk/build/site/index.html").is_file()
    assert (tmp_path / "desk/build/site/metrics.json").is_file()


def test_a_fresh_clone_of_the_demo_builds_with_its_git_history(tmp_path: Path) -> None:
    import subprocess

    import pytest

    root = Path(__file__).resolve().parents[1]
    if not (root / ".git").exists():
        pytest.skip("the repository is not a git clone")
    subprocess.run(["git", "clone", "-q", str(root), str(tmp_path / "clone")], check=True)
    result = run_cli("build", "--vault", str(tmp_path / "clone"), "--strict")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "clone/build/site/reports/index.html").is_file()


def test_the_demo_and_init_site_configs_agree_but_for_the_name() -> None:
    from opsvault.scaffold import scaffold_contents

    root = Path(__file__).resolve().parents[1]
    demo = yaml.safe_load((root / "mkdocs.yml").read_text())
    scaffold = yaml.safe_load(scaffold_contents()["mkdocs.yml"])
    assert demo.pop("site_name") != scaffold.pop("site_name")
    assert demo == scaffold
    assert demo["theme"]["font"] is False  # no web fonts from a CDN
    assert demo["plugins"] == ["search", "tags"]
    assert "/tickets/" in demo["not_in_nav"]


def test_engine_commands(tmp_path: Path) -> None:
    import pytest

    from opsvault.site import EngineConfig, SiteError, engine_command

    config = EngineConfig(tmp_path / "mkdocs.yml", tmp_path / "build/docs",
                          tmp_path / "build/site")
    build = engine_command("mkdocs", "build", config, strict=True, site_dir=tmp_path / "out")
    assert build[1:] == ["-m", "mkdocs", "build", "--config-file", str(config.path), "--strict",
                         "--site-dir", str(tmp_path / "out")]
    serve = engine_command("mkdocs", "serve", config, dev_addr="127.0.0.1:9000")
    assert serve[3:] == ["serve", "--config-file", str(config.path), "--livereload", "--dirty",
                         "--dev-addr", "127.0.0.1:9000"]
    with pytest.raises(SiteError, match="unknown engine"):
        engine_command("hugo", "build", config)


def test_a_commit_subject_with_a_secret_or_contact_data_is_not_shown(tmp_path: Path) -> None:
    from gitkit import commit, init_repo

    from opsvault.history import load_history
    from opsvault.pages import render

    init_repo(tmp_path)
    commit(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": TICKET}, "T-20261118-q7mz: opened",
           "2026-11-18T09:30:00-06:00")
    commit(tmp_path, {"scripts/python/fix.py": "# Purpose: x\n"},
           "Reset VPN password: Summer2024!\n\nTicket: T-20261118-q7mz",
           "2026-11-18T10:30:00-06:00")
    commit(tmp_path, {"scripts/python/fix.py": "# Purpose: y\n"},
           "Mailed priya.shah@example.org\n\nTicket: T-20261118-q7mz",
           "2026-11-18T10:40:00-06:00")
    vault = load_vault(tmp_path)
    staged, site = render(vault, NOW, load_history(tmp_path, vault.settings))
    text = next(str(f.content) for f in staged if f.path == OPEN_TICKET_PAGE)
    assert "Summer2024" not in text
    assert "Commit: (subject withheld: likely secret)" in text
    assert "Commit: Mailed \\[hidden\\]" in text  # brackets escaped as text
    assert [p.code for p in site.problems if p.code.startswith("secret")] == ["secret-in-commit"]


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is not None,
                    reason="the test needs an engine that is not installed")
def test_a_missing_engine_is_named_before_any_page_is_generated(tmp_path: Path) -> None:
    write_vault(tmp_path, {"mkdocs.yml": scaffold_contents()["mkdocs.yml"]})
    result = run_cli("build", "--vault", str(tmp_path), "--engine", "properdocs")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: properdocs is not installed (pip install properdocs)"
    assert not (tmp_path / "build").exists()


def test_home_page_says_when_it_judged_and_lists_breaches_and_what_is_due_soon(
        tmp_path: Path) -> None:
    fresh = TICKET.replace("id: T-20261118-q7mz", "id: T-20261125-soon").replace(
        "status: in-progress", "status: new").replace("priority: P2", "priority: P3").replace(
        "opened: 2026-11-18T09:12:00-06:00", "opened: 2026-11-25T10:00:00-06:00").replace(
        "first_response: 2026-11-18T09:20:00-06:00\n", "").replace(
        "title: VPN drops every 10 minutes", "title: Label printer offline").split("## Log")[0]
    home = page(site_pages(tmp_path, {"tickets/T-20261125-soon.md": fresh}), "index.md")
    assert "As of 2026-11-25 14:00 America/Chicago." in home
    breaches = home[home.index("## SLA breaches now"):home.index("## Due soon")]
    vpn = next(line for line in breaches.splitlines() if "T-20261118-q7mz" in line)
    assert "| alice | in-progress | resolution 1bd |" in vpn
    due_soon = home[home.index("## Due soon"):]
    soon = next(line for line in due_soon.splitlines() if "T-20261125-soon" in line)
    assert "| first response eod | running | 3h 00m left | 2026-11-25 17:00 |" in soon


def test_home_page_lists_the_longest_overdue_and_links_the_queue_for_the_rest(
        tmp_path: Path) -> None:
    from opsvault.pages.home import HOME_LIST_ROWS
    from opsvault.pages.queues import DUE_SOON_QUEUE

    total = HOME_LIST_ROWS + 5
    overdue = {}
    for number in range(total):
        ident = f"T-202611{1 + number % 17:02d}-b{number:03d}"  # opened on different days
        overdue[f"tickets/{ident}.md"] = TICKET.replace("T-20261118-q7mz", ident).replace(
            "2026-11-18", f"2026-11-{1 + number % 17:02d}")
    pages = site_pages(tmp_path, overdue)
    home = page(pages, "index.md")
    breaches = home[home.index("## SLA breaches now"):home.index("## Due soon")]
    # The longest overdue first: every ticket opened on the 1st is listed, none of the 17th.
    more = capped_list(breaches, "b", total, 17, rf"The {HOME_LIST_ROWS} longest overdue of "
                       r"(\d+) breaches: all of them are in \[Due soon or overdue\]")
    assert int(more.group(1)) == total + 1  # with the vault's own VPN ticket
    assert more.group(2) == DUE_SOON_QUEUE  # home is at the top: the link is the path
    queue = page(pages, DUE_SOON_QUEUE)
    assert all(path.removeprefix("tickets/").removesuffix(".md") in queue for path in overdue)


def capped_list(section: str, mark: str, total: int, days: int,
                sentence: str) -> re.Match[str]:
    """A home list of `total` tickets (`<mark>NNN`, ticket n waiting longest when n % days is
    0) shows `HOME_LIST_ROWS` of them, longest waiting first, then `sentence` and a link to
    the queue of them all (the match: its groups, then the link)."""
    from opsvault.pages.home import HOME_LIST_ROWS

    rows = [line for line in section.splitlines() if line.startswith("| [T-")]
    assert len(rows) == HOME_LIST_ROWS
    assert all(f"{mark}{n:03d}" in section for n in range(total) if n % days == 0)
    assert not any(f"{mark}{n:03d}" in section for n in range(total) if n % days == days - 1)
    more = re.search(rf"^{sentence}\(([^)]+)\)\.$", section, re.M)
    assert more is not None, section
    return more


def test_home_page_lists_the_longest_waiting_follow_ups_and_links_the_queue(
        tmp_path: Path) -> None:
    from opsvault.pages.home import HOME_LIST_ROWS
    from opsvault.pages.queues import FOLLOW_UPS_QUEUE

    total = HOME_LIST_ROWS + 3
    due = {}
    for number in range(total):
        ident = f"T-20261110-f{number:03d}"
        planned = f"2026-11-{1 + number % 20:02d}"  # the 1st waited longest, the 20th least
        due[f"tickets/{ident}.md"] = CLOSED_TICKET.replace("T-20261110-ab12", ident).replace(
            "satisfaction: 5", f"satisfaction: 5\nfollow_up: {planned}")
    pages = site_pages(tmp_path, due)
    home = page(pages, "index.md")
    section = home[home.index("## Follow-ups due"):home.index("## Open tickets by priority")]
    more = capped_list(section, "f", total, 20, rf"The {HOME_LIST_ROWS} longest waiting of "
                       r"(\d+) follow-ups due: all of them are in \[Follow-ups due\]")
    assert int(more.group(1)) == total
    assert more.group(2) == FOLLOW_UPS_QUEUE
    queue = page(pages, FOLLOW_UPS_QUEUE)
    assert all(f"T-20261110-f{n:03d}" in queue for n in range(total))


def test_home_page_lists_the_follow_ups_due(tmp_path: Path) -> None:
    due = CLOSED_TICKET.replace("satisfaction: 5", "satisfaction: 5\nfollow_up: 2026-11-25")
    home = page(site_pages(tmp_path, {"tickets/T-20261110-ab12.md": due}), "index.md")
    section = home[home.index("## Follow-ups due"):home.index("## Open tickets by priority")]
    row = next(line for line in section.splitlines() if "T-20261110-ab12" in line)
    assert "| 2026-11-25 | bob | closed |" in row
    board = page(site_pages(tmp_path / "board", {"tickets/T-20261110-ab12.md": due}),
                 "boards/index.md")
    assert re.search(r"^Follow-ups due: \[T-20261110-ab12\]\([^)]+\) \(2026-11-25\)\.$", board,
                     re.M)
    later = CLOSED_TICKET.replace("satisfaction: 5", "satisfaction: 5\nfollow_up: 2026-11-26")
    assert "## Follow-ups due" not in page(site_pages(tmp_path / "later", {
        "tickets/T-20261110-ab12.md": later}), "index.md")
