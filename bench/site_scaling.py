"""Benchmark: does `opsvault build` stay bounded as a desk's years of tickets pile up?

Two synthetic desks that open tickets at the same rate (4,000 a year), with the same 2,000 KB
entries: one that has run for 15 months (5,000 tickets) and one that has run for five years
(20,000 tickets). Tickets older than a month are closed, as on a real desk. Both are built
with the default publish policy, under which a ticket closed more than 12 months ago has no
page of its own, only a row on its month's archive page. Prints each build's time and pages
and the ratio, measured in this run. Target (issue #14): 20,000 ≤ 1.5 × 5,000.

    python bench/site_scaling.py [--repeat 1] [--engine mkdocs]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault
from site_speed import opsvault_build

from opsvault.scaffold import scaffold_contents

TARGET = 1.5
RATE = 4_000  # tickets a year
DESKS = (5_000, 20_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--engine", default="mkdocs")
    args = parser.parse_args()
    seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="opsvault-scaling-bench-") as folder:
        for tickets in DESKS:
            root = Path(folder) / str(tickets)
            make_vault(root, tickets, args.kb, years=tickets / RATE)
            (root / "mkdocs.yml").write_text(scaffold_contents()["mkdocs.yml"])
            seconds[tickets] = min(opsvault_build(root, args.engine)
                                   for _ in range(args.repeat))
            pages = sum(1 for _ in (root / "build/docs").rglob("*.md"))
            archived = sum(1 for path in (root / "tickets").iterdir()
                           if not (root / "build/docs/tickets" / path.name).exists())
            print(f"{tickets:>6} tickets over {tickets / RATE:4.2f} years: "
                  f"{seconds[tickets]:7.2f} s, {pages} pages, {archived} tickets archived "
                  f"({args.engine}, {os.cpu_count()} CPUs, best of {args.repeat})")
    small, large = DESKS
    ratio = seconds[large] / seconds[small]
    print(f"{large:,} / {small:,} tickets: {ratio:.2f}x (target <= {TARGET}x: "
          f"{'met' if ratio <= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
