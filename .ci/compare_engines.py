"""Build the demo help desk with MkDocs and with Zensical and print what differs.

Run by .ci/run for information only: it never fails the run. It reports pages that only one
engine wrote, and pages whose structure differs (links, tables, charts, admonitions).

    PATH=/path/to/zensical/bin:$PATH python .ci/compare_engines.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a reader would miss if an engine dropped it.
FEATURES = {"links": r"<a [^>]*href=", "tables": r"<table", "charts": r"<svg[^>]*role=\"img\"",
            "admonitions": r"class=\"admonition|<details", "images": r"<img ",
            "board cards": r"class=\"ov-card\""}


def build(vault: Path, engine: str, out: Path) -> bool:
    command = [sys.executable, "-c", "from opsvault.cli import main; main()", "build",
               "--vault", str(vault), "--engine", engine, "--as-of", "2026-11-25T14:00"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    print(f"--- {engine}: exit {done.returncode}")
    print("\n".join(done.stderr.splitlines()[-8:]))
    if done.returncode != 0:
        return False
    shutil.move(vault / "build/site", out)
    return True


def pages(site: Path) -> dict[str, Counter[str]]:
    found = {}
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        main = html.split('<article', 1)[-1].split("</article>", 1)[0]
        found[path.relative_to(site).as_posix()] = Counter(
            {name: len(re.findall(pattern, main)) for name, pattern in FEATURES.items()})
    return found


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="opsvault-engines-") as folder:
        work = Path(folder)
        vault = work / "demo"
        for name in ("tickets", "kb", "sops", "scripts", "vault"):
            shutil.copytree(ROOT / name, vault / name)
        shutil.copy(ROOT / "mkdocs.yml", vault / "mkdocs.yml")
        if not (build(vault, "mkdocs", work / "mkdocs") and build(vault, "zensical",
                                                                     work / "zensical")):
            print("engine comparison: a build failed (see above)")
            return 0
        mkdocs, zensical = pages(work / "mkdocs"), pages(work / "zensical")
    only_mkdocs = sorted(set(mkdocs) - set(zensical))
    only_zensical = sorted(set(zensical) - set(mkdocs))
    print(f"engine comparison: {len(mkdocs)} pages from MkDocs, {len(zensical)} from Zensical")
    for label, names in (("only MkDocs wrote", only_mkdocs),
                         ("only Zensical wrote", only_zensical)):
        if names:
            print(f"  {label} {len(names)}: {', '.join(names[:15])}"
                  + (" …" if len(names) > 15 else ""))
    differing = 0
    for name in sorted(set(mkdocs) & set(zensical)):
        if mkdocs[name] != zensical[name]:
            differing += 1
            if differing <= 20:
                changes = ", ".join(f"{key} {mkdocs[name][key]}→{zensical[name][key]}"
                                    for key in FEATURES if mkdocs[name][key] != zensical[name][key])
                print(f"  {name}: {changes}")
    print(f"  pages whose content differs in structure: {differing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
