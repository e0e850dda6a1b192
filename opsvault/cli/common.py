"""Options and helpers shared by commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ..diagnostics import VaultError
from ..model import Stamp, Ticket, Vault, load_tickets, load_vault
from ..schema import SETTINGS_PATH, Settings
from ..ticket_index import TicketSummary, ticket_summaries

if TYPE_CHECKING:
    from ..history import History
    from ..metrics import Excluded

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
# Ctrl-C (130) is the top command's own: cli/__init__.EXIT_INTERRUPTED.

# A first pass over fewer commits is over before a progress bar would help.
PROGRESS_FROM_COMMITS = 2000


def find_vault_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding the vault's settings file, as git finds
    a repository from any of its folders."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / SETTINGS_PATH).is_file():
            return candidate
    return None


def _vault_root(context: click.Context, parameter: click.Parameter, value: Path) -> Path:
    if context.resilient_parsing:  # shell completion: offer nothing rather than fail
        return value
    if not value.is_dir():
        click.echo(f"error: {value}: no such folder (give the vault with --vault)", err=True)
        raise SystemExit(EXIT_USAGE)
    root = find_vault_root(value)
    if root is None:
        click.echo(f"error: not an opsvault vault ({value.resolve()} and the folders above it "
                   f"have no {SETTINGS_PATH}); run `opsvault init` to make one", err=True)
        raise SystemExit(EXIT_USAGE)
    return root


def vault_option(function: F) -> F:
    return click.option(
        "--vault", "vault_dir", type=click.Path(file_okay=False, path_type=Path),
        default=".", show_default=True, envvar="OPSVAULT_VAULT", callback=_vault_root,
        help="The vault: this folder or the nearest one above it with vault/opsvault.yml "
             "(also $OPSVAULT_VAULT).",
    )(function)


def open_vault(vault_dir: Path, tickets: Iterable[str] | None = None,
               with_tickets: bool = True) -> Vault:
    """Load the vault (or, given `tickets`, just those ticket files and the settings; without
    `with_tickets`, all but the tickets) or exit with code 2 and the reason."""
    if not vault_dir.is_dir():
        click.echo(f"error: {vault_dir}: no such folder (give the vault with --vault)", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        return load_vault(vault_dir, with_tickets) if tickets is None \
            else load_tickets(vault_dir, tickets)
    except VaultError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.as_line(), err=True)
        raise SystemExit(EXIT_USAGE) from None


def listed_tickets(vault: Vault, active_only: bool,
                   stamps: dict[str, Stamp] | None = None) -> list[TicketSummary]:
    """The vault's tickets (only the active ones, with `active_only`) as lists show them,
    from the ticket index (filling `stamps` as `ticket_summaries` does); a file that cannot
    be read is named on stderr, since it is missing from what follows."""
    summaries, problems = ticket_summaries(vault.root, vault.settings, active_only, stamps)
    for problem in problems:
        click.echo(problem.as_line(), err=True)
    if unread := len({problem.path for problem in problems}):
        click.echo(f"warning: {unread} ticket file{'s' if unread > 1 else ''} could not be "
                   f"read and {'are' if unread > 1 else 'is'} left out", err=True)
    return summaries


def find_one_ticket(vault_dir: Path, reference: str, candidates: list[str]) -> Ticket:
    """The ticket `reference` names, read from just the `candidates` files when they hold it
    (`model.ticket_files_named`); else from the whole vault, which also gives the reason
    there is none. Exits 1 with that reason."""
    from ..workflow import WorkflowError, find_ticket  # what a lookup needs, only when asked

    if candidates:
        try:
            return find_ticket(open_vault(vault_dir, tickets=candidates), reference)
        except WorkflowError:
            pass
    try:
        return find_ticket(open_vault(vault_dir), reference)
    except WorkflowError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FINDINGS) from None


SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}


def colour(text: str, fg: str, err: bool = False) -> str:
    """`text` in colour when its stream is a terminal and NO_COLOR (no-color.org) is unset."""
    stream = sys.stderr if err else sys.stdout
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return click.style(text, fg=fg, bold=fg == "red")


def usage_error(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_USAGE)


def as_of_option(function: F) -> F:
    return click.option(
        "--as-of", "as_of", metavar="DATETIME", default=None,
        help="Judge SLA clocks as of this time (default: now). A date means the end of that "
             "day; a time without an offset is in the vault's time zone.",
    )(function)


def parse_as_of(value: str | None, vault: Vault) -> datetime:
    zone = vault.settings.time_zone
    if value is None:
        return datetime.now(zone)
    try:
        if len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), time.max, zone)
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        usage_error(f"--as-of: '{value}' is not a date or date-time (example: 2026-11-25T17:00)")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def history_of(vault: Vault, only: Iterable[str] | None = None,
               events_on_demand: bool = False, read_back: bool = True) -> History:
    """The vault's history, with a progress bar on a long first pass when stderr is a
    terminal, and its notices and skipped versions on stderr. With `only` (ticket ids), one
    that holds at least those tickets' timelines; with `events_on_demand`, one whose events
    stay in the cache until a timeline is asked for (`load_history`, as `read_back`)."""
    from ..history import load_history  # git and the history stage, only when asked

    bar: Any = None
    shown = 0

    def progress(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            if total < PROGRESS_FROM_COMMITS:
                return
            bar = click.progressbar(length=total, label="Reading history", file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        history = load_history(vault.root, vault.settings,
                               progress=progress if sys.stderr.isatty() else None,
                               only=None if only is None else frozenset(only),
                               events_on_demand=events_on_demand, read_back=read_back)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for notice in history.notices:
        click.echo(f"note: {notice}", err=True)
    for problem in history.warnings:
        click.echo(problem.as_line(), err=True)
    return history


class DateTimeType(click.ParamType):
    """An ISO 8601 date-time; without a UTC offset it is read in the vault's time zone."""

    name = "DATETIME"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"'{value}' is not an ISO 8601 date-time (e.g. 2026-11-24T09:30 or "
                      "2026-11-24T09:30:00-06:00)", param, ctx)


DATETIME = DateTimeType()


def in_vault_zone(value: datetime | None, settings: Settings) -> datetime | None:
    """A date-time given without a UTC offset is read in the vault's time zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=settings.time_zone)


def priority_choices(settings: Settings) -> str:
    return ", ".join(f"{p.name} ({p.label})" for p in settings.priorities.values())


def priority_named(settings: Settings, value: str) -> str:
    normalised = settings.normalise_priority(value)
    if normalised is None:
        usage_error(f"'{value}' is not a priority; use one of: {priority_choices(settings)}")
    return normalised


def category_named(settings: Settings, value: str) -> str:
    normalised = settings.normalise_category(value)
    if normalised is None:
        usage_error(f"'{value}' is not a category; use one of: {', '.join(settings.categories)}")
    return normalised


def report_excluded(excluded: Iterable[Excluded]) -> None:
    """One stderr line per ticket the figures leave out, in whole or in part."""
    for item in excluded:
        click.echo(f"{item.path}: warning: {item.ticket} needs fixing ({item.reason}); "
                   f"left out of the figures: {item.left_out}", err=True)
