"""The pages stage: turns a loaded vault into the staging folder a site engine builds.

Like mkdocs-gen-files, each module writes one family of pages and `generate` runs them in
order; the engine is run separately (`opsvault.site`). The output is plain Markdown with curated
front matter (title, tags, search, hide), a stylesheet, the files notes embed, and the metrics
as `metrics.json` and `metrics.csv`.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from itertools import chain
from pathlib import Path

from ..checks.secrets import SecretsMemo, scanned_sources
from ..diagnostics import Diagnostic, error, paused_gc
from ..history import History
from ..model import Vault
from ..search import open_index
from . import boards, home, kb, procedures, queues, reports, scripts, tickets
from .context import PageMemo, Site, TagUse
from .outline import vault_outline
from .paths import ASSETS
from .privacy import published_vault
from .staging import StagedFile, StagingWriter

STYLESHEET = f"{ASSETS}/opsvault.css"
# From this many tickets the metrics pages are made in a second process (see below), with
# every fourth ticket page so that both processes take about as long.
PARALLEL_FROM_TICKETS = 1000
WORKER_SHARE = 4


@dataclass(frozen=True)
class Generation:
    """What one run of the generator did."""

    pages: tuple[str, ...]  # every file of the staging folder
    changed: tuple[str, ...]  # files written because their content changed
    removed: tuple[str, ...]  # files removed because nothing generates them any more
    problems: tuple[Diagnostic, ...]  # unresolved and ambiguous links, embed loops (warnings)
    secrets: tuple[Diagnostic, ...]  # likely secrets in published files: nothing was written
    # `check` errors: the site still shows those documents as best it can, and says so
    invalid: tuple[Diagnostic, ...] = ()


def published_sources(vault: Vault) -> list[tuple[str, str]]:
    """(path, text) of every vault file whose content the site shows."""
    publish = vault.settings.publish
    return [(path, text) for path, text in scanned_sources(vault)
            if publish.tickets or not path.startswith("tickets/")]


def find_published_secrets(vault: Vault) -> list[Diagnostic]:
    """A likely secret in any published file, as an error naming file and line."""
    memo = SecretsMemo(vault.root)
    found = [error(path, line, "secret", f"likely {kind}: the site would publish it; remove "
                                         "it (and rotate it) or replace it with a placeholder")
             for path, text in published_sources(vault) for line, kind in memo.find(text)]
    memo.save(whole_run=False)  # the published files only: the others' scans stay
    return found


# Where each generated file goes as soon as it is made; `precedes` as `StagingWriter.write`.
Emit = Callable[[StagedFile, bool], None]


def render(vault: Vault, now: datetime | None = None, history: History | None = None,
           memo: PageMemo | None = None) -> tuple[list[StagedFile], Site]:
    """Every staging file, in memory, in the order of precedence (the first for a path
    wins). With a `memo` of the previous run, the pages of documents that did not change
    are taken from it."""
    preceding: list[StagedFile] = []
    following: list[StagedFile] = []

    def keep(staged: StagedFile, precedes: bool) -> None:
        (preceding if precedes else following).append(staged)

    site = render_to(keep, vault, now, history, memo)
    return [*preceding, *following], site


def render_to(emit: Emit, vault: Vault, now: datetime | None = None,
              history: History | None = None, memo: PageMemo | None = None) -> Site:
    """`render`, handing each file to `emit` as it is made rather than holding them all (a
    large desk's pages are tens of megabytes of text)."""
    now = now or datetime.now(vault.settings.time_zone)
    vault = published_vault(vault)
    if memo is not None:
        memo.outline = vault_outline(vault, history, now)
    site = Site(vault, now, history=history, memo=memo)
    # Pages make many short-lived objects next to the long-lived vault; the trees have no
    # cycles, so reference counting frees them and collections would only rescan the vault.
    with paused_gc():
        if memo is None and len(vault.tickets) >= PARALLEL_FROM_TICKETS and _can_fork():
            _render_in_two_processes(site, emit)
        else:
            for staged in chain(_metrics_pages(site), _document_pages(site)):
                emit(staged, False)
    emit(kb.tags_page(site), False)  # last: every page has registered its tags
    emit(StagedFile(STYLESHEET, files("opsvault").joinpath(
        "templates/site/opsvault.css").read_text(encoding="utf-8")), False)
    for source, target in sorted(site.assets.items()):
        path = vault.root / source
        if path.is_file() and not path.is_symlink():
            emit(StagedFile(target, path.read_bytes()), False)
    return site


def _document_pages(site: Site, split: bool = False) -> Iterator[StagedFile]:
    """The pages of the notes and scripts, and their indexes (with `split`, without the ticket
    pages the worker makes)."""
    shown = [t for n, t in enumerate(site.vault.tickets) if n % WORKER_SHARE] if split \
        else site.vault.tickets
    return chain(home.pages(site), kb.pages(site), procedures.pages(site), scripts.pages(site),
                 tickets.ticket_pages(site, shown), tickets.archive_pages(site))


def _metrics_pages(site: Site, split: bool = False) -> list[StagedFile]:
    """The pages that need the metrics: the home dashboard, the boards, the reports (with
    `split`, and every WORKER_SHARE-th ticket page, so that both processes take as long)."""
    shown = site.vault.tickets[::WORKER_SHARE] if split else ()
    return [home.home_page(site), *boards.pages(site), *queues.pages(site), *reports.pages(site),
            *tickets.ticket_pages(site, shown)]


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


_FORKED_SITE: Site | None = None
WorkerResult = tuple[list[StagedFile], list[TagUse], list[Diagnostic],
                     dict[str, str]]


def _metrics_pages_in_worker() -> WorkerResult:
    site = _FORKED_SITE
    assert site is not None
    tags, problems, assets = len(site.tag_log), len(site.problems), set(site.assets)
    staged = _metrics_pages(site, split=True)
    return (staged, site.tag_log[tags:], site.problems[problems:],
            {k: v for k, v in site.assets.items() if k not in assets})


def _render_in_two_processes(site: Site, emit: Emit) -> None:
    """The metrics pages in a forked process while this one makes (and hands on) the
    document pages.

    Computing the metrics of a large vault takes about as long as converting its notes, and
    neither needs the other, so on a machine with two cores they run side by side. The child
    is forked with the loaded vault in memory (nothing to send it) and returns its pages and
    what they noted (tags, problems, files to publish); they come first in the order of
    precedence, as they do made here. Where no process can be started, the metrics pages are
    made here after all.
    """
    global _FORKED_SITE
    # The search index brought up to date for every kind before either process asks it
    # anything: the ticket pages' "may apply" lists rank against the whole index (the
    # tickets' words weigh the terms), which the worker's insights page would otherwise be
    # filling in meanwhile, and a first build would then rank unlike every later one.
    open_index(site.vault).close()
    _FORKED_SITE = site
    pool: ProcessPoolExecutor | None = None
    future: Future[WorkerResult] | None = None
    result: WorkerResult | None = None
    try:
        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            future = pool.submit(_metrics_pages_in_worker)
        except OSError:  # no process could be started (no /dev/shm, a process limit)
            future = None
        for staged in _document_pages(site, split=True):
            emit(staged, False)
        if future is not None:
            try:
                result = future.result()
            except (BrokenProcessPool, OSError):
                result = None
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _FORKED_SITE = None
    if result is None:
        for staged in _metrics_pages(site, split=True):
            emit(staged, True)
        return
    metrics_pages, tags, problems, assets = result
    site.tag_log.extend(tags)
    site.problems.extend(problems)
    site.assets.update(assets)
    for staged in metrics_pages:
        emit(staged, True)


def generate(vault: Vault, out_dir: Path, now: datetime | None = None,
             history: History | None = None, memo: PageMemo | None = None,
             prune: bool = True) -> Generation:
    """Write the staging folder for `vault` into `out_dir` (only files whose content changed).

    When a published file holds a likely secret nothing is written and `secrets` says where.
    """
    secrets = find_published_secrets(vault)
    if secrets:
        return Generation((), (), (), (), tuple(secrets))
    writer = StagingWriter(out_dir)
    site = render_to(writer.write, vault, now, history, memo)
    result = writer.finish(prune=prune)
    return Generation(writer.paths, result.changed, result.removed,
                      tuple(sorted(set(site.problems))), ())
