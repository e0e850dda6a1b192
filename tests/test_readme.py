"""The README's fresh-machine commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    block = lines[lines.index("```sh") + 1:]
    return [line.split("  #")[0].strip() for line in block[:block.index("```")]]


def test_readme_opens_with_the_two_commands() -> None:
    run_demo, run_tests = readme_commands()
    assert run_demo.startswith("pip install -e . && opsvault ")
    assert "pytest" in run_tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert readme_commands()[1] in ci_lines
