"""The site stage: generate the staging folder, then run a site engine on it.

The engine reads the vault's `mkdocs.yml`, whose `docs_dir` is the staging folder. Three
engines read that file: MkDocs with Material (the default), ProperDocs (a drop-in MkDocs fork)
and Zensical (Material's successor, which ignores Python MkDocs plugins; opsvault needs none).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .diagnostics import Diagnostic, VaultError

if TYPE_CHECKING:
    from .pages import Generation
    from .pages.context import PageMemo

ENGINES = ("mkdocs", "properdocs", "zensical")
CONFIG_FILE = "mkdocs.yml"
DEFAULT_DOCS_DIR = "build/docs"
DEFAULT_SITE_DIR = "build/site"


class SiteError(Exception):
    """The site cannot be built: no config, an engine that is not installed, and the like."""


@dataclass(frozen=True)
class EngineConfig:
    path: Path
    docs_dir: Path
    site_dir: Path


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` and `!ENV` tags only the engine resolves."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(vault_root: Path) -> EngineConfig:
    """Where the engine config says the staging folder and the built site are."""
    vault_root = vault_root.resolve()
    path = vault_root / CONFIG_FILE
    if not path.is_file():
        raise SiteError(f"{path}: no site config; `opsvault init --missing-only` writes one")
    try:
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_LenientLoader)
    except yaml.YAMLError as exc:
        raise SiteError(f"{path}: {exc}") from None
    data = data if isinstance(data, dict) else {}
    docs_dir = vault_root / str(data.get("docs_dir") or DEFAULT_DOCS_DIR)
    site_dir = vault_root / str(data.get("site_dir") or DEFAULT_SITE_DIR)
    if docs_dir.resolve() == vault_root.resolve() or \
            vault_root.resolve().is_relative_to(docs_dir.resolve()):
        raise SiteError(f"{path}: docs_dir must be a folder of its own that opsvault generates "
                        "(e.g. build/docs), not the vault")
    return EngineConfig(path, docs_dir, site_dir)


def ensure_engine(engine: str) -> str:
    """The program that runs `engine`; SiteError, before any page is made, when it cannot."""
    if engine not in ENGINES:
        raise SiteError(f"unknown engine '{engine}' (choose from {', '.join(ENGINES)})")
    if engine == "zensical":
        program = shutil.which("zensical")
        if program is None:
            raise SiteError("zensical is not installed (pip install zensical)")
        return program
    if importlib.util.find_spec(engine) is None:
        raise SiteError(f"{engine} is not installed (pip install {engine})")
    return sys.executable


def engine_command(engine: str, action: str, config: EngineConfig, *, strict: bool = False,
                   site_dir: Path | None = None, dev_addr: str | None = None) -> list[str]:
    """The command line that runs `engine` (`build` or `serve`) on the config."""
    program = ensure_engine(engine)
    if engine == "zensical":
        command = [program, action, "--config-file", str(config.path)]
        if action == "build" and strict:
            command.append("--strict")
        if action == "serve" and dev_addr:
            command += ["--dev-addr", dev_addr]
        return command
    command = [sys.executable, "-m", engine, action, "--config-file", str(config.path)]
    if strict:
        command.append("--strict")
    if action == "build" and site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    if action == "serve":
        # opsvault rewrites only the pages whose content changed, so the engine need only
        # rebuild those.
        command += ["--livereload", "--dirty"]
        if dev_addr:
            command += ["--dev-addr", dev_addr]
    return command


def engine_environment() -> dict[str, str]:
    # Material prints a banner about MkDocs 2.0 on every run; it says nothing about this site.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def generate_site(vault_root: Path, now: datetime | None = None,
                  memo: PageMemo | None = None) -> tuple[Generation, EngineConfig]:
    """Load the vault and write its staging folder where mkdocs.yml says (with a `memo`,
    re-rendering only the pages of documents that changed since the last call)."""
    # The stages on first use: `build` starts the engine before importing them.
    from .checks import run_checks
    from .history import load_history
    from .model import load_vault
    from .pages import generate

    config = read_config(vault_root)
    vault = load_vault(vault_root)
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=vault.settings.time_zone)
    history = load_history(vault_root, vault.settings)
    generation = generate(vault, config.docs_dir, now=now, history=history, memo=memo)
    if generation.secrets or memo is not None:  # `serve` re-renders on every save: no check
        return generation, config
    today = (now or datetime.now(vault.settings.time_zone)).date()
    # Secrets are reported by the generation already; every other `check` error is listed by
    # the build too, so that a document the site can only show in part is never a surprise.
    invalid = tuple(d for d in run_checks(vault, today, read_history=history)
                    if d.is_error and d.code != "secret")
    return dataclasses.replace(generation, invalid=invalid), config


class EngineRun:
    """The engine's build, started before the pages are generated.

    MkDocs and ProperDocs are started at once through `site_engine`, which loads the engine,
    its theme and plugins and then waits: on two cores that start-up runs while opsvault
    writes the staging folder, and `build` only tells it to go. Leaving the `with` block
    without `build` (a secret found, an error) stops it unbuilt. Zensical is started by
    `build`."""

    def __init__(self, engine: str, config: EngineConfig, strict: bool = False,
                 site_dir: Path | None = None) -> None:
        if engine == "zensical" and site_dir is not None:
            raise SiteError("zensical takes the site folder from site_dir in mkdocs.yml only")
        self.engine, self.config = engine, config
        self.final: Path | None = None
        self.command = engine_command(engine, "build", config, strict=strict)
        self.process: subprocess.Popen[bytes] | None = None
        if engine != "zensical":
            self.final = (site_dir or config.site_dir).resolve()
            building = self.final.with_name(f".{self.final.name}.building")
            shutil.rmtree(building, ignore_errors=True)
            self.building = building
            self.command = engine_command(engine, "build", config, strict=strict,
                                          site_dir=building)
            try:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "opsvault.site_engine", engine, *self.command[3:]],
                    stdin=subprocess.PIPE, cwd=config.path.parent, env=engine_environment())
            except OSError:
                self.process = None  # no process could be started now: `build` tries again

    def __enter__(self) -> EngineRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def build(self) -> int:
        """Build the site from the staging folder; the engine's exit code.

        MkDocs and ProperDocs build into a folder beside the site's, which replaces the site
        only when the build succeeded: a failed build (or a full disk) leaves the last good
        site as it was. Zensical takes its folder from mkdocs.yml alone and builds in place.
        """
        process, self.process = self.process, None
        if process is None:
            code = subprocess.run(self.command, cwd=self.config.path.parent,
                                  env=engine_environment(), check=False).returncode
        else:
            assert process.stdin is not None
            with contextlib.suppress(OSError):  # it ended already: its exit code says how
                process.stdin.write(b"build\n")
                process.stdin.close()
            code = process.wait()
        if self.final is None:
            return code
        if code != 0:
            shutil.rmtree(self.building, ignore_errors=True)
            return code
        try:
            _swap_in(self.building, self.final)
        except OSError as exc:
            shutil.rmtree(self.building, ignore_errors=True)
            raise SiteError(f"cannot put the new site in place at {self.final}: "
                            f"{exc.strerror or exc}; the last site is unchanged") from None
        return 0

    def stop(self) -> None:
        """End a started engine that was not told to build: it exits, building nothing."""
        process, self.process = self.process, None
        if process is None:
            return
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _swap_in(new: Path, final: Path) -> None:
    """Replace the folder `final` with `new` by renames (the old one is removed after)."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    try:
        new.rename(final)
    except OSError:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


