"""Everyday commands on the 20,000-ticket / ~84,000-commit repository, as whole processes.

Builds the repository `history_speed.py` writes (or uses `--vault DIR`, one it kept), fills
the history cache once, then times each command paired run by run against the floor
`opsvault --version` and prints the medians, the ratio and the target (issue: interactive at
20,000 tickets: ≤ 0.3 s each with a current cache):

- `ticket show ID` of an open ticket and of a closed one;
- `ticket list`, `ticket board` and `sla`;
- `metrics` (the default 8 weeks) and `check`, with a current cache (target: metrics <= 1 s);
- `metrics` after one new commit (each run commits one more ticket update first; target as
  `metrics`);
- `check` in a fresh clone (no `.opsvault/`, removed before each run), against its own floor:
  reading every note and parsing its front matter with libyaml (`check_speed.floor`) plus the
  `git log` + `git cat-file --batch` the history pass needs (`history_speed.floor`), both in
  one process; target <= 1.3 x that floor;

and each command's peak memory (resident set, the most of one run; target <= 250 MB).

    python bench/commands_speed.py                       # builds the repository (about 30 s)
    python bench/commands_speed.py --vault /tmp/hb/vault # one `history_speed.py --keep` wrote

With `--vault`, the repository given gets the commits of the "one commit on" runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from history_speed import build_repository
from suggest_speed import ENV, paired, wall

TARGET_SECONDS = 0.3
# None: no target of seconds (see check_speed)
TARGETS = {"metrics (8 weeks)": 1.0, "metrics (one commit on)": 1.0, "check": None}
TARGET_PEAK_MB = 250
TARGET_FRESH_CHECK_RATIO = 1.3
# The fresh-clone check's floor, as a whole process: what any checker of this repository with
# its history rules must do (see the module's docstring).
FRESH_FLOOR = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path;"
               " import check_speed, history_speed; root = Path('.');"
               " check_speed.floor(root); history_speed.floor(root)")
# Runs the command and prints the peak resident set of that one child, in KiB.
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_mb(command: list[str], root: Path) -> float:
    done = subprocess.run([sys.executable, "-c", PEAK, *command], cwd=root, env=ENV,
                          check=True, capture_output=True, text=True)
    return int(done.stdout.strip()) * 1024 / 1e6


def ticket_with(root: Path, status_line: str) -> str:
    """The id of the newest ticket whose file holds `status_line`."""
    found = subprocess.run(["git", "grep", "-l", "-F", status_line, "--", "tickets"], cwd=root,
                           capture_output=True, text=True, check=True).stdout.split()
    return Path(sorted(found)[-1]).stem


def one_more_commit(root: Path) -> object:
    """A callable that commits one more update of an open ticket (a new Log line)."""
    path = root / sorted(subprocess.run(
        ["git", "grep", "-l", "-F", "status: in-progress", "--", "tickets"], cwd=root,
        capture_output=True, text=True, check=True).stdout.split())[0]
    count = 0

    def commit() -> None:
        nonlocal count
        count += 1
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"- 2026-12-08 09:{count % 60:02d} · alice · Checked again ({count}).\n")
        subprocess.run(["git", "commit", "-q", "-am", f"{path.stem}: checked again"], cwd=root,
                       check=True)

    return commit


def fresh_check(root: Path, program: str, runs: int) -> bool:
    """`check` with no `.opsvault/` against its floor, paired run by run; True when met."""
    bench = str(Path(__file__).resolve().parent)
    median, floor_median, ratio = paired(
        [program, "check"], [sys.executable, "-c", FRESH_FLOOR, bench], root, runs,
        before=lambda: shutil.rmtree(root / ".opsvault", ignore_errors=True), exit_codes=(0, 1))
    shutil.rmtree(root / ".opsvault", ignore_errors=True)
    memory = peak_mb([program, "check"], root)
    met = ratio <= TARGET_FRESH_CHECK_RATIO
    print(f"{'check (fresh clone)':<22} {median:6.3f} s   floor (read + libyaml + git log and "
          f"cat-file) {floor_median:.3f} s   ratio {ratio:5.2f}x   target <= "
          f"{TARGET_FRESH_CHECK_RATIO}x: {'met' if met else 'MISSED'}   peak {memory:5.0f} MB "
          f"({'met' if memory <= TARGET_PEAK_MB else 'MISSED'})")
    return met and memory <= TARGET_PEAK_MB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--vault", type=Path, help="a repository history_speed.py kept")
    args = parser.parse_args()
    program = shutil.which("opsvault")
    if program is None:
        print("opsvault is not on PATH: pip install -e . first", file=sys.stderr)
        return 2
    scratch = None
    root = args.vault
    if root is None:
        scratch = Path(tempfile.mkdtemp(prefix="opsvault-commands-"))
        root = scratch / "vault"
        print(f"built {build_repository(root, args.tickets)} commits ({args.tickets} tickets)")
    try:
        wall([program, "sla"], root, (0, 1))  # the first run fills the history cache
        floor = [program, "--version"]
        show = [program, "ticket", "show"]
        commands = {
            "ticket show (open)": [*show, ticket_with(root, "status: in-progress")],
            "ticket show (closed)": [*show, ticket_with(root, "status: closed")],
            "ticket list": [program, "ticket", "list"],
            "ticket board": [program, "ticket", "board"],
            "sla": [program, "sla"],
            "metrics (8 weeks)": [program, "metrics", "--format", "json"],
            "check": [program, "check"],
        }
        for command in commands.values():
            wall(command, root, (0, 1))  # every cache filled (facts, front matter, index)
        missed = 0
        commit = one_more_commit(root)
        for name, command in [*commands.items(),
                              ("metrics (one commit on)", commands["metrics (8 weeks)"])]:
            median, floor_median, ratio = paired(
                command, floor, root, args.runs, before=commit if "commit" in name else None,
                exit_codes=(0, 1))
            target = TARGETS.get(name, TARGET_SECONDS)
            met = target is None or median <= target
            memory = peak_mb(command, root)
            missed += not met or memory > TARGET_PEAK_MB
            verdict = "no time target" if target is None else \
                f"target <= {target} s: {'met' if met else 'MISSED'}"
            print(f"{name:<22} {median:6.3f} s   floor (opsvault --version) {floor_median:.3f} s"
                  f"   ratio {ratio:5.1f}x   {verdict}   peak {memory:5.0f} MB "
                  f"({'met' if memory <= TARGET_PEAK_MB else 'MISSED'})")
        missed += not fresh_check(root, program, max(3, args.runs // 3))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
