"""Likely secrets (passwords, private keys, API tokens) in notes and scripts.

A secret in a note is in git history for good and would be published on the site, so these are
errors. Placeholders such as `<password>`, `****`, `${TOKEN}` and `REDACTED` are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from .context import CheckContext

# (kind, lower-case text one of which a matching line must contain, pattern). The text lets
# most lines be ruled out with a plain substring search, which keeps `check` fast on big
# vaults; few and short hints mean few searches.
SECRET_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("private key", ("key",),
     re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS access key", ("akia", "asia"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", ("gh",),
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("Slack token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("API key", ("k_", "aiza"),
     re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bAIza[0-9A-Za-z_-]{35}")),
    ("JSON web token", ("eyj",),
     re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("password in a URL", ("://",),
     re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]{3,})@", re.I)),
    ("credential", ("pass", "pwd", "secret", "key", "token"), re.compile(
        r"(?i)\b(?:\w*_)?(?:password|passwd|pwd|passphrase|secret|api[_-]?key|access[_-]?key|"
        r"auth[_-]?token|token|client[_-]?secret)\b[\"']?\s*(?:[:=]|\bis\b)\s*"
        r"(?P<value>\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"'`,;)]{6,})")),
)
# hint → indexes of the patterns that need it
_PATTERNS_BY_HINT: dict[str, tuple[int, ...]] = {
    hint: tuple(index for index, (_, hints, _) in enumerate(SECRET_PATTERNS) if hint in hints)
    for _, hints, _ in SECRET_PATTERNS for hint in hints
}
# A candidate for the generic pattern is only a secret if it does not look like prose or a
# placeholder: it must mix letters with digits or symbols.
PLACEHOLDER = re.compile(
    r"^[<\[{$%(*x.]|^(?:redacted|changeme|none|null|example|placeholder|your[_-]|\*+$)", re.I)


def find_secrets(text: str) -> list[tuple[int, str]]:
    """(line, kind) of each likely secret in `text`, at most one per line, in line order.

    Plain substring searches find the lines holding a pattern's words, and only those
    patterns run on only those lines: running every pattern over every file, or one regular
    expression of all the words, would dominate `check` on a large vault.
    """
    lowered = _lower_same_length(text)
    candidates: dict[int, set[int]] = {}  # line start → indexes of patterns to try there
    for hint, pattern_indexes in _PATTERNS_BY_HINT.items():
        position = lowered.find(hint)
        while position != -1:
            candidates.setdefault(lowered.rfind("\n", 0, position) + 1, set()).update(
                pattern_indexes)
            line_end = lowered.find("\n", position)
            position = -1 if line_end == -1 else lowered.find(hint, line_end)
    found: list[tuple[int, str]] = []
    for start in sorted(candidates):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        for index in sorted(candidates[start]):
            kind, _, pattern = SECRET_PATTERNS[index]
            match = pattern.search(text, start, end)
            if match is None:
                continue
            if kind == "credential" and not _looks_secret(match.group("value")):
                continue
            if kind == "password in a URL" and PLACEHOLDER.match(match.group(1)):
                continue
            found.append((text.count("\n", 0, start) + 1, kind))
            break
    return found


def _lower_same_length(text: str) -> str:
    """`text.lower()`, keeping the few characters whose lower case is longer (İ) as they are,
    so that positions in the result are positions in `text`."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


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
