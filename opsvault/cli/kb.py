"""`opsvault kb new` and `opsvault sop new`: knowledge from the vault's templates and tickets."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from pathlib import Path

import click

from .. import workflow
from ..knowledge import kb_from_ticket, new_kb, new_sop
from ..note_templates import load_template
from ..search import linked_targets, open_index, query_for_ticket, suggest
from . import completion as complete
from .common import open_vault, vault_option
from .updates import refusals, start, update_options, usage_error, with_exit_codes


@click.group("kb")
def kb_group() -> None:
    """Knowledge-base entries (kb/<Category>/KB-OPS-NNN-….md)."""


@kb_group.command("new")
@click.argument("title", required=False)
@click.option("--category", "-c", help="Access, Hardware, Network, Software or FAQ (or a "
                                        "ticket category such as printing).",
              shell_complete=complete.kb_categories)
@click.option("--from-ticket", "ticket_ref", metavar="ID", shell_complete=complete.ticket_ids,
              help="Draft it from a resolved ticket: symptoms, steps, root cause, script.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--script", help="A script under scripts/ that automates the fix.")
@update_options
@with_exit_codes
def kb_new_command(title: str | None, category: str | None, ticket_ref: str | None,
                   tags: tuple[str, ...], script: str | None, vault_dir: Path,
                   actor_handle: str | None, commit: bool | None, at: datetime | None) -> None:
    """Create a KB entry with the next free id from vault/templates/kb.md.

    With --from-ticket the entry is drafted from a resolved ticket: Symptoms from its
    description, Resolution Steps from its Log, its Root Cause and script; the entry's
    `related` links the ticket and the ticket's `kb` links the entry.

    \b
    Examples:
      opsvault kb new "Label printer prints blank labels" --category Hardware
      opsvault kb new --from-ticket T-20261022-g6vd --commit
    """
    session = start(vault_dir, actor_handle, commit, at)
    vault = session.vault
    template = load_template(vault.root, "kb")
    with refusals():
        if ticket_ref:
            ticket = workflow.find_ticket(vault, ticket_ref)
            document, change = kb_from_ticket(vault, template, ticket, session.actor.handle,
                                              session.now, title, category)
            session.save_change(ticket, change, [(document.path, document.text)])
            click.echo(f"{document.id}: drafted from {ticket.id} ({document.path})")
            return
        if not title or not category:
            usage_error("give TITLE and --category (or --from-ticket ID)")
        document = new_kb(vault, template, title=title, category=category, when=session.now,
                          tags=tags, script=script)
        session.save_new(document, message=f"{document.id}: {document.summary}\n")


@click.group("sop")
def sop_group() -> None:
    """Standard operating procedures (sops/SOP-NNN-….md)."""


@sop_group.command("new")
@click.argument("title")
@click.option("--owner", help="The technician who keeps it up to date (a team handle; "
                              "default: who is acting, --as).", shell_complete=complete.handles)
@update_options
@with_exit_codes
def sop_new_command(title: str, owner: str | None, vault_dir: Path, actor_handle: str | None,
                    commit: bool | None, at: datetime | None) -> None:
    """Create an SOP with the next free id from vault/templates/sop.md.

    \b
    Example:
      opsvault sop new "Printer Toner Swap" --owner bob
    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        document = new_sop(session.vault, load_template(session.vault.root, "sop"),
                           title=title, when=session.now,
                           owner=owner or session.actor.handle)
        session.save_new(document, message=f"{document.id}: {document.summary}\n")


@kb_group.command("suggest")
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
    vault = open_vault(vault_dir)
    text = " ".join(query)
    exclude: frozenset[str] = frozenset()
    if len(query) == 1 and (vault.ticket(text) is not None
                            or vault.settings.ticket_id.pattern.fullmatch(text)
                            or re.fullmatch(r"[0-9a-z]{4}", text)):
        try:
            ticket = workflow.find_ticket(vault, text)
        except workflow.WorkflowError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(1) from None
        linked = linked_targets(ticket)
        exclude = frozenset(d.path for d in [*vault.kb, *vault.sops]
                            if d.id in linked or d.name in linked) | frozenset(
            s.path for s in vault.scripts if s.path in linked)
        text = query_for_ticket(ticket, with_log=not as_intake)
    index = open_index(vault)
    try:
        found = suggest(index, text, limit, exclude)
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
