"""`opsvault --version` and `--help` against `python -c pass`, paired run by run.

Target (issue: interactive at 20,000 tickets): each ≤ 0.1 s whole process. Prints the median
of --runs paired runs of each command and of the floor, and the median of the pair ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 0.1


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    program = shutil.which("opsvault")
    if program is None:
        print("opsvault is not on PATH: pip install -e . first", file=sys.stderr)
        return 2
    floor = [sys.executable, "-c", "pass"]
    worst = 0.0
    for flag in ("--version", "--help"):
        command = [program, flag]
        wall(command), wall(floor)  # warm the file cache
        pairs = [(wall(command), wall(floor)) for _ in range(args.runs)]
        median = statistics.median(a for a, _ in pairs)
        floor_median = statistics.median(b for _, b in pairs)
        ratio = statistics.median(a / b for a, b in pairs)
        worst = max(worst, median)
        print(f"opsvault {flag:<9} {median:.3f} s   floor (python -c pass) {floor_median:.3f} s"
              f"   ratio {ratio:.2f}x   target <= {TARGET_SECONDS:.1f} s: "
              f"{'met' if median <= TARGET_SECONDS else 'MISSED'}")
    return 0 if worst <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