# --- serve ---------------------------------------------------------------------------------

class VaultWatcher:
    """Regenerates the staging folder when vault files change (after a short quiet spell)."""

    def __init__(self, vault_root: Path, config: EngineConfig,
                 on_generation: Callable[[Generation | None, Exception | None], None],
                 quiet_seconds: float = 0.3) -> None:
        self.vault_root = vault_root
        self.config = config
        self.on_generation = on_generation
        self.quiet_seconds = quiet_seconds
        from .pages.context import PageMemo

        self.memo = PageMemo()
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._observer: Any = None
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        from .model import VAULT_DIRS

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                if watcher.is_vault_file(str(event.src_path)):
                    watcher._changed.set()

        self._observer = Observer()
        handler = Handler()
        for folder in VAULT_DIRS:
            if (self.vault_root / folder).is_dir():
                self._observer.schedule(handler, str(self.vault_root / folder), recursive=True)
        self._observer.start()
        self._thread.start()

    def is_vault_file(self, path: str) -> bool:
        relative = Path(path).resolve()
        docs = self.config.docs_dir.resolve()
        if relative.is_relative_to(docs):
            return False
        return not any(part.startswith(".") for part in Path(path).parts[-1:])

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self._changed.wait(0.2):
                continue
            # Editors save in several steps: wait until the files have been quiet a moment.
            while self._changed.is_set():
                self._changed.clear()
                time.sleep(self.quiet_seconds)
            try:
                generation, _ = generate_site(self.vault_root, memo=self.memo)
            except (VaultError, SiteError, OSError) as exc:
                self.on_generation(None, exc)
            else:
                self.on_generation(generation, None)

    def stop(self) -> None:
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        self._thread.join(timeout=5)


def serve(vault_root: Path, engine: str, dev_addr: str,
          report: Callable[[Generation | None, Exception | None], None]) -> int:
    """Generate, start the engine's live-reloading server on the staging folder, and keep the
    staging folder in step with the vault until the server stops (Ctrl+C)."""
    config = read_config(vault_root)
    ensure_engine(engine)
    _ensure_free(dev_addr)
    command = engine_command(engine, "serve", config, dev_addr=dev_addr)
    watcher = VaultWatcher(vault_root, config, report)
    generation, _ = generate_site(vault_root, memo=watcher.memo)
    report(generation, None)
    watcher.start()
    process = subprocess.Popen(command, cwd=config.path.parent, env=engine_environment())
    # Stopped by a signal rather than Ctrl+C (a service manager, a test): stop the engine too.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Stopping the preview is how it ends: exit 0 whatever the engine reports. A
        # terminal's Ctrl-C reached the engine too; give it a moment to stop on its own.
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        watcher.stop()


def _ensure_free(dev_addr: str) -> None:
    """SiteError unless `HOST:PORT` can be listened on (the engine would print a traceback)."""
    host, _, port_text = dev_addr.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SiteError(f"--dev-addr {dev_addr}: give HOST:PORT, e.g. 127.0.0.1:8000")
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            # As the engine's server does: a port in TIME_WAIT is free, a listening one is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), int(port_text)))
    except OSError as exc:
        raise SiteError(f"cannot listen on {dev_addr}: {exc.strerror or exc} (another server? "
                        "choose another with --dev-addr HOST:PORT)") from None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def describe(problems: Iterable[Diagnostic]) -> list[str]:
    return [p.as_line() for p in problems]
