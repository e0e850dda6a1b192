"""Real git repositories with controlled dates, for the history and metrics tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

SETTINGS = "time_zone: America/Chicago\nholidays: [2026-11-26, 2026-11-27]\n"
TEAM = """\
technicians:
  - {handle: alice, name: Alice Moreno, level: senior}
  - {handle: bob, name: Bob Okafor, level: L1}
"""
AUTHORS = {"alice": "Alice Moreno", "bob": "Bob Okafor", "carol": "Carol Diaz"}


def git(repo: Path, *args: str, date: str | None = None, author: str = "alice") -> str:
    """Run git in `repo` with a fixed identity and, given `date`, fixed author/committer dates."""
    env = {**os.environ, "GIT_AUTHOR_NAME": AUTHORS.get(author, author),
           "GIT_AUTHOR_EMAIL": f"{author}@example.org",
           "GIT_COMMITTER_NAME": AUTHORS.get(author, author),
           "GIT_COMMITTER_EMAIL": f"{author}@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout.strip()


def init_repo(repo: Path, files: Mapping[str, str] | None = None) -> Path:
    """An empty repository (branch main) holding the test settings and team, not committed."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    write(repo, {"vault/opsvault.yml": SETTINGS, "vault/team.yml": TEAM, **(files or {})})
    return repo


def write(repo: Path, files: Mapping[str, str | None]) -> None:
    """Write files (None deletes one)."""
    for rel_path, text in files.items():
        path = repo / rel_path
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")


def commit(repo: Path, files: Mapping[str, str | None], message: str, date: str,
           author: str = "alice") -> str:
    """Write `files`, stage everything and commit at `date` (ISO 8601 with offset)."""
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date, author=author)
    return git(repo, "rev-parse", "HEAD")


def ticket(ticket_id: str, status: str = "new", priority: str = "P3",
           opened: str = "2026-11-16T09:00:00-06:00", log: Sequence[str] = (),
           category: str = "network", assignee: str | None = "alice",
           **fields: str) -> str:
    """A ticket file; `log` lines are 'YYYY-MM-DD HH:MM · who · what'."""
    lines = ["---", f"id: {ticket_id}", f"title: Ticket {ticket_id}", f"status: {status}",
             f"priority: {priority}", f"category: {category}", f"opened: {opened}"]
    if assignee:
        lines.append(f"assignee: {assignee}")
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", "Something is broken.", "", "## Log"]
    lines += [f"- {line}" for line in log]
    return "\n".join(lines) + "\n"


def ticket_path(ticket_id: str) -> str:
    return f"tickets/{ticket_id}.md"
