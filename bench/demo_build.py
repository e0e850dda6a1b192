"""Benchmark: `opsvault build` of the demo help desk against the engine alone.

What a small desk pays for opsvault on every build: the whole `opsvault build` (load the vault
and its history, generate the pages, `check`, run the engine) against the engine building the
staging folder opsvault already wrote, paired run by run in this one run (medians, and the
median of the pairs' ratios). The demo is this repository, cloned into a temporary folder with
its history; each contender runs once first so that both find their caches warm, as a desk's
second build does. Target (issue: interactive at 20,000 tickets): <= 1.15 x.

    python bench/demo_build.py [--runs 9] [--engine mkdocs|zensical]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suggest_speed import paired, wall

from opsvault.site import engine_command, read_config

TARGET = 1.15
REPOSITORY = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--engine", default="mkdocs", choices=["mkdocs", "zensical"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opsvault-demo-") as folder:
        root = Path(folder) / "demo"
        subprocess.run(["git", "clone", "-q", str(REPOSITORY), str(root)], check=True)
        build = [sys.executable, "-c", "from opsvault.cli import main; main()", "build",
                 "--engine", args.engine]
        engine = engine_command(args.engine, "build", read_config(root))
        wall(build, root)  # caches filled: history, facts, front matter, templates
        wall(engine, root)
        build_median, engine_median, ratio = paired(build, engine, root, args.runs)
    print(f"demo build ({args.engine}, {args.runs} paired runs): opsvault build "
          f"{build_median:.2f} s, {args.engine} alone {engine_median:.2f} s, ratio "
          f"{ratio:.2f}x (target <= {TARGET}x: {'met' if ratio <= TARGET else 'MISSED'})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
