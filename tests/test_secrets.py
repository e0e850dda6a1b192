"""Likely secrets are found on the right line; prose and placeholders are not secrets."""

from __future__ import annotations

import pytest

from opsvault.checks.secrets import find_secrets

SECRETS = [
    ("password: Summer2024!", "credential"),
    ("The new password is P@ssw0rd1 until Monday", "credential"),
    ('db_password = "hunter2hunter2"', "credential"),
    ("api_key: 9f8e7d6c5b4a39281706", "credential"),
    ("token=ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token"),
    ("AKIAIOSFODNN7EXAMPLE", "AWS access key"),
    ("xoxb-1234567890-abcdefghij", "Slack token"),
    ("sk_live_abcdefghijklmnop1234", "API key"),
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
