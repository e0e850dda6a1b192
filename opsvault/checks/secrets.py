"""Likely secrets (passwords, private keys, API tokens) in notes and scripts.

A secret in a note is in git history for good and would be published on the site, so these are
errors. Placeholders such as `<password>`, `****`, `${TOKEN}` and `REDACTED` are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from .context import CheckContext

# (kind, lower-case words one of which a matching line must contain, pattern). The words let
# most lines be ruled out with a plain substring test, which keeps `check` fast on big vaults.
SECRET_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("private key", ("private key",),
     re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS access key", ("akia", "asia"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("Slack token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("API key", ("sk_", "rk_", "aiza"),
     re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bAIza[0-9A-Za-z_-]{35}")),
    ("JSON web token", ("eyj",),
     re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("password in a URL", ("@",),
     re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]{3,})@", re.I)),
    ("credential", ("pass", "pwd", "secret", "key", "token"), re.compile(
        r"(?i)\b(?:password|passwd|pwd|passphrase|secret|api[_-]?key|access[_-]?key|"
        r"auth[_-]?token|token|client[_-]?secret)\b[\"']?\s*(?:[:=]|\bis\b)\s*"
        r"(?P<value>\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"'`,;)]{6,})")),
)
_ALL_HINTS = tuple({hint for _, hints, _ in SECRET_PATTERNS for hint in hints})
# A candidate for the generic pattern is only a secret if it does not look like prose or a
# placeholder: it must mix letters with digits or symbols.
PLACEHOLDER = re.compile(
    r"^[<\[{$%(*x.]|^(?:redacted|changeme|none|null|example|placeholder|your[_-]|\*+$)", re.I)


def find_secrets(text: str) -> Iterator[tuple[int, str]]:
    """(line, kind) of each likely secret in `text`, at most one per line."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _ALL_HINTS):
        return
    for number, (line, line_lowered) in enumerate(
            zip(text.split("\n"), lowered.split("\n"), strict=True), start=1):
        for kind, hints, pattern in SECRET_PATTERNS:
            if not any(hint in line_lowered for hint in hints):
                continue
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
