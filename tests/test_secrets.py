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


# --- the memo of earlier scans -----------------------------------------------------------------

def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the rules run on (those the memo could not answer), run by run."""
    from opsvault.checks import secrets

    scanned: list[str] = []
    original = secrets.find_secrets

    def counting(text: str) -> list[tuple[int, str]]:
        scanned.append(text)
        return original(text)

    monkeypatch.setattr(secrets, "find_secrets", counting)
    return scanned


def secret_findings(root: Path) -> list[tuple[object, object, object]]:
    _, findings = check_json(root)
    return [(f["path"], f["line"], f["message"]) for f in findings if f["code"] == "secret"]


def test_a_memo_answers_as_the_rules_do_and_only_changed_texts_are_scanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsvault.checks.secrets import SecretsMemo

    texts = [f"before\n{line}\nafter" for line in (*POSITIVE, *NEGATIVE)]
    scanned = scans(monkeypatch)
    first = SecretsMemo(tmp_path)
    answers = [first.find(text) for text in texts]
    first.save(whole_run=True)
    assert len(scanned) == len(set(texts))
    scanned.clear()
    again = SecretsMemo(tmp_path)
    assert [again.find(text) for text in texts] == answers == [find_secrets(t) for t in texts]
    assert scanned == []  # every answer from the memo
    assert again.find("password: Summer2024!\n") == [(1, "credential")]  # a new text: scanned
    assert scanned == ["password: Summer2024!\n"]


def test_check_finds_a_secret_added_since_the_last_run_and_forgets_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit import TICKET

    path = "tickets/T-20261118-q7mz.md"
    leaky = TICKET.replace("since the ISP change.",
                           "since the ISP change.\napi_key: 9f8e7d6c5b4a39281706")
    root = write_vault(tmp_path / "vault", {path: leaky})
    found = secret_findings(root)
    assert [(p, line) for p, line, _ in found] == [(path, 17)]
    scanned = scans(monkeypatch)
    assert secret_findings(root) == found and scanned == []  # every text from the memo
    other = "tickets/T-20261118-zz01.md"
    (root / other).write_text(leaky.replace("T-20261118-q7mz", "T-20261118-zz01").replace(
        "api_key: 9f8e7d6c5b4a39281706", "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789"))
    assert [(p, line) for p, line, _ in secret_findings(root)] == [(path, 17), (other, 17)]
    assert len(scanned) == 1  # the new file alone


def test_scans_made_under_other_rules_or_damaged_are_not_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from opsvault.checks import secrets

    secret = "before\npassword: Summer2024!\nafter"
    memo = secrets.SecretsMemo(tmp_path)
    assert memo.find(secret) == [(2, "credential")]
    memo.save(whole_run=True)
    memo_path = tmp_path / secrets.CACHE_DIR / secrets.MEMO_NAME
    with sqlite3.connect(memo_path) as connection:  # a row that would hide the secret
        connection.execute("UPDATE answers SET value = '[]'")
    connection.close()
    monkeypatch.setattr(secrets, "rules_digest", lambda: "other rules")
    assert secrets.SecretsMemo(tmp_path).find(secret) == [(2, "credential")]
    monkeypatch.undo()
    with sqlite3.connect(memo_path) as connection:
        connection.execute("UPDATE answers SET value = 'not json'")
    connection.close()
    scanned = scans(monkeypatch)
    assert secrets.SecretsMemo(tmp_path).find(secret) == [(2, "credential")]
    assert scanned == [secret]
