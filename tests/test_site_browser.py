"""End to end: the demo vault built with `opsvault build --strict`, opened in headless Chromium.

The site is served from 127.0.0.1; every request to any other host is blocked and recorded.
The test vault is the demo help desk (copied, without its git history) plus one ticket whose
title and body carry script payloads. The board and report screenshots in the README are
taken here.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vaultkit import run_cli

from opsvault.model import load_vault

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs/screenshots"
AS_OF = "2026-11-25T14:00:00-06:00"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
XSS_TICKET = """\
---
id: T-20261125-x5ss
title: "Printer <img src=x onerror=\\"window.__xss='title'\\"> <script>window.__xss=2</script>"
status: new
priority: P4
category: printing
opened: 2026-11-25T10:00:00-06:00
channel: portal
requester: {name: "<b onmouseover=alert(1)>Mallory</b>", email: mallory@example.org}
---
The printer shows <script>window.__xss='body'; alert('body')</script> on its display.

<img src=x onerror="window.__xss='img'; alert('img')">

<svg onload="window.__xss='svg'"></svg> [click](javascript:window.__xss='link')

## Log
- 2026-11-25 10:05 · carol · Asked for a photo <img src=x onerror=alert('log')>.
"""

# axe-core checks (WCAG 2.1 AA and best practices). The theme's own markup has two findings
# opsvault's stylesheet cannot fix; they are listed in the README and allowed here for the
# theme's elements only. Everything else fails the test.
AXE_PAGES = ("", "boards/", "boards/by-priority/", "boards/by-assignee/", "boards/queues/",
             "boards/queues/unassigned/", "reports/weekly/2026-W47/", "reports/monthly/2026-10/",
             "knowledge-base/Network/KB-OPS-009-nas-backup-job-failed/",
             "tickets/T-20261022-g6vd-vpn-drops-remote-billing/")
THEME_FINDINGS = {
    "aria-dialog-name": ".md-search",  # the search overlay's role=dialog has no name
    "landmark-unique": "nav.md-nav, nav.md-tags",  # navigation sections without a label
}
AXE_RUN = """async (allowed) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes
    .filter(n => !(allowed[v.id] && document.querySelector(n.target[0])?.matches(allowed[v.id])))
    .map(n => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.failureSummary}`));
}"""

# One page of each kind the site has, screenshot at a desktop's and a phone's size. The
# screenshots are test artefacts, kept in build/screenshots/ (git-ignored) for a person to look
# through; CI can keep the folder.
PAGE_KINDS = {
    "home": "", "about": "about/", "board": "boards/", "board-by-priority": "boards/by-priority/",
    "board-by-assignee": "boards/by-assignee/", "queues": "boards/queues/",
    "queue": "boards/queues/unassigned/", "queue-mine": "boards/queues/mine/bob/",
    "tickets": "tickets/", "tickets-month": "tickets/months/2026-11/",
    "ticket": "tickets/T-20261022-g6vd-vpn-drops-remote-billing/",
    "kb": "knowledge-base/", "kb-category": "knowledge-base/Network/",
    "kb-entry": "knowledge-base/Network/KB-OPS-009-nas-backup-job-failed/",
    "tags": "knowledge-base/tags/", "procedures": "procedures/",
    "procedure": "procedures/SOP-003-backup-verification/", "scripts": "scripts/",
    "script": "scripts/php/reset_user_pw/", "reports": "reports/",
    "report-weekly": "reports/weekly/2026-W47/", "report-monthly": "reports/monthly/2026-10/",
    "insights": "reports/insights/",
}
ARTEFACTS = ROOT / "build/screenshots"

# Under CI (CI=true) a missing Chromium fails these tests instead of skipping them.
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                                reason="needs Debian's chromium at /usr/bin/chromium "
                                       "(apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo vault with the payload ticket, built with --strict into a site folder."""
    vault = tmp_path_factory.mktemp("demo")
    for folder in ("tickets", "kb", "sops", "scripts", "vault"):
        shutil.copytree(ROOT / folder, vault / folder)
    shutil.copy(ROOT / "mkdocs.yml", vault / "mkdocs.yml")
    (vault / "tickets/T-20261125-x5ss-printer-offline.md").write_text(XSS_TICKET)
    result = run_cli("build", "--vault", str(vault), "--strict", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    return vault


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Handler, directory=str(site / "build/site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """A browser tab that blocks and records requests to other hosts, and script dialogs."""

    def __init__(self, browser: Any, server: str, dark: bool = False) -> None:
        self.server = server
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900},
                                     color_scheme="dark" if dark else "light")
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.server):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Any:
        self.page.goto(f"{self.server}/{path}")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser: Any, server: str) -> Iterator[Visit]:
    tab = Visit(browser, server)
    yield tab
    assert tab.blocked == [], "the site asked another host for something"
    tab.close()


def test_search_finds_a_kb_entry_and_leads_to_it(visit: Visit) -> None:
    page = visit.open("")
    page.locator(".md-search__input").click()
    page.keyboard.type("FortiClient")  # the theme searches as keys are typed
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=10_000)
    # The results of "F", "Fo", … show first (an entry about failover, say): wait for the
    # whole word's, then let the search settle before judging the order.
    expected = "VPN drops every few minutes"
    with contextlib.suppress(Exception):  # a timeout: the assertion says what came first
        page.wait_for_function(
            "text => document.querySelector('.md-search-result__item > a')"
            "?.innerText.includes(text)", arg=expected, timeout=10_000)
    page.wait_for_timeout(500)
    # KB entries are boosted: the entry comes before the tickets that mention the word.
    assert expected in results.first.inner_text()
    results.first.click()
    page.wait_for_load_state("networkidle")
    assert "/knowledge-base/Network/KB-OPS-007-vpn-drops-remote-staff/" in page.url
    assert page.locator("h2#tickets-that-used-this-entry").count() == 1


def test_board_shows_the_right_cards_per_column(visit: Visit, site: Path) -> None:
    page = visit.open("boards/")
    shown = {column.get_attribute("data-column"):
             sorted(card.get_attribute("data-ticket")
                    for card in column.locator(".ov-card").all())
             for column in page.locator(".ov-column").all()}
    vault = load_vault(site)
    expected = {status: sorted(t.id or "" for t in vault.tickets if t.status == status)
                for status in vault.settings.statuses if vault.settings.is_active(status)}
    assert shown == expected
    assert sum(len(ids) for ids in shown.values()) > 5
    # Each card is a list item of its own, not run into the one before it.
    assert page.locator(".ov-column li").count() == page.locator(".ov-card").count()
    assert page.locator(".ov-column li:has(.ov-card)").count() == \
        page.locator(".ov-card").count()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "board.png"))


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_every_page_kind_fits_its_screen_and_is_photographed(
        browser: Any, server: str, width: int, height: int) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    tab = Visit(browser, server)
    tab.page.set_viewport_size({"width": width, "height": height})
    try:
        too_wide = {}
        for kind, path in PAGE_KINDS.items():
            page = tab.open(path)
            assert page.locator("article h1").count() == 1, kind  # the page, not a 404
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[kind] = scroll_width
            page.screenshot(path=str(ARTEFACTS / f"{kind}-{width}.png"))
        assert too_wide == {}, "pages that scroll sideways"
        assert len(list(ARTEFACTS.glob(f"*-{width}.png"))) >= len(PAGE_KINDS)
    finally:
        assert tab.blocked == [] and tab.dialogs == []
        tab.close()


def test_boards_on_a_phone_stack_their_columns_busiest_first(
        browser: Any, server: str) -> None:
    tab = Visit(browser, server)
    tab.page.set_viewport_size({"width": 390, "height": 844})
    try:
        for path in ("boards/", "boards/by-priority/", "boards/by-assignee/"):
            page = tab.open(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            columns = page.evaluate(
                """() => [...document.querySelectorAll('.ov-column')].map(c => {
                     const box = c.getBoundingClientRect();
                     return [box.top, box.left, box.width,
                             c.querySelectorAll('.ov-card').length]; })""")
            on_screen = sorted(columns)  # top to bottom
            assert len({round(left) for _, left, _, _ in on_screen}) == 1, path  # one stack
            assert all(width > 300 for _, _, width, _ in on_screen), path
            counts = [count for *_, count in on_screen]
            assert counts == sorted(counts, reverse=True) and counts[0] > 0, (path, counts)
            jump = page.locator("nav.ov-board-jump a").first
            assert jump.is_visible(), path
            jump.click()
            page.wait_for_timeout(300)
            target = page.evaluate("location.hash")
            top = page.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top")
            assert 0 <= top < 200, (path, target, top)
        page = tab.open("boards/")
        page.screenshot(path=str(SCREENSHOTS / "board-phone.png"))
        tab.page.set_viewport_size({"width": 1440, "height": 900})
        page = tab.open("boards/")
        assert not page.locator("nav.ov-board-jump").is_visible()
        tops = {round(c.bounding_box()["y"]) for c in page.locator(".ov-column").all()}  # type: ignore[index]
        assert len(tops) == 1  # side by side
    finally:
        assert tab.blocked == []
        tab.close()


def test_report_page_shows_its_svg_charts(visit: Visit) -> None:
    page = visit.open("reports/weekly/2026-W47/")
    charts = page.locator("figure.ov-chart svg.ov-chart-wide")
    assert charts.count() == 5
    assert all(not c.is_visible() for c in page.locator("svg.ov-chart-compact").all())
    for chart in charts.all():
        assert chart.is_visible()
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").first.text_content()
        assert chart.locator("desc").count() == 1
    bars = page.locator("#week-opened svg.ov-chart-wide rect[class^=ov-series]")
    assert bars.count() > 10
    assert bars.first.bounding_box()["height"] > 0  # type: ignore[index]
    assert page.locator("#week-backlog svg.ov-chart-wide polyline").count() == 1
    page.evaluate("document.querySelector('#charts').scrollIntoView()")
    page.wait_for_timeout(500)  # the header's title animation after scrolling
    page.screenshot(path=str(SCREENSHOTS / "report.png"))


def test_charts_on_a_phone_keep_their_text_at_11_px_or_more(browser: Any, server: str) -> None:
    tab = Visit(browser, server)
    tab.page.set_viewport_size({"width": 390, "height": 844})
    try:
        for path in ("reports/weekly/2026-W47/", "reports/monthly/2026-10/", "reports/", ""):
            page = tab.open(path)
            # Rendered size of every chart label: its CSS size times the SVG's scale.
            sizes = page.evaluate(
                """() => [...document.querySelectorAll('.ov-chart svg')]
                     .filter(svg => svg.getBoundingClientRect().width > 0)
                     .flatMap(svg => [...svg.querySelectorAll('text')].map(text =>
                        parseFloat(getComputedStyle(text).fontSize) *
                        text.getScreenCTM().a))""")
            assert sizes, path
            assert min(sizes) >= 11, (path, min(sizes))
            assert page.locator("svg.ov-chart-compact").first.is_visible(), path
            assert not page.locator("svg.ov-chart-wide").first.is_visible(), path
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    finally:
        tab.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_opsvaults_pages(
        browser: Any, server: str, scheme: str) -> None:
    import axe_playwright_python  # a test dependency: it ships axe-core's axe.min.js

    script = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    source = script.read_text(encoding="utf-8")
    tab = Visit(browser, server, dark=scheme == "dark")
    try:
        found = {}
        for path in AXE_PAGES:
            page = tab.open(path)
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == \
                ("slate" if scheme == "dark" else "default"), path
            page.evaluate(source)
            violations = page.evaluate(AXE_RUN, THEME_FINDINGS)
            if violations:
                found[path or "/"] = violations
        assert found == {}
    finally:
        tab.close()


def test_charts_follow_the_light_and_dark_theme(browser: Any, server: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        tab = Visit(browser, server, dark=scheme == "dark")
        page = tab.open("reports/weekly/2026-W47/")
        colours[scheme] = page.evaluate(
            """() => [getComputedStyle(document.querySelector('.ov-chart text')).fill,
                      getComputedStyle(document.querySelector('.md-typeset')).color,
                      getComputedStyle(document.body).backgroundColor]""")
        tab.close()
    for text_fill, page_text, background in colours.values():
        assert text_fill == page_text != background  # chart labels read like the page text
    assert colours["light"][0] != colours["dark"][0]


def test_ticket_page_shows_its_timeline(visit: Visit) -> None:
    page = visit.open("tickets/T-20261022-g6vd-vpn-drops-remote-billing/")
    assert page.locator("h1").inner_text().startswith("T-20261022-g6vd")
    timeline = page.locator("xpath=//h2[@id='timeline']/following::table[1]")
    rows = timeline.locator("tbody tr")
    assert rows.count() >= 8
    text = rows.all_inner_texts()
    assert "Opened (email)" in text[0]
    assert any("Escalated to alice" in row for row in text)
    assert "Closed" in text[-1]
    # The KB link in the log leads to the entry.
    timeline.locator("a", has_text="KB-OPS-007").first.click()
    assert "/knowledge-base/Network/KB-OPS-007" in page.url


def test_pages_work_with_every_other_host_blocked(visit: Visit) -> None:
    for path in ("", "boards/", "boards/by-priority/", "knowledge-base/", "knowledge-base/tags/",
                 "procedures/SOP-002-ticket-escalation/", "scripts/python/backup_verify/",
                 "tickets/T-20261022-g6vd-vpn-drops-remote-billing/"):
        page = visit.open(path)
        assert page.locator("h1").count() >= 1, path
        # The theme's own script ran: the search box is live.
        assert page.locator(".md-search__input").is_enabled()
    assert visit.blocked == []


def test_script_payloads_in_notes_and_titles_do_not_run(visit: Visit) -> None:
    for path in ("tickets/T-20261125-x5ss-printer-offline/", "boards/", "boards/by-assignee/",
                 "tickets/months/2026-11/"):
        page = visit.open(path)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("script:has-text('__xss')").count() == 0, path
        assert page.locator("img[src='x']").count() == 0, path
    page = visit.open("tickets/T-20261125-x5ss-printer-offline/")
    assert "<script>window.__xss='body'" in page.locator("article").inner_text()
    assert "mallory@example.org" not in page.content()
    assert visit.dialogs == []


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_queue_pages_list_their_tickets_and_fit_a_phone(
        browser: Any, server: str, site: Path, width: int, height: int,
        tmp_path: Path) -> None:
    tab = Visit(browser, server)
    tab.page.set_viewport_size({"width": width, "height": height})
    try:
        vault = load_vault(site)
        active = [t for t in vault.tickets if t.is_active]
        expected = {
            "boards/queues/unassigned/": sorted(t.id or "" for t in active if not t.assignee),
            "boards/queues/mine/bob/": sorted(t.id or "" for t in active
                                              if t.assignee == "bob"),
            "boards/queues/waiting-on-user/": sorted(t.id or "" for t in active
                                                     if t.status == "waiting-on-user"),
        }
        for path, ids in expected.items():
            page = tab.open(path)
            shown = sorted(link.inner_text() for link in
                           page.locator("article table tbody tr td:first-child a").all())
            assert shown == ids, path
            # The page itself never scrolls sideways; a wide table scrolls in its own box.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}-{width}.png"))
        assert "T-20261125-x5ss" in expected["boards/queues/unassigned/"]
        page = tab.open("boards/queues/unassigned/")
        if width == 1440:
            page.screenshot(path=str(SCREENSHOTS / "queue.png"))  # shown in the README
        assert page.evaluate("window.__xss") is None and tab.dialogs == []
        assert "<script>window.__xss=2</script>" in page.locator("article").inner_text()
        home = tab.open("")
        home.locator("article a", has_text="Unassigned").first.click()
        home.wait_for_load_state("networkidle")
        assert home.url.endswith("/boards/queues/unassigned/")
        assert "as of 2026-11-25 14:00 America/Chicago" in home.locator("article").inner_text()
    finally:
        assert tab.blocked == []
        tab.close()


def test_kb_entry_has_a_breadcrumb_and_a_copy_button_on_its_commands(visit: Visit) -> None:
    page = visit.open("knowledge-base/Network/KB-OPS-009-nas-backup-job-failed/")
    command = page.locator("article pre code", has_text="backup_verify.py --max-age 26h")
    assert command.count() == 1
    # content.code.copy: the theme's button that copies the block.
    page.locator("article pre").first.hover()
    assert page.locator("article .md-code__button[data-md-type=\"copy\"]").count() == 1
    crumbs = page.locator("nav.ov-breadcrumb a")
    assert crumbs.all_inner_texts() == ["Knowledge base", "Network"]
    crumbs.nth(1).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/knowledge-base/Network/")
    # The category lists each entry by its title too, as a link.
    assert page.locator("article table a", has_text="Nightly backup job failed").count() == 1


def test_search_ranks_the_kb_and_procedures_above_tickets_and_labels_each_hit(
        visit: Visit) -> None:
    page = visit.open("")
    page.locator(".md-search__input").click()
    page.keyboard.type("backup")
    # The first article of each hit (the page, or its matching section) carries the label.
    headings = page.locator(
        ".md-search-result__item > a.md-search-result__link article > :is(h1, h2)")
    headings.first.wait_for(timeout=10_000)
    kinds = [heading.evaluate("h => getComputedStyle(h, '::before').content")
             for heading in headings.all()]
    hrefs = [link.get_attribute("href") or "" for link in
             page.locator(".md-search-result__item > a.md-search-result__link").all()]
    assert len(kinds) == len(hrefs) >= 5
    assert all(kind.startswith('"') for kind in kinds), list(zip(kinds, hrefs, strict=True))
    kinds = [kind.strip('"').split(" · ")[0] for kind in kinds]
    assert {"KB entry", "Procedure", "Ticket"} <= set(kinds), kinds
    first_ticket = kinds.index("Ticket")
    assert {"KB entry", "Procedure"} <= set(kinds[:first_ticket]), kinds
    # A ticket's hit shows its description, not the field table.
    ticket_hit = page.locator(".md-search-result__item").nth(first_ticket).inner_text()
    assert "Requester" not in ticket_hit and "Field" not in ticket_hit, ticket_hit
