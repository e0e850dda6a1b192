"""Benchmark: `opsvault check` on a large synthetic vault against the YAML-parsing floor.

The floor is the least any checker must do: read every file and parse its front matter with
`yaml.load(text, Loader=yaml.CSafeLoader)`. Both are measured in this run, best of N: `check`
with no `.opsvault/` (a fresh clone's first run: every front matter parsed) and warm (the
front-matter memo of the run before). Targets: first run ≤ 1.5 × floor (issue: foundation),
warm ≤ 1.3 × floor (issue: interactive at 20,000 tickets), on 20,000 tickets + 2,000 KB.

    python bench/check_speed.py [--tickets 20000] [--kb 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault

from opsvault.checks import run_checks
from opsvault.model import CACHE_DIR, load_vault

TARGET = 1.5
TARGET_WARM = 1.3


def floor(root: Path) -> int:
    """Read every Markdown file and parse its front matter with libyaml."""
    parsed = 0
    for folder in ("tickets", "kb"):
        for path in (root / folder).rglob("*.md"):
            text = path.read_text(encoding="utf-8")
            _, front_matter, _ = text.split("---\n", 2)
            yaml.load(front_matter, Loader=yaml.CSafeLoader)
            parsed += 1
    return parsed


def opsvault_check(root: Path) -> int:
    vault = load_vault(root)
    findings = run_checks(vault)
    errors = [f for f in findings if f.is_error]
    assert not errors, errors[:3]
    return len(vault.tickets) + len(vault.kb)


def best_time(function: Callable[[Path], int], root: Path, repeat: int,
              fresh: bool = False) -> tuple[float, int]:
    """The best of `repeat` runs (with `fresh`, each without the caches of the one before)."""
    times = []
    count = 0
    for _ in range(repeat):
        if fresh:
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        gc.collect()
        start = time.perf_counter()
        count = function(root)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--kb", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_vault(root, args.tickets, args.kb)
        best_time(floor, root, 1)  # warm the page cache for both contenders
        floor_seconds, files = best_time(floor, root, args.repeat)
        check_seconds, checked = best_time(opsvault_check, root, args.repeat, fresh=True)
        opsvault_check(root)  # the memo written
        warm_seconds, _ = best_time(opsvault_check, root, args.repeat)
    assert files == checked, (files, checked)
    ratio, warm_ratio = check_seconds / floor_seconds, warm_seconds / floor_seconds
    print(f"files: {files} ({args.tickets} tickets, {args.kb} KB entries)")
    print(f"floor (read + CSafeLoader front matter): {floor_seconds:.2f} s")
    print(f"opsvault check, first run:               {check_seconds:.2f} s   ratio {ratio:.2f}x "
          f"(target <= {TARGET}x) {'MET' if ratio <= TARGET else 'NOT MET'}")
    print(f"opsvault check, warm:                    {warm_seconds:.2f} s   ratio "
          f"{warm_ratio:.2f}x (target <= {TARGET_WARM}x) "
          f"{'MET' if warm_ratio <= TARGET_WARM else 'NOT MET'}")


if __name__ == "__main__":
    main()
