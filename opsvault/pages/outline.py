"""The vault's outline: a digest of everything one page may show about other documents, so
that `opsvault serve` re-renders only the pages of changed documents while it is unchanged."""

from __future__ import annotations

import hashlib
from datetime import datetime

from ..history import History
from ..model import Vault

# Front-matter keys that other pages show (boards, backlinks, listings, link titles).
SHOWN_ELSEWHERE = ("id", "title", "aliases", "tags", "status", "priority", "category",
                   "assignee", "opened", "kb", "related", "repeat_of", "last_updated", "script",
                   "automation", "owner", "review_every", "resolved", "closed")


def vault_outline(vault: Vault, history: History | None, now: datetime) -> str:
    digest = hashlib.blake2b(digest_size=16)

    def feed(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogatepass"))

    embedded = {link.target.lower() for document in vault.documents()
                for link in document.wikilinks if link.embed}
    for document in vault.documents():
        names = {document.name.lower(), (document.id or "").lower(),
                 *(alias.lower() for alias in document.aliases)}
        feed(document.path, [document.meta.get(key) for key in SHOWN_ELSEWHERE],
             sorted(document.headings),
             [(link.target, link.heading, link.embed) for link in document.wikilinks],
             document.source.text if names & embedded else None)
    for script in vault.scripts:
        feed(script.path, script.header_field("Purpose"), script.header_field("KB"))
    for path in ("vault/opsvault.yml", "vault/team.yml"):
        file = vault.root / path
        feed(path, file.read_bytes() if file.is_file() else None)
    feed(history.head if history is not None else None, now.date().isoformat())
    return digest.hexdigest()
