"""Property: thousands of generated vault files, checked and built into a real site, never
crash a command and never put runnable script on a page.

Hypothesis draws the seed of a random source that writes the files (titles, front-matter
values and bodies from a pool of markup and payload fragments); all of one example's files go
into one vault, so each build is one real `mkdocs build` of many pages. Two examples of 1,000
files each: 2,000 files per run.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import ActiveContent
from vaultkit import run_cli, write_vault

ROOT = Path(__file__).resolve().parents[1]
FILES_PER_EXAMPLE = 1000
FRAGMENTS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[[", "]]", "![[",
             "KB-OPS-001", "#", "#tag", "%%", "> [!note]- ", "\n", "\n\n", "- ", "1. ", "`",
             "```", "~~~", "|", "{: onclick=alert(1) }", " ^id", "**", "_", "('", "')",
             "[x](javascript:alert(1))", "\\", "&lt;", "<", ">", '"', "'", "!!! note", "\r",
             "\ufeff", "<svg onload=alert(1)>", "<a href=x>", " ", "word", "    ", "~~", "[",
             "]", "(", ")", "<!--", "-->", "---", "===", ":", "## Log", "<<<<<<< HEAD",
             "javascript:", "data:text/html,", "\u2028", "\x85", "==x==", "$$", "<style>"]
STATUSES = ["new", "open", "in-progress", "waiting-on-user", "closed", "In Progress", "bogus"]
OPENED = ["2026-11-19T09:00:00-06:00", "9999-12-31", "0001-01-01T00:00:00+14:00", "yesterday"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randrange(12)))


def _ticket(rng: random.Random, number: int) -> tuple[str, str]:
    values = {"id": f"T-20261119-g{number:04d}", "title": _text(rng),
              "status": rng.choice(STATUSES), "priority": rng.choice(["P1", "P2", "P4", "urgent"]),
              "category": rng.choice(["network", "printing", "netwrk"]),
              "opened": rng.choice(OPENED),
              "requester": {"name": _text(rng), "email": "r@example.org"},
              "location": _text(rng), "tags": [_text(rng)], "resolution": _text(rng)}
    front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in values.items())
    body = f"{_text(rng)}\n\n## Log\n- 2026-11-19 10:00 · alice · {_text(rng)}\n"
    return f"tickets/T-20261119-g{number:04d}.md", f"---\n{front}\n---\n{body}"


@st.composite
def vault_files(draw: st.DrawFn) -> dict[str, str]:
    """1,000 files from one drawn seed (hypothesis replays a failing one exactly)."""
    # A seed rather than st.randoms(): each of its calls would be one of hypothesis's choices,
    # and a thousand files are more choices than one example may hold.
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    files: dict[str, str] = {}
    for number in range(FILES_PER_EXAMPLE):
        kind = number % 10
        if kind < 8:
            path, content = _ticket(rng, number)
        elif kind == 8:
            path = f"kb/Network/KB-OPS-{100 + number:04d}.md"
            content = (f"---\nid: KB-OPS-{100 + number:04d}\ntitle: {json.dumps(_text(rng))}\n"
                       f"category: Network\nlast_updated: 2026-10-01\n---\n{_text(rng)}\n")
        else:
            path = f"vault/page-{number}.md"
            content = f"---\ntitle: {json.dumps(_text(rng))}\n---\n{_text(rng)}\n"
        files[path] = content
    return files


@settings(max_examples=2, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(files=vault_files())
def test_generated_vaults_check_and_build_with_no_runnable_script(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_vault(Path(folder), files)
        shutil.copy(ROOT / "opsvault/scaffold/mkdocs.yml", root / "mkdocs.yml")
        checked = run_cli("check", "--vault", str(root), "--format", "json")
        assert checked.exit_code in (0, 1), checked.output
        json.loads(checked.stdout)
        built = run_cli("build", "--vault", str(root), "--as-of", "2026-11-25T14:00:00-06:00")
        assert built.exit_code in (0, 1), built.output
        pages = sorted((root / "build/site").rglob("*.html"))
        assert len(pages) > FILES_PER_EXAMPLE // 2, built.output
        found = {}
        for page in pages:
            finder = ActiveContent()
            finder.feed(page.read_text(encoding="utf-8"))
            if finder.found:
                found[str(page.relative_to(root))] = finder.found
        assert found == {}
