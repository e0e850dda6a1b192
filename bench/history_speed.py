"""Benchmark: the history pass on a large synthetic repository, against the git floor.

Builds (with `git fast-import`) a vault of 20,000 tickets whose lives — opened, acknowledged,
worked, resolved, closed, some reopened — make about 80,000 commits, plus KB entries, then
prints, all measured in this run:

  (a) the cold history pass / the floor, where the floor is the very `git log` the pass runs
      (the same options, format and pathspec: none at the repository root) plus
      `git cat-file --batch` of every ticket blob it names (target <= 1.2x);
  (b) the re-run after one new commit, in seconds (target <= 0.3 s, issue #14): as
      `metrics`, `sla` and `check` load it (each ticket's events left in the cache) and
      with every ticket's events, as `ticket show` of an old ticket and `build` do;
  (c) the naive approach (GitPython `iter_commits` with a diff per commit, each blob read and
      parsed) / our pass, for the record; measured on the newest commits and extrapolated.

    python bench/history_speed.py [--tickets 20000] [--naive-commits 3000] [--keep DIR]

Tickets sit in monthly folders (tickets/2025-03/T-….md): a flat folder of 20,000 files makes
every commit rewrite a 1.2 MB tree, which `fast-import` needs minutes for, and which slows the
floor as much as our pass.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from opsvault.files import parse_source
from opsvault.history import History, load_history
from opsvault.history.repository import _CONFIG, _FORMAT
from opsvault.schema import load_settings

TARGET_RATIO = 1.2  # issue #14: the pass within 1.2x of what git needs to produce its input
TARGET_RERUN_SECONDS = 0.3  # issue #14: incremental history after one new commit
ZONE = ZoneInfo("America/Chicago")
TEAM = ["alice", "bob", "carol", "dev"]
CATEGORIES = ["access", "hardware", "network", "software", "printing", "request"]
CHANNELS = ["email", "phone", "walk-in", "portal", "chat", "alert", "technician"]
WORDS = ["printer", "vpn", "laptop", "dock", "outlook", "password", "mfa", "wifi", "switch",
         "license", "install", "monitor", "backup", "share", "drive", "update", "reboot",
         "profile", "token", "browser", "scanner", "keyboard"]
SETTINGS = "time_zone: America/Chicago\nholidays: [2025-12-25, 2026-01-01, 2026-11-26]\n"


# --- building the repository ----------------------------------------------------------------

def ticket_text(ticket_id: str, title: str, fields: dict[str, str], log: list[str]) -> str:
    lines = ["---", f"id: {ticket_id}", f"title: {title}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["requester:", "  name: Priya Shah", "  email: priya@example.org",
              "  department: Billing", f"tags: [{fields['category']}, helpdesk]",
              "---", f"{title}. The user reports it started this morning.", "", "## Log"]
    lines += [f"- {line}" for line in log]
    return "\n".join(lines) + "\n"


def ticket_lives(count: int, rng: random.Random) -> Iterator[tuple[datetime, str, str, str]]:
    """(time, path, text, message) for every update of every ticket, in no particular order."""
    start = datetime(2025, 1, 6, 8, 0, tzinfo=ZONE)
    for number in range(count):
        opened = start + timedelta(minutes=rng.randint(0, 60 * 24 * 680))
        ticket_id = f"T-{opened:%Y%m%d}-{_base36(number)}"
        path = f"tickets/{opened:%Y-%m}/{ticket_id}.md"
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} problem"
        technician = rng.choice(TEAM)
        fields = {"status": "new", "priority": rng.choice(["P1", "P2", "P3", "P3", "P4"]),
                  "category": rng.choice(CATEGORIES), "opened": opened.isoformat(),
                  "channel": rng.choice(CHANNELS)}
        log: list[str] = []
        when = opened + timedelta(minutes=rng.randint(1, 5))
        yield when, path, ticket_text(ticket_id, title, fields, log), f"{ticket_id}: new"
        # About three updates a ticket: most are resolved and closed, some still open,
        # some reopened once.
        steps = rng.choices(
            [["open", "resolved", "closed"], ["open", "in-progress", "resolved", "closed"],
             ["open", "in-progress"], ["open", "resolved", "open", "resolved", "closed"]],
            weights=[50, 25, 20, 5])[0]
        for status in steps:
            when += timedelta(minutes=rng.randint(10, 2 * 24 * 60))
            fields["status"] = status
            fields.setdefault("assignee", technician)
            if status == "resolved":
                fields["resolved"] = when.isoformat()
            elif status == "closed":
                fields.update(resolution="Restarted the service.", root_cause="unknown",
                              confirmation="not-required", closed=when.isoformat())
            elif status == "open" and "resolved" in fields:
                del fields["resolved"]
            log.append(f"{when:%Y-%m-%d %H:%M} · {technician} · Moved to {status}: "
                       f"{' '.join(rng.choices(WORDS, k=6))}.")
            yield (when, path, ticket_text(ticket_id, title, fields, log),
                   f"{ticket_id}: {status}")


def _base36(number: int) -> str:
    digits = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits


def kb_updates(count: int, rng: random.Random) -> Iterator[tuple[datetime, str, str, str]]:
    start = datetime(2025, 1, 6, 8, 0, tzinfo=ZONE)
    for number in range(1, count + 1):
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 680))
        text = (f"---\nid: KB-OPS-{number:04d}\ntitle: Fix {rng.choice(WORDS)}\ncategory: FAQ\n"
                f"last_updated: {when:%Y-%m-%d}\n---\n## Symptoms\nIt breaks.\n")
        yield when, f"kb/FAQ/KB-OPS-{number:04d}.md", text, f"KB-OPS-{number:04d}: new entry"


def build_repository(root: Path, tickets: int) -> int:
    """Create the repository with fast-import; returns the number of commits."""
    rng = random.Random(20261125)
    updates = sorted([*ticket_lives(tickets, rng), *kb_updates(tickets // 20, rng)],
                     key=lambda update: update[0])
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[bytes] = []
    settings = SETTINGS.encode()
    for mark, (when, path, text, message) in enumerate(updates, start=1):
        author = f"{rng.choice(TEAM).title()} <help@example.org> {int(when.timestamp())} -0600"
        data = text.encode()
        body = message.encode()
        stream.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n"
                      b"data %d\n%s\n" % (mark, author.encode(), author.encode(), len(body),
                                          body))
        if mark == 1:
            stream.append(b"M 100644 inline vault/opsvault.yml\ndata %d\n%s\n"
                          % (len(settings), settings))
        else:
            stream.append(b"from :%d\n" % (mark - 1))
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=root,
                   check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    return len(updates)


# --- the contenders ---------------------------------------------------------------------------

def floor(root: Path) -> int:
    """The `git log` the history pass runs, with its options, format and pathspec (none at the
    repository root), then `git cat-file --batch` of every ticket version it names: what git
    itself needs to hand the pass its input."""
    config = [option for pair in _CONFIG for option in ("-c", pair)]
    log = subprocess.run(["git", *config, "log", "--no-color", "--encoding=UTF-8", "--raw", "-z",
                          "--no-abbrev", "-M", "--cc", f"--format={_FORMAT}", "HEAD"],
                         cwd=root, check=True, capture_output=True).stdout
    blobs = []
    tokens = log.split(b"\x00")
    for position, token in enumerate(tokens):
        head = token.lstrip(b"\n")
        if not head.startswith(b":") or head.startswith(b"::"):
            continue
        fields = head.split(b" ")
        # A rename or copy names two paths; the new one comes last.
        path = tokens[position + (2 if fields[4][:1] in (b"R", b"C") else 1)]
        if path.startswith(b"tickets/") and path.endswith(b".md") and fields[3].strip(b"0"):
            blobs.append(fields[3])
    subprocess.run(["git", "cat-file", "--batch"], input=b"\n".join(blobs) + b"\n", cwd=root,
                   check=True, capture_output=True)
    return len(blobs)


def our_pass(root: Path) -> int:
    """The history pass with no cache: what the first `opsvault metrics` does."""
    shutil.rmtree(root / ".opsvault", ignore_errors=True)
    settings, _ = load_settings(root)
    history = load_history(root, settings)
    assert history.stats.cache == "cold", history.stats
    return history.stats.commits_read


def naive(root: Path, limit: int) -> int:
    """What a user would write first: a diff per commit, every changed blob read and parsed."""
    repo = git.Repo(root)
    read = 0
    for commit in repo.iter_commits("HEAD", max_count=limit):
        parent = commit.parents[0] if commit.parents else git.NULL_TREE
        for diff in commit.diff(parent, R=True):
            if diff.b_blob is not None and diff.b_path.startswith("tickets/"):
                parse_source(diff.b_path, diff.b_blob.data_stream.read().decode())
        read += 1
    repo.close()
    return read


def timed(function: Callable[[], int], repeat: int = 1) -> tuple[float, int]:
    """Best wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2, help="best of N for (a) and the floor")
    parser.add_argument("--naive-commits", type=int, default=1_000,
                        help="commits the naive approach reads before extrapolating")
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="opsvault-history-bench-"))
    try:
        root = folder / "vault"
        if not (root / ".git").is_dir():
            seconds, commits = timed(lambda: build_repository(root, args.tickets))
            print(f"built {commits} commits ({args.tickets} tickets) in {seconds:.0f} s")
        commits = int(_git(root, "rev-list", "--count", "HEAD"))
        floor(root)  # warm the page cache for every contender
        floor_seconds, blobs = timed(lambda: floor(root), args.repeat)
        pass_seconds, read = timed(lambda: our_pass(root), args.repeat)
        assert read == commits, (read, commits)
        ratio = pass_seconds / floor_seconds
        print(f"commits: {commits}, ticket blob versions: {blobs}; best of {args.repeat}")
        print(f"floor (the pass's own git log + cat-file --batch):  {floor_seconds:6.2f} s")
        print(f"(a) cold history pass, cache written:               {pass_seconds:6.2f} s  "
              f"ratio {ratio:.2f}x (target <= {TARGET_RATIO}x) "
              f"{'MET' if ratio <= TARGET_RATIO else 'NOT MET'}")

        settings, _ = load_settings(root)
        tickets = sorted((root / "tickets").rglob("*.md"))

        def rerun(index: int, events_on_demand: bool) -> tuple[float, History]:
            path = tickets[index]
            path.write_text(path.read_text().replace(
                "## Log\n", "## Log\n- 2026-11-25 10:00 · alice · Checked again.\n"))
            _git(root, "commit", "-q", "-am", "One more update")
            start = time.perf_counter()
            history = load_history(root, settings, events_on_demand=events_on_demand)
            seconds = time.perf_counter() - start
            assert history.stats.commits_read == 1, history.stats
            return seconds, history

        on_demand_seconds = min(rerun(index, True)[0] for index in range(args.repeat))
        print(f"(b) re-run after one new commit, events on demand:  {on_demand_seconds:6.2f} s  "
              f"(target <= {TARGET_RERUN_SECONDS} s) "
              f"{'MET' if on_demand_seconds <= TARGET_RERUN_SECONDS else 'NOT MET'}")
        rerun_seconds, history = rerun(args.repeat, False)
        start = time.perf_counter()
        events = sum(len(timeline.events) for timeline in history.timelines.values())
        materialise_seconds = time.perf_counter() - start
        print(f"    and with every ticket's events:                 {rerun_seconds:6.2f} s  "
              f"(target <= {TARGET_RERUN_SECONDS} s) "
              f"{'MET' if rerun_seconds <= TARGET_RERUN_SECONDS else 'NOT MET'}; read "
              f"{history.stats.commits_read} commit and {history.stats.blobs_read} blobs")
        print(f"    then building all {len(history.timelines)} timelines ({events} events) "
              f"from the cache (no command does now): {materialise_seconds:.2f} s more")

        limit = min(args.naive_commits, commits)
        naive_seconds, naive_read = timed(lambda: naive(root, limit))
        extrapolated = naive_seconds * commits / naive_read
        note = "" if naive_read == commits else (
            f"; extrapolated from the newest {naive_read} commits ({naive_seconds:.1f} s)")
        print(f"(c) naive iter_commits + a diff per commit:         {extrapolated:6.1f} s  "
              f"= {extrapolated / pass_seconds:.0f}x our pass{note}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _git(root: Path, *args: str) -> str:
    identity = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
                "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, **identity}).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
