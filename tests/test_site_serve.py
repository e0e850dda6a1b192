"""`opsvault serve`: regenerating only what changed, the vault watcher, and the live server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sitekit import NOW
from vaultkit import KB_ENTRY, TICKET, write_vault

from opsvault.model import load_vault
from opsvault.pages import generate, render
from opsvault.pages.context import PageMemo
from opsvault.scaffold import scaffold_contents
from opsvault.site import VaultWatcher, read_config

TICKET_PATH = "tickets/T-20261118-q7mz-vpn-drops.md"
KB_PATH = "kb/Network/KB-OPS-001-vpn-drops.md"
TICKET_PAGE = "tickets/T-20261118-q7mz-vpn-drops.md"
KB_PAGE = "knowledge-base/Network/KB-OPS-001-vpn-drops.md"


def pages_with(root: Path, memo: PageMemo | None) -> dict[str, str | bytes]:
    staged, _ = render(load_vault(root), NOW, memo=memo)
    return {f.path: f.content for f in staged}


def test_unchanged_pages_are_reused_and_changed_ones_rendered(tmp_path: Path) -> None:
    write_vault(tmp_path)
    memo = PageMemo()
    pages_with(tmp_path, memo)
    kb_before = memo.pages[KB_PATH]
    write_vault(tmp_path, {TICKET_PATH: TICKET.replace("every ten minutes", "every 5 minutes")})
    pages = pages_with(tmp_path, memo)
    assert memo.pages[KB_PATH] is kb_before  # not rendered again
    assert "every 5 minutes" in str(pages[TICKET_PAGE])
    assert pages == pages_with(tmp_path, None)


def test_an_outline_change_renders_the_pages_that_show_it(tmp_path: Path) -> None:
    write_vault(tmp_path)
    memo = PageMemo()
    pages_with(tmp_path, memo)
    write_vault(tmp_path, {KB_PATH: KB_ENTRY.replace("title: VPN drops for remote staff",
                                                     "title: VPN keeps dropping")})
    pages = pages_with(tmp_path, memo)
    assert '"VPN keeps dropping")' in str(pages[TICKET_PAGE])  # the link title in the Log
    assert pages == pages_with(tmp_path, None)


def test_staging_keeps_unchanged_files_untouched(tmp_path: Path) -> None:
    write_vault(tmp_path)
    docs = tmp_path / "build/docs"
    memo = PageMemo()
    generate(load_vault(tmp_path), docs, now=NOW, memo=memo)
    kb_mtime = (docs / KB_PAGE).stat().st_mtime_ns
    write_vault(tmp_path, {TICKET_PATH: TICKET.replace("every ten minutes", "every 5 minutes")})
    generation = generate(load_vault(tmp_path), docs, now=NOW, memo=memo)
    assert generation.changed == (TICKET_PAGE,)
    assert (docs / KB_PAGE).stat().st_mtime_ns == kb_mtime


def test_the_watcher_regenerates_when_a_note_is_saved(tmp_path: Path) -> None:
    write_vault(tmp_path, {"mkdocs.yml": scaffold_contents()["mkdocs.yml"]})
    config = read_config(tmp_path)
    results: list[object] = []
    watcher = VaultWatcher(tmp_path, config, lambda g, e: results.append(g or e),
                           quiet_seconds=0.1)
    watcher.start()
    try:
        time.sleep(0.3)
        (tmp_path / TICKET_PATH).write_text(TICKET.replace("every ten", "every eleven"))
        page = tmp_path / "build/docs" / TICKET_PAGE
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (
                page.is_file() and "every eleven" in page.read_text()):
            time.sleep(0.1)
    finally:
        watcher.stop()
    assert "every eleven" in page.read_text()
    assert results and not isinstance(results[-1], Exception)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # only 127.0.0.1
        return str(response.read().decode("utf-8"))


def test_serve_shows_an_edit_without_a_restart(tmp_path: Path) -> None:
    write_vault(tmp_path, {"mkdocs.yml": scaffold_contents()["mkdocs.yml"]})
    port = _free_port()
    url = f"http://127.0.0.1:{port}/tickets/T-20261118-q7mz-vpn-drops/"
    server = subprocess.Popen(
        [sys.executable, "-c", "from opsvault.cli import main; main()", "serve", "--vault",
         str(tmp_path), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert "every ten minutes" in _poll(url, "every ten minutes")
        (tmp_path / TICKET_PATH).write_text(TICKET.replace("every ten", "every twelve"))
        assert "every twelve minutes" in _poll(url, "every twelve minutes")
        server.terminate()  # serve stops its engine on SIGTERM
        assert server.wait(timeout=20) is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _port_open(port):
            time.sleep(0.2)
        assert not _port_open(port), "the engine's server outlived opsvault serve"
    finally:
        if server.poll() is None:
            server.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # anything the session left behind


def _poll(url: str, text: str, seconds: float = 40) -> str:
    deadline = time.monotonic() + seconds
    content = ""
    while time.monotonic() < deadline:
        try:
            content = _fetch(url)
        except OSError:
            content = ""
        if text in content:
            return content
        time.sleep(0.3)
    return content


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    import socket

    from vaultkit import run_cli, write_vault

    write_vault(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        (Path(__file__).parents[1] / "opsvault/scaffold/mkdocs.yml").read_text())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--vault", str(tmp_path), "--dev-addr", f"127.0.0.1:{port}")
    assert result.exit_code == 2
    assert result.stderr == (f"error: cannot listen on 127.0.0.1:{port}: Address already in "
                             "use (another server? choose another with --dev-addr HOST:PORT)\n")
