"""`opsvault report insights` and its site page: recurring problems found by the search index
(or a shared KB entry), what covers them, candidates for automation, scripts that fixed
tickets, solved tickets without a KB entry, and KB entries nobody used in a year."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sitekit import NOW, page, site_pages
from test_search import kb
from vaultkit import SETTINGS, run_cli, write_vault

from opsvault.model import load_vault
from opsvault.search.insights import build_insights

ZONE = ZoneInfo("America/Chicago")
AS_OF = datetime(2026, 11, 25, 14, 0, tzinfo=ZONE)


def ticket(ident: str, title: str, text: str, opened: str, *, status: str = "closed",
           resolution: str = "", kb_link: str = "", automation: str = "") -> str:
    closing = (f"resolution: {resolution}\nroot_cause: Worn part\nuser_confirmed: "
               f"{opened[:10]}T16:00:00-06:00\nresolved: {opened[:10]}T15:00:00-06:00\n"
               if status == "closed" else "")
    return (f"---\nid: {ident}\ntitle: \"{title}\"\nstatus: {status}\npriority: P3\n"
            f"category: hardware\nopened: {opened[:10]}T09:00:00-06:00\nchannel: email\n"
            f"assignee: bob\n{closing}"
            + (f"kb: \"[[{kb_link}]]\"\n" if kb_link else "")
            + (f"automation: {automation}\n" if automation else "")
            + f"---\n{text}\n\n## Log\n- {opened[:10]} 10:00 · bob · Looked at it.\n")


FILES = {
    "vault/opsvault.yml": SETTINGS,
    "kb/Hardware/KB-OPS-106-printer-jam.md": kb(
        "KB-OPS-106", "Hardware", "Printer shows a paper jam with no paper stuck",
        "The front desk printer reports a jam in tray 2 but nothing is stuck.",
        "Clean the tray 2 pickup roller and the jam sensor."),
    "kb/Network/KB-OPS-102-vpn-mtu.md": kb(
        "KB-OPS-102", "Network", "VPN drops every few minutes after an ISP change",
        "The VPN tunnel disconnects every ten minutes.", "Set the VPN profile MTU to 1400."),
    "kb/Access/KB-OPS-104-password-expired.md": kb(
        "KB-OPS-104", "Access", "Password expired: cannot sign in",
        "Windows says the password has expired.", "Reset it with SOP-001."),
    "scripts/python/clear_spooler.py": "#!/usr/bin/env python3\n# Purpose: Clear the print "
                                       "spooler\nprint('ok')\n",
    # Three printer jams in the requesters' words, solved the same way, no KB entry linked.
    "tickets/T-20261102-pj01.md": ticket(
        "T-20261102-pj01", "Printer says paper jam but nothing is stuck",
        "The front desk printer shows a paper jam in tray 2, there is no paper in it.",
        "2026-11-02", resolution="Cleaned the tray 2 pickup roller and the jam sensor."),
    "tickets/T-20261109-pj02.md": ticket(
        "T-20261109-pj02", "Paper jam error again on the front desk printer",
        "Jam error in tray 2 again, opened every door, no paper stuck anywhere.",
        "2026-11-09", resolution="Cleaned the tray 2 pickup roller and the jam sensor."),
    "tickets/T-20261116-pj03.md": ticket(
        "T-20261116-pj03", "Front desk printer: paper jam that isn't there",
        "Printer reports a paper jam in tray 2 but there is no paper jammed.",
        "2026-11-16", resolution="Cleaned the tray 2 pickup roller and the jam sensor."),
    # Two VPN tickets in different words, both fixed with the same KB entry.
    "tickets/T-20261103-vp01.md": ticket(
        "T-20261103-vp01", "Remote connection keeps cutting out",
        "Working from home the tunnel goes away every ten minutes.", "2026-11-03",
        resolution="Lowered the MTU.", kb_link="KB-OPS-102"),
    "tickets/T-20261117-vp02.md": ticket(
        "T-20261117-vp02", "VPN unstable since the new router",
        "Since the ISP swapped our router the VPN disconnects.", "2026-11-17",
        resolution="Set the MTU to 1400.", kb_link="KB-OPS-102"),
    # On its own: not a recurring problem; fixed by a script, linking no KB entry.
    "tickets/T-20261110-sp01.md": ticket(
        "T-20261110-sp01", "Print queue frozen on the billing PC",
        "Documents sit in the queue and never print.", "2026-11-10",
        resolution="Ran the spooler script.", automation="scripts/python/clear_spooler.py"),
    # Still open: in a group it counts, but it is not solved.
    "tickets/T-20261124-pj04.md": ticket(
        "T-20261124-pj04", "Paper jam on front desk printer, no paper stuck",
        "Tray 2 paper jam message, there is no paper inside.", "2026-11-24",
        status="in-progress"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_vault(tmp_path, FILES, base=False)


def test_recurring_problems_are_grouped_with_what_covers_them(root: Path) -> None:
    insights = build_insights(load_vault(root), AS_OF, 12, {"T-20261102-pj01": 90.0,
                                                             "T-20261109-pj02": 30.0})
    groups = {frozenset(t.id for t in g.tickets): g for g in insights.groups}
    jams = groups[frozenset({"T-20261102-pj01", "T-20261109-pj02", "T-20261116-pj03",
                             "T-20261124-pj04"})]
    assert jams.resolved == 3 and jams.hours == 2.0  # (90 + 30) business minutes
    assert jams.kb == () and jams.suggested == "KB-OPS-106"  # not linked, but it may cover it
    assert jams.scriptable  # the same resolution three times, and no script
    assert "jam" in jams.words and "paper" in jams.words
    vpn = groups[frozenset({"T-20261103-vp01", "T-20261117-vp02"})]  # joined by their KB entry
    assert vpn.kb == ("KB-OPS-102",) and not vpn.scriptable
    assert len(insights.groups) == 2  # the spooler ticket stands alone
    assert [t.id for t in insights.unlinked] == ["T-20261116-pj03", "T-20261110-sp01",
                                                 "T-20261109-pj02", "T-20261102-pj01"]
    assert [e.id for e in insights.unused] == ["KB-OPS-104", "KB-OPS-106"]
    assert [(s.path, [t.id for t in s.tickets]) for s in insights.scripts] == [
        ("scripts/python/clear_spooler.py", ["T-20261110-sp01"])]


def test_the_window_leaves_out_older_tickets(root: Path) -> None:
    insights = build_insights(load_vault(root), AS_OF, 2, {})
    assert [sorted(t.id for t in g.tickets) for g in insights.groups] == [
        ["T-20261116-pj03", "T-20261124-pj04"]]
    assert "KB-OPS-102" not in [e.id for e in insights.unused]  # used within the year


def test_report_insights_as_json_and_markdown(root: Path) -> None:
    done = run_cli("report", "insights", "--as-of", "2026-11-25T14:00", "--format", "json",
                   "--vault", str(root))
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["weeks"] == 12
    jams = next(g for g in data["recurring"] if "T-20261102-pj01" in g["tickets"])
    assert jams["scriptable"] and jams["suggested_kb"] == "KB-OPS-106"
    assert data["scripts"][0]["path"] == "scripts/python/clear_spooler.py"
    text = run_cli("report", "insights", "--as-of", "2026-11-25T14:00", "--vault",
                   str(root)).stdout
    assert "2 problems came back (2 with no KB entry linked)" not in text
    assert "2 problems came back (1 with no KB entry linked)" in text
    assert "no KB entry linked, KB-OPS-106 may cover it; no script. Resolved the same way " \
           "each time with no script yet: a candidate for automation." in text
    assert "- `scripts/python/clear_spooler.py`: 1 ticket" in text
    weeks = run_cli("report", "insights", "--weeks", "0", "--vault", str(root))
    assert weeks.exit_code == 2


def test_the_site_page_links_what_it_names_and_escapes_titles(tmp_path: Path) -> None:
    hostile = dict(FILES)
    hostile["tickets/T-20261102-pj01.md"] = hostile["tickets/T-20261102-pj01.md"].replace(
        'title: "Printer says paper jam but nothing is stuck"',
        'title: "Printer paper jam <img src=x onerror=alert(1)> [x](javascript:alert(1))"')
    pages = site_pages(tmp_path, hostile, base=False)
    insights = page(pages, "reports/insights.md")
    assert "<img" not in insights and " [x](javascript:" not in insights
    assert "jam &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:alert(1))" in insights
    assert "[T-20261102-pj01](../tickets/T-20261102-pj01.md" in insights
    assert "[KB-OPS-106](../knowledge-base/Hardware/KB-OPS-106-printer-jam.md" in insights
    assert f"weeks to {NOW:%Y-%m-%d}" in insights
    assert "(insights.md)" in page(pages, "reports/index.md")


def test_without_published_tickets_the_page_names_none(tmp_path: Path) -> None:
    files = {**FILES, "vault/opsvault.yml": SETTINGS + "publish:\n  tickets: false\n"}
    insights = page(site_pages(tmp_path, files, base=False), "reports/insights.md")
    assert "T-2026" not in insights
    assert not [title for title in ("nothing is stuck", "isn't there", "cutting out",
                                    "Print queue frozen") if title in insights]
    assert "Problem 1: 4 tickets" in insights
    assert "[KB-OPS-102](" in insights  # KB entries are still published
