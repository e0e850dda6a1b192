"""Git for the workflow commands: who is acting, and one commit per ticket update.

A commit made here contains only the files of that update, even when other changes are staged:
`git commit --only` builds the commit from HEAD plus those paths and leaves the rest of the
index as it was. The author is the acting technician from vault/team.yml.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from .model import Team
from .schema import LOG_AUTHORS, suggest

ACTOR_ENV = "OPSVAULT_USER"


class GitError(Exception):
    """Committing is impossible (no repository, git refused)."""


class UnknownActorError(Exception):
    """Who is acting cannot be told, or is not on the team."""


@dataclass(frozen=True)
class Actor:
    """The person (or `system`) a command acts for: their Log handle and git identity."""

    handle: str
    name: str | None = None
    email: str | None = None


def git_installed() -> bool:
    """Whether a git executable is on PATH (or named by GIT_PYTHON_GIT_EXECUTABLE)."""
    return shutil.which(os.environ.get("GIT_PYTHON_GIT_EXECUTABLE", "git")) is not None


def find_repo(root: Path) -> git.Repo | None:
    """The git repository holding the vault, or None for a plain folder."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _git_config(root: Path, key: str) -> str | None:
    repo = find_repo(root)
    runner = repo.git if repo is not None else git.Git(str(root))
    try:
        value = runner.config("--get", key)
    except (git.GitCommandError, git.GitCommandNotFound):
        return None
    return value.strip() or None


def identify(root: Path, team: Team, explicit: str | None) -> Actor:
    """The acting technician: `explicit` (--as / $OPSVAULT_USER), else the team member whose
    email is git's user.email, else whose handle or name is git's user.name."""
    if explicit:
        handle = explicit.strip()
        if team.present and handle not in team.handles and handle not in LOG_AUTHORS:
            raise UnknownActorError(f"'{handle}' is not a handle in vault/team.yml"
                                    f"{suggest(handle, team.handles)}")
        return _actor(team, handle)
    email = _git_config(root, "user.email")
    if email:
        for technician in team.technicians:
            if technician.email and technician.email.lower() == email.lower():
                return _actor(team, technician.handle)
    name = _git_config(root, "user.name")
    if name:
        for technician in team.technicians:
            if name.lower() in (technician.handle.lower(), technician.name.lower()):
                return _actor(team, technician.handle)
        if not team.present and name.split() == [name]:
            return Actor(name, name, email)
    raise UnknownActorError(f"cannot tell who you are: pass --as HANDLE or set ${ACTOR_ENV} "
                            "(or make git's user.email one of vault/team.yml's emails)")


def _actor(team: Team, handle: str) -> Actor:
    technician = team.get(handle)
    if technician is None:
        return Actor(handle)
    return Actor(handle, technician.name or None, technician.email)


def commit_message(ticket_id: str, summary: str) -> str:
    """`T-…: <what changed>` with a `Ticket:` trailer, as history expects."""
    return f"{ticket_id}: {summary}\n\nTicket: {ticket_id}\n"


def commit_files(root: Path, paths: Sequence[str], message: str,
                 author: Actor | None = None) -> str:
    """Commit exactly `paths` (relative to the vault root); returns the new commit's hash.

    Other staged changes stay staged and out of the commit.
    """
    repo = find_repo(root)
    if repo is None:
        raise GitError(f"{root} is not in a git repository; nothing was committed")
    # Relative to the work tree, both resolved: a vault reached through a symbolic link or in a
    # subfolder of the repository still names the right files.
    work_tree = Path(repo.working_tree_dir or root).resolve()
    relative = [os.path.relpath((root / path).resolve(), work_tree) for path in paths]
    environment = dict(os.environ)
    if author is not None and author.name and author.email:
        environment.update(GIT_AUTHOR_NAME=author.name, GIT_AUTHOR_EMAIL=author.email)
        if _git_config(root, "user.email") is None:  # no committer identity: use the author
            environment.update(GIT_COMMITTER_NAME=author.name, GIT_COMMITTER_EMAIL=author.email)
    try:
        # New files must be known to git before `commit --only` may take them.
        repo.git.add("--", *relative)
        repo.git.commit("--only", "--quiet", "-m", message, "--", *relative, env=environment)
    except git.GitCommandNotFound:
        raise GitError("git is not installed (not on PATH); nothing was committed") from None
    except git.GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().replace("stderr: ", "")
        raise GitError(f"git commit failed: {detail}") from None
    return repo.head.commit.hexsha
