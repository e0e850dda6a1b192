"""Everyday commands on the 20,000-ticket / ~84,000-commit repository, as whole processes.

Builds the repository `history_speed.py` writes (or uses `--vault DIR`, one it kept), fills
the history cache once, then times each command paired run by run against the floor
`opsvault --version` and prints the medians, the ratio and the target (issue: interactive at
20,000 tickets: ≤ 0.3 s each with a current cache):

- `ticket show ID` of an open ticket and of a closed one;
- `ticket list`, `ticket board` and `sla`;
- `metrics` (the default 8 weeks) and `check`, with a current cache (target: metrics <= 1 s);

and each command's peak memory (resident set, the most of one run; target <= 250 MB).

    python bench/commands_speed.py                       # builds the repository (about 30 s)
    python bench/commands_speed.py --vault /tmp/hb/vault # one `history_speed.py --keep` wrote
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
TARGETS = {"metrics (8 weeks)": 1.0, "check": None}  # None: no target of seconds (see check_speed)
TARGET_PEAK_MB = 250
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
        for name, command in commands.items():
            median, floor_median, ratio = paired(command, floor, root, args.runs,
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
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
