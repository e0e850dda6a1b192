"""`opsvault kb new` and `opsvault sop new`: knowledge from the vault's templates and tickets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from .. import workflow
from ..knowledge import kb_from_ticket, new_kb, new_sop
from ..note_templates import load_template
from . import completion as complete
from .common import usage_error
from .updates import refusals, start, update_options, with_exit_codes


@click.command("new")
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
