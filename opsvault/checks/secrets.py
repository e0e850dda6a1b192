"""Likely secrets (passwords, private keys, API tokens) in notes and scripts.

A secret in a note is in git history for good and would be published on the site, so these are
errors. Placeholders such as `<password>`, `****`, `${TOKEN}` and `REDACTED` are not reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..diagnostics import Diagnostic, error
from ..digest_memo import DigestMemo
from ..model import CACHE_DIR, Vault, prepare_cache_folder
from .context import CheckContext

# (kind, text one of which a matching line must contain, pattern). The text lets
# most lines be ruled out with a plain substring search, which keeps `check` fast on big
# vaults; few and short hints mean few searches. Token shapes follow the issuers' documented
# prefixes; the keyword rules catch what has no prefix (passwords written by people).
_VALUE = r"(?P<value>\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"'`,;|)]{6,})"
SECRET_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("private key", ("key",),
     re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-")),
    ("AWS access key", ("akia", "asia"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", ("gh", "github_pat_"),
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("GitLab token", ("glpat-", "gldt-", "glrt-"),
     re.compile(r"\bgl(?:pat|dt|rt)-[0-9A-Za-z_-]{20,}")),
    ("Slack token", ("xox",), re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}")),
    ("Slack webhook", ("hooks.slack.com",),
     re.compile(r"hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}")),
    ("Stripe key", ("k_live_", "k_test_"),
     re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("Google API key", ("aiza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("OpenAI key", ("sk-",),
     re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}"
                r"|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|\bsk-[A-Za-z0-9]{48}\b")),
    ("npm token", ("npm_",), re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("PyPI token", ("pypi-",), re.compile(r"\bpypi-AgE[A-Za-z0-9_-]{50,}")),
    ("SendGrid key", ("sg.",), re.compile(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b")),
    ("Twilio key", ("SK",), re.compile(r"\bSK[0-9a-f]{32}\b")),
    ("Azure storage key", ("accountkey=", "sharedaccesskey="),
     re.compile(r"(?i)\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{30,}={0,2}")),
    ("Azure SAS signature", ("sig=",), re.compile(r"[?&]sig=[A-Za-z0-9%+/]{30,}")),
    ("Mailgun key", ("key-",), re.compile(r"\bkey-[0-9a-f]{32}\b")),
    ("Mailchimp key", ("-us",), re.compile(r"\b[0-9a-f]{32}-us[0-9]{1,2}\b")),
    ("Shopify token", ("shp",), re.compile(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b")),
    ("DigitalOcean token", ("dop_v1_", "doo_v1_"), re.compile(r"\bdo[op]_v1_[a-f0-9]{64}\b")),
    ("HashiCorp Vault token", ("hvs.", "hvb."), re.compile(r"\bhv[sb]\.[A-Za-z0-9_-]{24,}")),
    ("Databricks token", ("dapi",), re.compile(r"\bdapi[a-f0-9]{32}\b")),
    ("Docker Hub token", ("dckr_pat_",), re.compile(r"\bdckr_pat_[A-Za-z0-9_-]{20,}")),
    ("Grafana token", ("glsa_", "glc_"), re.compile(r"\b(?:glsa|glc)_[A-Za-z0-9_=+/-]{30,}")),
    ("Telegram bot token", (":aa",), re.compile(r"\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}\b")),
    ("Discord webhook", ("discord",),
     re.compile(r"discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{30,}")),
    ("JSON web token", ("eyj",),
     re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("authorization header", ("bearer", "basic"),
     re.compile(r"(?i)\b(?:bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/-]{16,}=*)")),
    ("password in a URL", ("://",),
     re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]{3,})@", re.I)),
    ("password on a command line", ("mysql", "mariadb", "sshpass", "--password",
                                    "securestring", "net user"), re.compile(
        r"(?i)(?:\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p(?P<value>[^\s\"'`]{4,})"
        r"|\bsshpass\s+-p\s*(?P<value2>\"[^\"\n]{4,}\"|'[^'\n]{4,}'|\S{4,})"
        r"|--password[= ](?P<value3>\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"'`]{4,})"
        r"|ConvertTo-SecureString\s+(?:-String\s+)?(?P<value4>\"[^\"\n]{4,}\"|'[^'\n]{4,}')"
        r"|\bnet\s+user\s+\S+\s+(?P<value5>(?!/)[^\s*]\S{3,})(?:\s+/\w+)*\s*$)")),
    ("credential", ("pass", "pwd", "pw", "secret", "key", "token", "pin"), re.compile(
        r"(?i)(?:\*\*|__)?\b(?:\w*_)?(?:password|passwd|passwort|pass|pwd|pw|passphrase|secret|"
        r"api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|auth[_-]?token|token|"
        r"client[_-]?secret|pin)(?![A-Za-z0-9])(?:\*\*|__)?[\"']?\s*(?:[:=]|\bis\b)\s*(?:\*\*|__)?\s*"
        + _VALUE)),
    ("credential in a table", ("|",), re.compile(
        r"(?im)^\s*\|?\s*(?:\*\*)?(?:password|passwd|pass|pwd|pw|secret|api[ _-]?key|token|"
        r"pin)(?:\*\*)?\s*\|\s*(?P<value>[^|\s][^|]*?)\s*\|")),
)
# hint → indexes of the patterns that need it
_PATTERNS_BY_HINT: dict[str, tuple[int, ...]] = {
    hint: tuple(index for index, (_, hints, _) in enumerate(SECRET_PATTERNS) if hint in hints)
    for _, hints, _ in SECRET_PATTERNS for hint in hints
}
# Placeholders, by explicit forms only: `<password>`, `[hidden]`, `{{token}}`, `${VAR}`,
# `$VAR`, `$env:VAR`, `%VAR%`, masks (`****`, `xxxx`, `••••`), and words that say a value was
# left out. Anything else that mixes letters with digits or symbols is taken for a secret.
PLACEHOLDER = re.compile(
    r"""^["']?(?:<[^<>]+>|\[[^\[\]]+\]|\(.*\)|\{\{[^{}]+\}\}|\$\{[^{}]+\}
    |(?-i:\$[A-Z_][A-Z0-9_]*)|\$env:[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|[*•x.\-]{3,}|X{3,}
    |(?:redacted|hidden|removed|omitted|changeme|change-me|placeholder|example|none|null|
    not-set|unset|n/a|your[_-][\w-]+|\.\.\.)
    )["']?[.,;:)]*$""", re.I | re.X)
def find_secrets(text: str) -> list[tuple[int, str]]:
    """(line, kind) of each likely secret in `text`, at most one per line, in line order.

    Plain substring searches find the lines holding a pattern's words, and only those
    patterns run on only those lines: running every pattern over every file, or one regular
    expression of all the words, would dominate `check` on a large vault.
    """
    lowered = _lower_same_length(text)
    candidates: dict[int, set[int]] = {}  # line start → indexes of patterns to try there
    for hint, pattern_indexes in _PATTERNS_BY_HINT.items():
        # A hint with capitals is searched as written (`SK` would be in every "desk").
        searched = lowered if hint.islower() or not hint.isalpha() else text
        position = searched.find(hint)
        while position != -1:
            candidates.setdefault(searched.rfind("\n", 0, position) + 1, set()).update(
                pattern_indexes)
            line_end = searched.find("\n", position)
            position = -1 if line_end == -1 else searched.find(hint, line_end)
    found: list[tuple[int, str]] = []
    for start in sorted(candidates):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        for index in sorted(candidates[start]):
            kind, _, pattern = SECRET_PATTERNS[index]
            match = pattern.search(text, start, end)
            if match is None:
                continue
            value = _secret_value(match)
            if value is not None and not _looks_secret(value, kind):
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


def _secret_value(match: re.Match[str]) -> str | None:
    """The value a keyword rule matched (None for token shapes, which need no judging)."""
    groups = match.groupdict()
    for name in ("value", "value2", "value3", "value4", "value5"):
        if groups.get(name):
            return groups[name]
    return match.group(1) if match.re.groups and not groups else None


# Rules where the keyword itself says "this is a secret": any non-placeholder value counts.
_KEYED = frozenset({"password on a command line", "password in a URL", "authorization header"})


def _looks_secret(value: str, kind: str) -> bool:
    if PLACEHOLDER.match(value.strip()):
        return False
    value = value.strip("\"'").rstrip(".,;:")
    if kind in _KEYED:
        return len(value) >= 3
    if " " in value.strip() and kind != "credential in a table":
        return False
    has_letter = any(c.isalpha() for c in value)
    has_other = any(c.isdigit() or not c.isalnum() for c in value)
    return has_letter and has_other and len(value) >= 6


# Attachments larger than this are not read for secrets (logs and dumps beyond it are rare and
# slow to scan); binary files (a NUL byte early on) are not text and are not read either.
MAX_SCANNED_ATTACHMENT_BYTES = 5 * 1024 * 1024


def attachment_text(root: Path, rel_path: str) -> str | None:
    """An attachment's text for the secret scan, or None when it is binary or too large."""
    try:
        path = root / rel_path
        if path.stat().st_size > MAX_SCANNED_ATTACHMENT_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def scanned_sources(vault: Vault) -> Iterator[tuple[str, str]]:
    """(path, text) of every vault file whose text may hold a secret: notes, scripts, text
    attachments (an emailed `crash.log`, say) and the site config."""
    yield from ((d.path, d.source.text) for d in vault.documents())
    yield from ((s.path, s.text) for s in vault.scripts)
    for rel_path in vault.attachments:
        text = attachment_text(vault.root, rel_path)
        if text is not None:
            yield rel_path, text
    config = attachment_text(vault.root, "mkdocs.yml")
    if config is not None:
        yield "mkdocs.yml", config


# --- the scans of earlier runs ----------------------------------------------------------------

MEMO_NAME = "secrets.sqlite"
_NOTHING = "[]"  # the answer for a text without a likely secret


@cache
def rules_digest() -> str | None:
    """A digest of this module's source: the rules the memo's answers come from. None when
    the source cannot be read (then nothing is memoised: an answer of other rules could hide
    a secret these find)."""
    try:
        return hashlib.blake2b(Path(__file__).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


class SecretsMemo:
    """`find_secrets` of each text as an earlier run found it, in `.opsvault/secrets.sqlite`:
    a large vault's secret scan is a fifth of `check`, and most files did not change. Kept by
    a digest of the text and dropped whenever the rules change; `save` at the end."""

    def __init__(self, vault_root: Path) -> None:
        rules = rules_digest()
        self._memo = None if rules is None else DigestMemo(
            vault_root / CACHE_DIR / MEMO_NAME, {"format": "1", "rules": rules},
            prepare_cache_folder)

    def find(self, text: str) -> list[tuple[int, str]]:
        """`find_secrets(text)`."""
        if self._memo is None:
            return find_secrets(text)
        digest, stored = self._memo.lookup(text)
        if stored == _NOTHING:
            return []  # most files: not worth a JSON parse each
        if stored is not None:
            try:
                return [(int(line), str(kind)) for line, kind in json.loads(stored)]
            except (ValueError, TypeError):
                self._memo.forget(digest)  # not what this module writes: scan again
        found = find_secrets(text)
        self._memo.keep(digest, json.dumps(found) if found else _NOTHING)
        return found

    def save(self, whole_run: bool) -> None:
        """Keep the new scans; after a `whole_run` (every file of the vault), drop those of
        texts no file holds any more."""
        if self._memo is not None:
            self._memo.save(whole_run)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    memo = SecretsMemo(context.vault.root)
    for path, text in scanned_sources(context.vault):
        for line, kind in memo.find(text):
            yield error(path, line, "secret",
                        f"likely {kind}; remove it (and rotate it: it is in git history) or "
                        "replace it with a placeholder")
    memo.save(whole_run=True)
