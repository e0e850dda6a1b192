"""The demo vault's automation scripts really run and behave as their headers say."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
BACKUP_VERIFY = SCRIPTS / "python" / "backup_verify.py"
CREATE_USER = SCRIPTS / "bash" / "create_user_template.sh"
RESET_PW = SCRIPTS / "php" / "reset_user_pw.php"
HEALTHCHECK = SCRIPTS / "powershell" / "sys_healthcheck.ps1"
ALL_SCRIPTS = [BACKUP_VERIFY, CREATE_USER, RESET_PW, HEALTHCHECK]

NOW = "2026-11-24T09:00:00"


def run(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda p: p.name)
def test_script_header_names_purpose_usage_and_kb(script: Path) -> None:
    head = script.read_text(encoding="utf-8")[:2500]
    assert re.search(r"^\W*Purpose: \S", head, re.MULTILINE)
    assert re.search(r"^\W*Usage: \S", head, re.MULTILINE)
    assert re.search(r"^\W*KB: KB-OPS-\d{3}(, KB-OPS-\d{3})*\s*$", head, re.MULTILINE)


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda p: p.name)
def test_script_is_executable(script: Path) -> None:
    assert os.access(script, os.X_OK)


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda p: p.name)
def test_script_header_kb_entries_point_back_at_the_script(script: Path) -> None:
    head = script.read_text(encoding="utf-8")[:2500]
    kb_ids = re.findall(r"KB-OPS-\d{3}", re.search(r"KB: (.*)", head).group(1))
    relative = script.relative_to(REPO).as_posix()
    for kb_id in kb_ids:
        matches = list((REPO / "kb").glob(f"*/{kb_id}-*.md"))
        assert len(matches) == 1, f"{kb_id} named by {relative} not found"
        assert f"script: {relative}" in matches[0].read_text(encoding="utf-8")


# --- backup_verify.py ----------------------------------------------------------------------


def backup_verify(*args: object) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, BACKUP_VERIFY, "--now", NOW, *args)


def set_mtime(path: Path, iso_local: str) -> None:
    stamp = datetime.fromisoformat(iso_local).timestamp()
    os.utime(path, (stamp, stamp))


def test_backup_verify_fresh_backup_by_name_timestamp_exits_0(tmp_path: Path) -> None:
    (tmp_path / "backup-2026-11-23T0300.tar.gz").touch()
    (tmp_path / "backup-2026-11-24T0300.tar.gz").touch()
    result = backup_verify("--max-age", "26h", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK")
    assert "backup-2026-11-24T0300.tar.gz is 6h00m old (max 26h)" in result.stdout


def test_backup_verify_stale_backup_exits_1(tmp_path: Path) -> None:
    (tmp_path / "pms_20261120-0300.bak").touch()
    result = backup_verify("--max-age", "26h", tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("STALE")
    assert "pms_20261120-0300.bak is 4d06h old" in result.stdout


def test_backup_verify_uses_mtime_when_name_has_no_timestamp(tmp_path: Path) -> None:
    fresh, stale = tmp_path / "fresh", tmp_path / "stale"
    fresh.mkdir()
    stale.mkdir()
    for folder, mtime in ((fresh, "2026-11-24T02:00:00"), (stale, "2026-11-21T02:00:00")):
        (folder / "nightly.tar.gz").touch()
        set_mtime(folder / "nightly.tar.gz", mtime)
    assert backup_verify(fresh).returncode == 0
    assert backup_verify(stale).returncode == 1
    assert backup_verify("--max-age", "4d", stale).returncode == 0


def test_backup_verify_missing_or_empty_target_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = backup_verify(empty, tmp_path / "nope")
    assert result.returncode == 2
    assert f"MISSING {empty}: no files matching '*'" in result.stdout
    assert f"MISSING {tmp_path / 'nope'}: does not exist" in result.stdout


def test_backup_verify_missing_wins_over_stale(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "backup-2026-10-01T0300.tar.gz").touch()
    assert backup_verify(tmp_path / "old", tmp_path / "gone").returncode == 2


def test_backup_verify_pattern_filters_files(tmp_path: Path) -> None:
    (tmp_path / "backup-2026-11-24T0300.log").touch()
    (tmp_path / "backup-2026-11-20T0300.tar.gz").touch()
    assert backup_verify(tmp_path).returncode == 0
    assert backup_verify("--pattern", "*.tar.gz", tmp_path).returncode == 1
    assert backup_verify("--pattern", "*.zip", tmp_path).returncode == 2


def test_backup_verify_glob_target(tmp_path: Path) -> None:
    for site in ("oakpark", "elmhurst"):
        (tmp_path / site).mkdir()
    (tmp_path / "oakpark" / "pms-2026-11-24T0100.tar.gz").touch()
    (tmp_path / "elmhurst" / "pms-2026-11-22T0100.tar.gz").touch()
    result = backup_verify(f"{tmp_path}/*/pms-*.tar.gz")
    assert result.returncode == 0
    assert "pms-2026-11-24T0100.tar.gz" in result.stdout


def test_backup_verify_json_report(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "backup-2026-11-24T0300.tar.gz").touch()
    (bad / "backup-2026-11-01T0300.tar.gz").touch()
    result = backup_verify("--json", good, bad)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["exit_code"] == 1 and report["ok"] is False
    assert report["max_age_seconds"] == 26 * 3600
    by_target = {t["target"]: t for t in report["targets"]}
    assert by_target[str(good)]["status"] == "ok"
    assert by_target[str(good)]["age_seconds"] == 6 * 3600
    assert by_target[str(good)]["timestamp_source"] == "name"
    assert by_target[str(bad)]["status"] == "stale"


@pytest.mark.parametrize(
    "bad_args",
    [[], ["--max-age", "3x", "."], ["--max-age", "0h", "."], ["--now", "yesterday", "."]],
)
def test_backup_verify_usage_errors_exit_2(bad_args: list[str]) -> None:
    result = run(sys.executable, BACKUP_VERIFY, *bad_args)
    assert result.returncode == 2
    assert "usage:" in result.stderr


# --- create_user_template.sh ---------------------------------------------------------------

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash not on PATH")


@needs_bash
def test_create_user_dry_run_prints_every_command_and_changes_nothing(tmp_path: Path) -> None:
    result = run(
        "bash",
        CREATE_USER,
        "--username",
        "jdoe",
        "--full-name",
        "Jane Doe",
        "--department",
        "Front Desk",
        "--groups",
        "staff",
        "--home-base",
        tmp_path,
        "--dry-run",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(line.startswith("DRY-RUN: ") for line in lines)
    home = f"{tmp_path}/jdoe"
    assert lines == [
        "DRY-RUN: useradd --comment 'Jane Doe,Front Desk' --shell /bin/bash"
        f" --home-dir {home} --no-create-home jdoe",
        f"DRY-RUN: mkdir -p {home}",
        f"DRY-RUN: cp -a /etc/skel/. {home}/",
        f"DRY-RUN: mkdir -p {home}/Documents {home}/Scans {home}/Department-front-desk",
        f"DRY-RUN: chown -R jdoe:jdoe {home}",
        f"DRY-RUN: chmod 0750 {home}",
        "DRY-RUN: usermod --append --groups staff jdoe",
        "DRY-RUN: passwd --lock jdoe",
        "DRY-RUN: chage --lastday 0 jdoe",
    ]
    assert not (tmp_path / "jdoe").exists()
    assert "dry run complete, nothing changed" in result.stderr


@needs_bash
def test_create_user_dry_run_without_groups_skips_usermod() -> None:
    result = run(
        "bash",
        CREATE_USER,
        "--username",
        "mlee",
        "--full-name",
        "Min Lee",
        "--department",
        "Hygiene",
        "--dry-run",
    )
    assert result.returncode == 0, result.stderr
    assert "usermod" not in result.stdout


@needs_bash
@pytest.mark.parametrize("username", ["Jdoe", "1abc", "j doe", "jdoe!", "x", "a" * 40])
def test_create_user_rejects_bad_username(username: str) -> None:
    result = run(
        "bash",
        CREATE_USER,
        "--username",
        username,
        "--full-name",
        "Jane Doe",
        "--department",
        "Billing",
        "--dry-run",
    )
    assert result.returncode == 2
    assert "invalid username" in result.stderr
    assert result.stdout == ""


@needs_bash
@pytest.mark.parametrize("missing", ["--username", "--full-name", "--department"])
def test_create_user_requires_each_argument(missing: str) -> None:
    args = {"--username": "jdoe", "--full-name": "Jane Doe", "--department": "Billing"}
    del args[missing]
    flat = [item for pair in args.items() for item in pair]
    result = run("bash", CREATE_USER, *flat, "--dry-run")
    assert result.returncode == 2
    assert f"{missing} is required" in result.stderr


@needs_bash
def test_create_user_refuses_existing_user() -> None:
    result = run(
        "bash",
        CREATE_USER,
        "--username",
        "root",
        "--full-name",
        "Root User",
        "--department",
        "IT",
        "--dry-run",
    )
    assert result.returncode == 3
    assert "already exists" in result.stderr


@needs_bash
def test_create_user_rejects_unknown_option_and_comma_in_name() -> None:
    assert run("bash", CREATE_USER, "--bogus").returncode == 2
    result = run(
        "bash",
        CREATE_USER,
        "--username",
        "jdoe",
        "--full-name",
        "Doe, Jane",
        "--department",
        "Billing",
        "--dry-run",
    )
    assert result.returncode == 2
    assert "invalid full name" in result.stderr


# --- reset_user_pw.php ---------------------------------------------------------------------


def php_with_pdo_sqlite() -> bool:
    if shutil.which("php") is None:
        return False
    probe = run("php", "-r", "exit(extension_loaded('pdo_sqlite') ? 0 : 1);")
    return probe.returncode == 0


# Under CI (CI=true) a missing PHP fails these tests instead of skipping them.
needs_php = pytest.mark.skipif(
    not php_with_pdo_sqlite() and os.environ.get("CI") != "true",
    reason="php CLI with pdo_sqlite not available"
)


@pytest.fixture
def app_db(tmp_path: Path) -> Path:
    db = tmp_path / "app.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE users (username TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL,"
            " must_change_password INTEGER NOT NULL DEFAULT 0, updated_at TEXT)"
        )
        conn.executemany(
            "INSERT INTO users (username, password_hash) VALUES (?, ?)",
            [("jdoe", "old-hash-jdoe"), ("mlee", "old-hash-mlee")],
        )
    conn.close()
    return db


def user_row(db: Path, username: str) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT password_hash, must_change_password, updated_at FROM users WHERE username = ?",
            (username,),
        ).fetchone()
    finally:
        conn.close()


@needs_php
def test_reset_pw_sets_hash_and_forces_change(app_db: Path) -> None:
    result = run("php", RESET_PW, "--db", app_db, "--user", "jdoe")
    assert result.returncode == 0, result.stderr
    issued = result.stdout.strip()
    assert len(issued) == 16 and "\n" not in issued
    stored_hash, must_change, updated_at = user_row(app_db, "jdoe")
    assert must_change == 1 and updated_at
    assert stored_hash.startswith("$2y$") and issued not in stored_hash
    verify = run(
        "php", "-r", "exit(password_verify($argv[1], $argv[2]) ? 0 : 1);", issued, stored_hash
    )
    assert verify.returncode == 0
    assert issued not in result.stderr
    assert user_row(app_db, "mlee")[:2] == ("old-hash-mlee", 0)


@needs_php
def test_reset_pw_honours_length_and_generates_distinct_values(app_db: Path) -> None:
    first = run("php", RESET_PW, "--db", app_db, "--user", "mlee", "--length", "24").stdout.strip()
    second = run("php", RESET_PW, "--db", app_db, "--user", "mlee", "--length", "24").stdout.strip()
    assert len(first) == len(second) == 24
    assert first != second
    assert re.fullmatch(r"[A-HJ-NP-Za-km-z2-9!#%+=?@]{24}", first)


@needs_php
def test_reset_pw_dry_run_changes_nothing(app_db: Path) -> None:
    result = run("php", RESET_PW, "--db", app_db, "--user", "jdoe", "--dry-run")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "dry run" in result.stderr
    assert user_row(app_db, "jdoe")[:2] == ("old-hash-jdoe", 0)


@needs_php
def test_reset_pw_unknown_user_exits_1(app_db: Path) -> None:
    result = run("php", RESET_PW, "--db", app_db, "--user", "nobody")
    assert result.returncode == 1
    assert "not found" in result.stderr
    assert result.stdout == ""


USAGE_ERRORS = {
    "no arguments": [],
    "no --db": ["--user", "jdoe"],
    "length too short": ["--db", "{db}", "--user", "jdoe", "--length", "8"],
    "length not a number": ["--db", "{db}", "--user", "jdoe", "--length", "abc"],
    "unknown option": ["--db", "{db}", "--user", "jdoe", "--frobnicate"],
}


@needs_php
@pytest.mark.parametrize("bad_args", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_reset_pw_usage_errors_exit_2(app_db: Path, bad_args: list[str]) -> None:
    result = run("php", RESET_PW, *(arg.replace("{db}", str(app_db)) for arg in bad_args))
    assert result.returncode == 2
    assert result.stdout == ""
    assert user_row(app_db, "jdoe")[:2] == ("old-hash-jdoe", 0)


@needs_php
def test_reset_pw_wrong_schema_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE users (username TEXT)")
        conn.execute("INSERT INTO users VALUES ('jdoe')")
    conn.close()
    result = run("php", RESET_PW, "--db", db, "--user", "jdoe")
    assert result.returncode == 3
    assert "missing column" in result.stderr


# --- sys_healthcheck.ps1 -------------------------------------------------------------------


def test_healthcheck_header_and_parameters_without_running_it() -> None:
    """Static check only: the Windows checks themselves cannot run on this platform."""
    text = HEALTHCHECK.read_text(encoding="utf-8")
    for parameter in (
        "$MinFreePercent",
        "$MaxUptimeDays",
        "$MaxUpdateAgeDays",
        "$Services",
        "[switch]$Json",
    ):
        assert parameter in text
    assert "exit $exitCode" in text


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="pwsh not on PATH")
def test_healthcheck_runs_under_pwsh_and_refuses_non_windows() -> None:
    result = run("pwsh", "-NoProfile", "-NonInteractive", "-File", HEALTHCHECK)
    if sys.platform == "win32":
        assert result.returncode in (0, 1, 2)
        assert "Overall" in result.stdout
    else:
        assert result.returncode == 3
        assert "Windows machines only" in result.stderr + result.stdout
