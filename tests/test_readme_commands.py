"""Every command in the README's usage blocks runs as written on a fresh clone of the demo.

The blocks are read from the README itself, so an example naming a ticket the demo does not
have, an option that does not exist or a file that is not shipped fails here. A small
interpreter runs them: `git clone`, `cd`, `export` and `pip install` (skipped: the package is
installed) as a shell would, every `opsvault …` through the real command line in-process.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from opsvault.cli import main

ROOT = Path(__file__).resolve().parents[1]
# Blocks by the heading they follow; the fresh-machine block is CI's own (tests/test_readme.py).
SECTIONS = ("## Start a help desk", "## `opsvault check`", "## Ticket workflow",
            "## Metrics and history", "## The site")
# Codes a command may end with besides 0, as the README's exit-code table documents them.
DOCUMENTED = {("sla",): {0, 1}}  # 1: an open ticket is past its target (depends on the day)
NOT_RUN = (("serve",), ("build", "--engine"))  # a server, and engines tests elsewhere cover


def _blocks() -> list[tuple[str, list[str]]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for heading in SECTIONS:
        assert heading in text, f"README has no section {heading!r}"
        section = text[text.index(heading):]
        block = section[section.index("```sh\n") + 6:]
        block = block[:block.index("```")]
        found.append((heading, block.replace("\\\n", " ").splitlines()))
    return found


def _clone_of_the_repository(target: Path) -> Path:
    """The repository's tracked files as they are now, committed to a new repository: what a
    fresh clone holds, including changes not committed yet."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    repo = git.Repo.init(target, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Bob Okafor")
        config.set_value("user", "email", "bob@example.org")
    repo.git.add("--all")
    repo.git.commit("--quiet", "-m", "The demo help desk")
    return target


class Shell:
    """Just enough of a shell for the README's lines."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.env: dict[str, str] = {}
        self.ran: list[str] = []  # the opsvault commands run, for the test's own check

    def run(self, line: str) -> None:
        words = shlex.split(line, comments=True)
        while words:
            command, words = (words[:words.index("&&")], words[words.index("&&") + 1:]) \
                if "&&" in words else (words, [])
            self.one(command, line)

    def one(self, words: list[str], line: str) -> None:
        name, args = words[0], words[1:]
        if name == "cd":
            self.cwd = (self.cwd / args[0]).resolve()
        elif name == "export":
            key, _, value = args[0].partition("=")
            self.env[key] = value
        elif name == "pip":
            assert args[:2] == ["install", "-e"], line
        elif name == "git" and args[0] == "clone":
            subprocess.run(["git", "clone", "--quiet", *args[1:]], cwd=self.cwd, check=True)
        elif name == "opsvault":
            self.opsvault(args, line)
        else:
            raise AssertionError(f"the README runs {name!r}, which this test cannot: {line}")

    def opsvault(self, args: list[str], line: str) -> None:
        if any(tuple(args[:len(skip)]) == skip or all(word in args for word in skip)
               for skip in NOT_RUN):
            return
        allowed = next((codes for prefix, codes in DOCUMENTED.items()
                        if tuple(args[:len(prefix)]) == prefix), {0})
        previous = Path.cwd()
        os.chdir(self.cwd)
        try:
            result = CliRunner().invoke(main, args, env=self.env, catch_exceptions=False)
        finally:
            os.chdir(previous)
        assert result.exit_code in allowed, f"{line}\n→ exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output
        self.ran.append(" ".join(args))


def test_the_readme_commands_run_as_written(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSVAULT_USER", raising=False)
    repository = _clone_of_the_repository(tmp_path / "opsvault")
    ran: list[str] = []
    for heading, lines in _blocks():
        shell = Shell(repository)
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                shell.run(line)
        ran += shell.ran
        if heading == "## Ticket workflow":
            demo = shell.cwd
            assert demo == (tmp_path / "demo-desk").resolve()
            # The walk-through left the demo as a technician would want it.
            check = CliRunner().invoke(main, ["check", "--vault", str(demo)])
            assert check.exit_code == 0, check.output
    assert len(ran) >= 30 and "build --strict" in ran and "sla" in ran
    assert (repository / "build/site/index.html").is_file()
    intake = [path for path in (tmp_path / "demo-desk/tickets").glob("*.md")
              if "front-desk-printer-jams-again-elmhurst" in path.name]
    assert len(intake) == 1
