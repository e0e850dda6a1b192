"""A ticket left half-merged by git: an error in `check`, refused by commands, never published."""

from __future__ import annotations

from pathlib import Path

from deskkit import VPN, VPN_PATH, desk, ov, read
from vaultkit import TICKET, check_json, run_cli

CONFLICTED = TICKET.replace(
    "- 2026-11-18 11:02", "<<<<<<< HEAD\n- 2026-11-18 10:30 · alice · Mine.\n=======\n"
    "- 2026-11-18 10:31 · bob · Theirs.\n>>>>>>> feature\n- 2026-11-18 11:02")
MARKER_LINE = CONFLICTED.splitlines().index("<<<<<<< HEAD") + 1


def test_check_reports_the_conflict_at_its_line(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {VPN_PATH: CONFLICTED})
    code, findings = check_json(root)
    assert code == 1
    assert [(f["path"], f["line"], f["code"]) for f in findings
            if f["code"] == "merge-conflict"] == [(VPN_PATH, MARKER_LINE, "merge-conflict")]


def test_a_command_refuses_to_write_into_a_half_merged_ticket(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {VPN_PATH: CONFLICTED})
    result = ov(root, "ticket", "log", VPN, "Called back.", "--as", "alice")
    assert result.exit_code == 1
    assert f"{VPN_PATH}:{MARKER_LINE}: unresolved merge conflict" in result.stderr
    assert read(root, VPN_PATH) == CONFLICTED


def test_the_site_does_not_publish_the_markers(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {VPN_PATH: CONFLICTED})
    (root / "mkdocs.yml").write_text(
        (Path(__file__).parents[1] / "opsvault/scaffold/mkdocs.yml").read_text())
    result = run_cli("build", "--vault", str(root))
    site = root / "build/site"
    assert (site / "index.html").exists(), result.output
    for page in site.rglob("*.html"):
        assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in page.read_text(encoding="utf-8")
        assert "<<<<<<<" not in page.read_text(encoding="utf-8")


def test_build_lists_documents_check_rejects_and_strict_fails_on_them(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {VPN_PATH: TICKET.replace("priority: P2", "priority: urgent")})
    (root / "mkdocs.yml").write_text(
        (Path(__file__).parents[1] / "opsvault/scaffold/mkdocs.yml").read_text())
    built = run_cli("build", "--vault", str(root))
    assert built.exit_code == 0
    assert f"{VPN_PATH}:5: error:" in built.stderr and "urgent" in built.stderr
    strict = run_cli("build", "--vault", str(root), "--strict")
    assert strict.exit_code == 1
    assert "error: --strict: the site was not built" in strict.stderr
