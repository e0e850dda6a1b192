"""Shell completion: ticket ids, statuses, priorities, categories and handles from the vault.

Click drives completion (`_OPSVAULT_COMPLETE=bash_source opsvault`); these functions give it
the vault's own values. A completion never prints an error: without a readable vault it
simply offers nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from ..diagnostics import VaultError
from ..model import Vault, load_vault
from .common import find_vault_root

SHELLS = ("bash", "zsh", "fish")


def _vault(ctx: click.Context) -> Vault | None:
    given = ctx.params.get("vault_dir")
    root = find_vault_root(Path(given) if given else Path.cwd())
    if root is None:
        return None
    try:
        return load_vault(root)
    except (VaultError, OSError):
        return None


def _items(values: Iterable[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    lowered = incomplete.lower()
    return [CompletionItem(value, help=help_text) for value, help_text in values
            if value.lower().startswith(lowered)]


def ticket_ids(ctx: click.Context, param: click.Parameter, incomplete: str
               ) -> list[CompletionItem]:
    """Open tickets first; `q7` also completes `T-20261118-q7mz` (ids end in random letters,
    which people remember)."""
    vault = _vault(ctx)
    if vault is None:
        return []
    tickets = sorted((t for t in vault.tickets if t.id), key=lambda t: (not t.is_active, t.id))
    lowered = incomplete.lower()
    return [CompletionItem(t.id, help=f"{t.status or '?'} · {t.title}") for t in tickets
            if t.id and (t.id.lower().startswith(lowered)
                         or t.id.rsplit("-", 1)[-1].startswith(lowered))]


def _from_vault(values: Callable[[Vault], Iterable[tuple[str, str]]]
                ) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str
                 ) -> list[CompletionItem]:
        vault = _vault(ctx)
        return [] if vault is None else _items(values(vault), incomplete)
    return complete


statuses = _from_vault(lambda vault: ((s, "") for s in vault.settings.statuses))
priorities = _from_vault(lambda vault: ((p.name, p.label)
                                        for p in vault.settings.priorities.values()))
categories = _from_vault(lambda vault: ((c.name, c.title)
                                        for c in vault.settings.categories.values()))
handles = _from_vault(lambda vault: ((t.handle, t.name) for t in vault.team.technicians
                                     if t.active))
kb_categories = _from_vault(lambda vault: ((c, "") for c in vault.settings.kb_categories))


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the shell code that completes opsvault's commands, ticket ids, statuses,
    priorities, categories and handles.

    \b
    Examples:
      eval "$(opsvault completion bash)"        # in ~/.bashrc
      eval "$(opsvault completion zsh)"         # in ~/.zshrc
      opsvault completion fish > ~/.config/fish/completions/opsvault.fish
    """
    from click.shell_completion import get_completion_class

    from . import main

    completion = get_completion_class(shell)
    assert completion is not None  # every name in SHELLS is one click knows
    click.echo(completion(main, {}, "opsvault", "_OPSVAULT_COMPLETE").source())
