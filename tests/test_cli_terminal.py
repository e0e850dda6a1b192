"""On a real terminal: Ctrl-C ends a command with one line and exit code 130 — no traceback,
nothing half-written; `serve` stops its engine and exits 0 (stopping the preview is how it is
meant to end); colour appears on a terminal only, and never with NO_COLOR."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from deskkit import desk
from vaultkit import write_vault

from opsvault.scaffold import scaffold_contents

CLI = [sys.executable, "-c", "from opsvault.cli import main; main()"]


def _read_until(stream: int, text: str, seconds: float = 20) -> str:
    seen = b""
    deadline = time.monotonic() + seconds
    while text.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.2)
        if ready:
            chunk = os.read(stream, 4096)
            if not chunk:
                break
            seen += chunk
    return seen.decode("utf-8", "replace")


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk")
    before = sorted(p.name for p in (root / "tickets").iterdir())
    leader, follower = pty.openpty()  # a terminal, so `ticket new` asks its questions
    process = subprocess.Popen([*CLI, "ticket", "new", "--vault", str(root), "--as", "alice"],
                               stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    try:
        assert "Title: " in _read_until(leader, "Title: ")  # prompts go to the terminal
        time.sleep(0.5)  # let it settle into reading the answer, as a person would take
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            seen = _read_until(leader, "~", 1)
            raise AssertionError(f"still running after Ctrl-C; it printed {seen!r}") from None
        rest = _read_until(leader, "interrupted")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert process.returncode == 130
    assert rest.strip() == "interrupted"
    assert sorted(p.name for p in (root / "tickets").iterdir()) == before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ctrl_c_stops_serve_and_its_engine_cleanly(tmp_path: Path) -> None:
    write_vault(tmp_path, {"mkdocs.yml": scaffold_contents()["mkdocs.yml"]})
    port = _free_port()
    server = subprocess.Popen([*CLI, "serve", "--vault", str(tmp_path), "--dev-addr",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        else:
            raise AssertionError("serve never listened")
        os.killpg(server.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
        _, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    leader, follower = pty.openpty()
    base = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.Popen([*CLI, *args], stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=follower, env={**base, **env})
    os.close(follower)
    try:
        process.wait(timeout=60)
        return _read_until(leader, "files checked", seconds=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)


def test_colour_on_a_terminal_only_and_never_with_no_color(tmp_path: Path) -> None:
    write_vault(tmp_path, {"tickets/T-20261118-q7mz-vpn-drops.md": "no front matter\n"})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _on_a_terminal(["check", "--vault", str(tmp_path)], {})
    assert "\x1b[" in coloured and "no-front-matter" in coloured
    plain = _on_a_terminal(["check", "--vault", str(tmp_path)], {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "error" in plain
    piped = subprocess.run([*CLI, "check", "--vault", str(tmp_path)], capture_output=True,
                           text=True, env=env, check=False)
    assert "\x1b[" not in piped.stdout and "error" in piped.stdout
