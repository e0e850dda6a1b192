"""`opsvault kb suggest`: what may fix a ticket, from the search index and that ticket's own
file, without loading the whole vault."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import click

from ..model import ticket_files_named
from ..search import KNOWLEDGE, for_ticket, open_index, suggest
from . import completion as complete
from .common import find_one_ticket, open_vault, vault_option


@click.command("suggest")
@click.argument("query", metavar="ID|TEXT", nargs=-1, required=True,
                shell_complete=complete.ticket_ids)
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--intake", "as_intake", is_flag=True,
              help="Use only the ticket's title and description (what intake knows).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@vault_option
def kb_suggest_command(query: tuple[str, ...], limit: int, as_intake: bool,
                       output_format: str, vault_dir: Path) -> None:
    """KB entries, procedures and scripts that may fix a ticket (or match TEXT), best first.

    Ranked by BM25 over a full-text index of the vault (SQLite FTS5, kept in .opsvault/
    and updated file by file) from the ticket's title, description, category, tags,
    device and Log; common requester synonyms count ("wireless" for Wi-Fi, "pw" for
    password). Each hit says which terms matched. Entries the ticket already links are
    left out.

    \b
    Exit codes: 0 done; 1 no such ticket; 2 usage error, or the vault cannot be read.

    \b
    Examples:
      opsvault kb suggest T-20261125-r1cj
      opsvault kb suggest "kiosk tablet cannot join wifi" --format json
    """
    text = " ".join(query)
    # Only the index's knowledge and, for a ticket, its own file are read: not the vault.
    settings_only = open_vault(vault_dir, tickets=())
    candidates = ticket_files_named(settings_only.root, text) if len(query) == 1 else []
    names = {path.rpartition("/")[2].removesuffix(".md") for path in candidates}
    is_ticket = len(query) == 1 and (
        settings_only.settings.ticket_id.pattern.fullmatch(text)
        or re.fullmatch(r"[0-9a-z]{4}", text)
        or any(name == text or name.startswith(f"{text}-") for name in names))
    ticket = find_one_ticket(vault_dir, text, candidates) if is_ticket else None
    index = open_index(settings_only, KNOWLEDGE)
    try:
        found = (for_ticket(index, ticket, limit, with_log=not as_intake) if ticket
                 else suggest(index, text, limit))
    finally:
        index.close()
    if output_format == "json":
        click.echo(json.dumps([{**dataclasses.asdict(s), "reason": s.reason} for s in found],
                              indent=2, ensure_ascii=False))
    elif not found:
        click.echo("No KB entry, procedure or script matches.")
    for number, item in enumerate(found if output_format == "text" else [], start=1):
        click.echo(f"{number}. {item.ident} · {item.title}  ({item.path})")
        if item.reason:
            click.echo(f"   {item.reason}")
