"""Benchmark: `opsvault build` on a large synthetic vault against the engine's own floor.

The floor is the engine alone building the staging folder opsvault already generated, so
build / floor is what generating the pages adds. Both are measured in this run (best of N,
alternating), plus the generation step alone in milliseconds per page.
Target (issue #5): build ≤ 1.15 × floor on 2,000 KB entries + 5,000 tickets.

    python bench/site_speed.py [--tickets 5000] [--kb 2000] [--repeat 1] [--engine mkdocs]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault

from opsvault.model import load_vault
from opsvault.pages import generate
from opsvault.scaffold import scaffold_contents
from opsvault.site import engine_command, engine_environment, read_config

TARGET = 1.15


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env={**engine_environment(), "PYTHONHASHSEED": "0"},
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def settle() -> None:
    """Let the file system finish deleting (a discard-mounted disk trims in the background,
    which would slow whichever run comes next)."""
    os.sync()
    time.sleep(2)


def cold_engine(root: Path, engine: str) -> None:
    """Zensical keeps its own cache of built pages in `.cache/` (347 MB at 7,000 pages): a
    run after another would build from it. Both contenders start without it."""
    if engine == "zensical":
        shutil.rmtree(root / ".cache", ignore_errors=True)


def opsvault_build(root: Path, engine: str) -> float:
    """The whole command, from an empty staging folder: load, generate, run the engine.

    The built site of the previous run stays, as it does for the floor: both runs clean it.
    """
    shutil.rmtree(root / "build/docs", ignore_errors=True)
    cold_engine(root, engine)
    settle()
    command = [sys.executable, "-c", "from opsvault.cli import main; main()", "build",
               "--vault", str(root), "--engine", engine]
    return timed(command, root)


def engine_alone(root: Path, engine: str) -> float:
    """The floor: the engine building the staging folder that is already there."""
    cold_engine(root, engine)
    settle()
    return timed(engine_command(engine, "build", read_config(root)), root)


def generation_alone(root: Path) -> tuple[float, int]:
    """Loading the vault and writing a fresh staging folder, in this process."""
    out = root / "build/bench-docs"
    shutil.rmtree(out, ignore_errors=True)
    settle()
    start = time.perf_counter()
    generation = generate(load_vault(root), out)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return elapsed, sum(1 for page in generation.pages if page.endswith(".md"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5_000)
    parser.add_argument("--kb", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--engine", default="mkdocs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opsvault-site-bench-") as folder:
        root = Path(folder)
        make_vault(root, args.tickets, args.kb)
        (root / "mkdocs.yml").write_text(scaffold_contents()["mkdocs.yml"])
        builds: list[float] = []
        floors: list[float] = []
        for _ in range(args.repeat):
            builds.append(opsvault_build(root, args.engine))
            floors.append(engine_alone(root, args.engine))  # on the folder just generated
        generation, pages = generation_alone(root)
    build, floor = min(builds), min(floors)
    ratio = build / floor
    print(f"vault: {args.tickets} tickets, {args.kb} KB entries → {pages} pages "
          f"({args.engine}, {os.cpu_count()} CPUs, best of {args.repeat})")
    print(f"opsvault build        {build:8.2f} s")
    print(f"engine alone (floor)  {floor:8.2f} s")
    print(f"build / floor         {ratio:8.3f}   (target ≤ {TARGET}: "
          f"{'met' if ratio <= TARGET else 'NOT met'})")
    print(f"generation alone      {generation:8.2f} s = {1000 * generation / pages:.2f} ms/page "
          f"({generation / floor:.1%} of the floor)")


if __name__ == "__main__":
    main()
