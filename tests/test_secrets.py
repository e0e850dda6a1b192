"""Likely secrets are found on the right line; prose and placeholders are not secrets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from secret_corpus import NEGATIVE, POSITIVE
from vaultkit import check_json, run_cli, write_vault

from opsvault.checks.secrets import find_secrets

ROOT = Path(__file__).resolve().parents[1]

SECRETS = [
    ("password: Summer2024!", "credential"),
    ("The new password is P@ssw0rd1 until Monday", "credential"),
    ('db_password = "hunter2hunter2"', "credential"),
    ("api_key: 9f8e7d6c5b4a39281706", "credential"),
    ("token=ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token"),
    ("AKIAIOSFODNN7EXAMPLE", "AWS access key"),
    ("xoxb-1234567890-abcdefghij", "Slack token"),
    ("sk_live_abcdefghijklmnop1234", "Stripe key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
    ("mount https://backup:S3cretPass@nas01.example.org/share", "password in a URL"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "JSON web token"),
]

NOT_SECRETS = [
    "Temporary password issued via the reset tool; user must change it at sign-in.",
    "password: <redacted>",
    "password: ********",
    "token: ${VPN_TOKEN}",
    "The user forgot their password again.",
    "Reset the MFA token and re-enrolled the phone.",
    "See [[KB-OPS-001|password reset]] for the steps.",
    "keyboard and mouse replaced",
    "Email priya.shah@example.org about the fix",
]


@pytest.mark.parametrize(("line", "kind"), SECRETS)
def test_likely_secrets_are_found_on_their_line(line: str, kind: str) -> None:
    assert find_secrets(f"first line\n\n{line}\nlast line\n") == [(3, kind)]


@pytest.mark.parametrize("line", NOT_SECRETS)
def test_prose_and_placeholders_are_not_secrets(line: str) -> None:
    assert find_secrets(line) == []


def test_characters_whose_lower_case_is_longer_do_not_shift_lines() -> None:
    assert find_secrets("İstanbul office İİ\npassword: Summer2024!") == [(2, "credential")]


@pytest.mark.parametrize("line", POSITIVE)
def test_the_corpus_secrets_are_found(line: str) -> None:
    assert [n for n, _ in find_secrets(f"before\n{line}\nafter")] == [2]


@pytest.mark.parametrize("line", NEGATIVE)
def test_the_corpus_look_alikes_are_not_secrets(line: str) -> None:
    assert find_secrets(line) == []


def test_the_corpus_is_broad_enough() -> None:
    assert len(POSITIVE) >= 60 and len(NEGATIVE) >= 30


LEAKY_LOG = "boot ok\nconfig loaded\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n"


def test_a_secret_in_an_emailed_attachment_is_found_and_blocks_the_build(
        tmp_path: Path) -> None:
    attachment = "tickets/attachments/T-20261118-q7mz/crash.log"
    write_vault(tmp_path, {attachment: LEAKY_LOG})
    code, findings = check_json(tmp_path)
    assert code == 1
    assert [(f["path"], f["line"], f["code"]) for f in findings if f["code"] == "secret"] == [
        (attachment, 3, "secret")]
    shutil.copy(ROOT / "opsvault/scaffold/mkdocs.yml", tmp_path / "mkdocs.yml")
    result = run_cli("build", "--vault", str(tmp_path))
    assert result.exit_code == 1
    assert f"{attachment}:3: error: likely private key" in result.output
    assert not (tmp_path / "build/site").exists()


def test_a_secret_in_the_site_config_is_found(tmp_path: Path) -> None:
    config = "site_name: Desk\nextra:\n  api_key: 9f8e7d6c5b4a39281706\n"
    write_vault(tmp_path, {"mkdocs.yml": config})
    _, findings = check_json(tmp_path)
    assert [(f["path"], f["line"]) for f in findings if f["code"] == "secret"] == [
        ("mkdocs.yml", 3)]
