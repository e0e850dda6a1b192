"""`.opsvault/` carried from one clone to another, as the CI workflow's cache step does: a
fresh checkout with the caches of an earlier commit reads only the commits since, and says
exactly what a checkout without them says; caches it cannot vouch for are read again."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gitkit import commit, git, init_repo, ticket, ticket_path
from test_metrics import build_repo
from vaultkit import run_cli

from opsvault.history import load_history
from opsvault.model import CACHE_DIR
from opsvault.schema import load_settings

AS_OF = "2026-12-01T12:00:00-06:00"
TICKET = "T-20261130-zz01"


def answers(root: Path) -> dict[str, str]:
    """What `check`, `sla` and `metrics` print for the vault at `root`."""
    found = {}
    for name, args, codes in (
            ("check", ("check", "--format", "json", "--as-of", "2026-12-01"), (0, 1)),
            ("sla", ("sla", "--all", "--format", "json", "--as-of", AS_OF), (0, 1)),
            ("metrics", ("metrics", "--format", "json", "--as-of", AS_OF,
                         "--since", "2026-11-02", "--until", "2026-12-06"), (0,))):
        result = run_cli(*args, "--vault", str(root))
        assert result.exit_code in codes, result.stderr
        found[name] = result.stdout
    return found


def clone(origin: Path, into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(origin), str(into)], check=True)
    return into


def history_state(root: Path) -> tuple[str, int]:
    settings, _ = load_settings(root)
    stats = load_history(root, settings).stats
    return stats.cache, stats.commits_read


def test_the_caches_of_an_earlier_commit_restored_in_a_fresh_clone_read_only_what_is_new(
        tmp_path: Path) -> None:
    origin = build_repo(tmp_path / "origin")
    answers(origin)  # the last CI run: it leaves its caches behind
    saved = tmp_path / "saved-cache"
    shutil.copytree(origin / CACHE_DIR, saved)
    commit(origin, {ticket_path(TICKET): ticket(TICKET, opened="2026-11-30T09:00:00-06:00")},
           f"{TICKET}: new", "2026-11-30T09:00:00-06:00")
    commit(origin, {ticket_path(TICKET): ticket(TICKET, "open",
                                                opened="2026-11-30T09:00:00-06:00")},
           f"{TICKET}: acknowledged", "2026-11-30T09:20:00-06:00")

    restored = clone(origin, tmp_path / "ci" / "checkout")  # another path, other inodes
    shutil.copytree(saved, restored / CACHE_DIR)
    assert history_state(restored) == ("incremental", 2)
    plain = clone(origin, tmp_path / "plain")
    assert answers(restored) == answers(plain)
    assert TICKET in answers(restored)["sla"]
    assert history_state(restored) == ("current", 0)


def test_caches_from_another_repository_are_not_trusted(tmp_path: Path) -> None:
    other = init_repo(tmp_path / "other")
    commit(other, {ticket_path(TICKET): ticket(TICKET, opened="2026-11-30T09:00:00-06:00")},
           f"{TICKET}: new", "2026-11-30T09:00:00-06:00")
    answers(other)
    origin = build_repo(tmp_path / "origin")
    restored = clone(origin, tmp_path / "checkout")
    shutil.copytree(other / CACHE_DIR, restored / CACHE_DIR)
    state, commits_read = history_state(restored)
    assert state.startswith("rebuilt") and commits_read == int(
        git(origin, "rev-list", "--count", "HEAD"))
    assert answers(restored) == answers(clone(origin, tmp_path / "plain"))
