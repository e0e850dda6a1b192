"""Likely secrets (passwords, private keys, API tokens) in notes and scripts.

A secret in a note is in git history for good and would be published on the site, so these are
errors. Placeholders such as `<password>`, `****`, `${TOKEN}` and `REDACTED` are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from .context import CheckContext

SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("API key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bAIza[0-9A-Za-z_-]{35}")),
    ("JSON web token",
     re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("password in a URL", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]{3,})@", re.I)),
    ("credential", re.compile(
        r"(?i)\b(?:password|passwd|pwd|passphrase|secret|api[_-]?key|access[_-]?key|"
        r"auth[_-]?token|token|client[_-]?secret)\b[\"']?\s*(?:[:=]|\bis\b)\s*"
        r"(?P<value>\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"'`,;)]{6,})")),
)
# A candidate for the generic pattern is only a secret if it does not look like prose or a
# placeholder: it must mix letters with digits or symbols.
PLACEHOLDER = re.compile(
    r"^[<\[{$%(*x.]|^(?:redacted|changeme|none|null|example|placeholder|your[_-]|\*+$)", re.I)
_ANY = re.compile("|".join(f"(?:{p.pattern.removeprefix('(?i)')})" for _, p in SECRET_PATTERNS),
                  re.IGNORECASE)


def find_secrets(text: str) -> Iterator[tuple[int, str]]:
    """(line, kind) of each likely secret in `text`."""
    if not _ANY.search(text):
        return
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in SECRET_PATTERNS:
            match = pattern.search(line)
            if match is None:
                continue
            if kind == "credential" and not _looks_secret(match.group("value")):
                continue
            if kind == "password in a URL" and PLACEHOLDER.match(match.group(1)):
                continue
            yield number, kind
            break


def _looks_secret(value: str) -> bool:
    value = value.strip("\"'")
    if " " in value or PLACEHOLDER.match(value):
        return False
    has_letter = any(c.isalpha() for c in value)
    has_other = any(c.isdigit() or not c.isalnum() for c in value)
    return has_letter and has_other and len(value) >= 6


def check(context: CheckContext) -> Iterator[Diagnostic]:
    sources = [(d.path, d.source.text) for d in context.vault.documents()]
    sources += [(s.path, s.text) for s in context.vault.scripts]
    for path, text in sources:
        for line, kind in find_secrets(text):
            yield error(path, line, "secret",
                        f"likely {kind}; remove it (and rotate it: it is in git history) or "
                        "replace it with a placeholder")
