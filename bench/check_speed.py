"""Benchmark: `opsvault check` on a large synthetic vault against the YAML-parsing floor.

The floor is the least any checker must do: read every file and parse its front matter with
`yaml.load(text, Loader=yaml.CSafeLoader)`. Both are measured in this run, best of N.
Target (issue: foundation): check ≤ 1.5 × floor on 20,000 tickets + 2,000 KB entries.

    python bench/check_speed.py [--tickets 20000] [--kb 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault  # noqa: E402

from opsvault.checks import run_checks  # noqa: E402
from opsvault.model import load_vault  # noqa: E402

TARGET = 1.5


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


def best_time(function: Callable[[Path], int], root: Path, repeat: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(repeat):
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
        check_seconds, checked = best_time(opsvault_check, root, args.repeat)
    assert files == checked, (files, checked)
    ratio = check_seconds / floor_seconds
    print(f"files: {files} ({args.tickets} tickets, {args.kb} KB entries)")
    print(f"floor (read + CSafeLoader front matter): {floor_seconds:.2f} s")
    print(f"opsvault check:                          {check_seconds:.2f} s")
    print(f"ratio check / floor: {ratio:.2f}x (target <= {TARGET}x) "
          f"{'MET' if ratio <= TARGET else 'NOT MET'}")


if __name__ == "__main__":
    main()
