"""`opsvault kb suggest ID` on a 20,000-ticket + 2,000-KB vault, as a whole process.

Writes the vault with `make_vault.py`, builds the search index once (printed: the cold
build), then times, paired run by run against the floor `opsvault --version`:

- warm: the index is current, so the command lists the knowledge folders, compares sizes and
  times, reads the one ticket and ranks (target ≤ 0.3 s);
- after an edit: one KB entry changed before each run, so each run re-indexes it.

    python bench/suggest_speed.py                 # 20,000 tickets + 2,000 KB entries
    python bench/suggest_speed.py --tickets 2000 --kb 200 --runs 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault

TARGET_SECONDS = 0.3
# Byte-compiled modules, as an installed package has them (some shells turn writing them off).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str], cwd: Path, exit_codes: tuple[int, ...] = (0,)) -> float:
    """Seconds the command took; it must end with one of `exit_codes` (`sla` ends with 1
    when a ticket is in breach)."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    if done.returncode not in exit_codes:
        raise SystemExit(f"{' '.join(command)} exited with {done.returncode}")
    return time.perf_counter() - start


def paired(command: list[str], floor: list[str], cwd: Path, runs: int,
           before: object = None, exit_codes: tuple[int, ...] = (0,)
           ) -> tuple[float, float, float]:
    """Medians of the command, of the floor, and of the pair ratios."""
    pairs = []
    for _ in range(runs):
        if callable(before):
            before()
        pairs.append((wall(command, cwd, exit_codes), wall(floor, cwd)))
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(a / b for a, b in pairs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--kb", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    program = shutil.which("opsvault")
    if program is None:
        print("opsvault is not on PATH: pip install -e . first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_vault(root, args.tickets, args.kb)
        ticket = sorted((root / "tickets").rglob("T-*.md"))[len(list((root / "tickets")
                                                                     .rglob("T-*.md"))) // 2]
        ident = "-".join(ticket.stem.split("-")[:3])
        command, floor = [program, "kb", "suggest", ident], [program, "--version"]
        print(f"{args.tickets} tickets, {args.kb} KB entries; kb suggest {ident}")
        print(f"  cold (no index yet: the knowledge folders are indexed): "
              f"{wall(command, root):.2f} s")
        wall(command, root), wall(floor, root)  # file cache and byte code warm
        failed = False
        for label, before in (("warm", None), ("one KB entry edited", _editor(root))):
            median, floor_median, ratio = paired(command, floor, root, args.runs, before)
            met = median <= TARGET_SECONDS
            failed |= label == "warm" and not met
            print(f"  {label:<20} {median:.3f} s (target {TARGET_SECONDS} s) · floor "
                  f"`opsvault --version` {floor_median:.3f} s · ratio {ratio:.1f}×"
                  f"{'' if label != 'warm' else '  met' if met else '  MISSED'}")
    return 1 if failed else 0


def _editor(root: Path):  # type: ignore[no-untyped-def]
    entry = sorted((root / "kb").rglob("*.md"))[0]
    count = [0]

    def edit() -> None:
        count[0] += 1
        with entry.open("a") as stream:
            stream.write(f"\nSeen again ({count[0]}).\n")
    return edit


if __name__ == "__main__":
    sys.exit(main())
