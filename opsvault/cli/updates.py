"""What every command that writes to the vault shares: who acts, when, writing, committing.

A command opens a `Session`, asks the library for a `Change` or `NewDocument`, and saves it:
new files are created first, then the ticket is edited (refused if it changed on disk, in
which case the new files are removed again), then, if asked, one git commit holds just those
files. Refusals exit with code 1, usage errors with code 2.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from .. import gitops
from ..edit import EditError, create_file, vault_lock
from ..intake import IntakeError
from ..model import Ticket, Vault
from ..workflow import Change, NewDocument, UnknownName, WorkflowError, apply_change, write_new
from .common import DATETIME, EXIT_FINDINGS, in_vault_zone, open_vault, usage_error, vault_option

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0    done
  1    refused: unknown or ambiguous ticket, illegal transition, missing fields,
       malformed message, or the file changed on disk (nothing is written then)
  2    usage error: a bad option or date; a status, priority, category or handle
       the settings do not define; not inside a vault
  130  interrupted (Ctrl-C)"""




def actor_option(function: F) -> F:
    return click.option(
        "--as", "actor_handle", metavar="HANDLE", envvar=gitops.ACTOR_ENV,
        help="Who is acting: a handle from vault/team.yml (also $OPSVAULT_USER). Default: "
             "the team member whose email is git's user.email.",
    )(function)


def commit_option(function: F) -> F:
    return click.option(
        "--commit/--no-commit", "commit", default=None,
        help="Commit just this update's files to git, message '<id>: <what changed>'. "
             "Default: the vault setting workflow.commit_each_update.",
    )(function)


def at_option(function: F) -> F:
    return click.option(
        "--at", "at", type=DATETIME, default=None,
        help="When it happened (default: now); for entries written after the fact.",
    )(function)


def update_options(function: F) -> F:
    """--vault, --as, --commit/--no-commit, --at."""
    return vault_option(actor_option(commit_option(at_option(function))))


def with_exit_codes(function: F) -> F:
    """Append the exit codes every updating command shares to its --help text."""
    function.__doc__ = inspect.cleandoc(function.__doc__ or "") + "\n\n" + EXIT_CODES_HELP
    return function


def refuse(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_FINDINGS)


@contextmanager
def refusals() -> Iterator[None]:
    """Library refusals become a one-line message and exit code 1; a name the settings do not
    define (status, priority, category, handle) is a usage error, exit code 2."""
    try:
        yield
    except UnknownName as exc:
        usage_error(str(exc))
    except (WorkflowError, EditError, IntakeError, gitops.GitError) as exc:
        refuse(str(exc))


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_input(path: str) -> bytes:
    """A file's bytes, or standard input's for "-"."""
    if path == "-":
        with click.open_file("-", "rb") as stream:
            return stream.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        usage_error(f"cannot read {path}: {exc.strerror or exc}")


@dataclass(frozen=True)
class Session:
    """One command's vault, actor, time and whether to commit."""

    vault: Vault
    actor: gitops.Actor
    now: datetime
    commit: bool

    def save_change(self, ticket: Ticket, change: Change,
                    new_files: Sequence[tuple[str, bytes | str]] = (),
                    message: str | None = None) -> None:
        """Create `new_files`, write `change` into `ticket`, commit them together if asked."""
        created, folders = self._create(new_files)
        try:
            apply_change(self.vault, ticket, change)
        except EditError:
            # The update is refused as a whole: take back the files made for it.
            for path in created:
                (self.vault.root / path).unlink(missing_ok=True)
            for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
                folder.rmdir()
            raise
        click.echo(f"{change.ticket_id}: {change.summary} ({ticket.path})")
        self._commit([ticket.path, *created],
                     message or gitops.commit_message(change.ticket_id, change.summary))

    def save_new(self, document: NewDocument,
                 new_files: Sequence[tuple[str, bytes | str]] = (),
                 message: str | None = None) -> None:
        """Create a new document (and `new_files`), commit them together if asked."""
        write_new(self.vault, document)
        created, _ = self._create(new_files)
        click.echo(f"{document.id}: {document.summary} ({document.path})")
        self._commit([document.path, *created],
                     message or gitops.commit_message(document.id, document.summary))

    def _create(self, files: Sequence[tuple[str, bytes | str]]) -> tuple[list[str], list[Path]]:
        """Create `files`; return their paths and the folders that had to be made for them."""
        created: list[str] = []
        folders: list[Path] = []
        for path, data in files:
            target = self.vault.root / path
            folders += [f for f in reversed(target.parents) if not f.exists() and f not in folders]
            create_file(target, data)
            created.append(path)
        return created, folders

    def _commit(self, paths: list[str], message: str) -> None:
        if not self.commit:
            return
        try:
            commit = gitops.commit_files(self.vault.root, paths, message, self.actor)
        except gitops.GitError as exc:
            refuse(f"the change is written but not committed: {exc}")
        click.echo(f"committed {commit[:10]}")


def start(vault_dir: Path, actor_handle: str | None, commit: bool | None, at: datetime | None,
          needs_actor: bool = True) -> Session:
    """Take the vault's write lock (held until the command ends), open the vault and work out
    who acts, when, and whether to commit."""
    if not vault_dir.is_dir():
        open_vault(vault_dir)  # exits with the reason
    with refusals():
        lock = vault_lock(vault_dir.resolve())
    click.get_current_context().call_on_close(lock.release)
    vault = open_vault(vault_dir)
    now = in_vault_zone(at, vault.settings) or datetime.now(vault.settings.time_zone)
    if needs_actor:
        try:
            actor = gitops.identify(vault.root, vault.team, actor_handle)
        except gitops.UnknownActorError as exc:
            usage_error(str(exc))
    else:
        actor = gitops.Actor("system")
    wanted = vault.settings.commit_each_update if commit is None else commit
    if wanted and not gitops.git_installed():
        if commit:
            usage_error("--commit: git is not installed (not on PATH)")
        click.echo("warning: workflow.commit_each_update is on but git is not installed "
                   "(not on PATH); not committing", err=True)
        wanted = False
    if wanted and gitops.find_repo(vault.root) is None:
        if commit:
            usage_error(f"--commit: {vault.root} is not in a git repository")
        click.echo("warning: workflow.commit_each_update is on but the vault is not in a git "
                   "repository; not committing", err=True)
        wanted = False
    return Session(vault, actor, now, wanted)
