"""Validation of a loaded vault. Each module holds one family of rules; each rule is a function
`(vault, index) -> Iterable[Diagnostic]`. `run_checks` runs them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, paused_gc
from ..links import LinkIndex
from ..model import Vault
from . import (
    front_matter,
    history,
    ids,
    kb,
    links,
    replies,
    scripts,
    secrets,
    sops,
    team,
    tickets,
)
from .context import CheckContext

if TYPE_CHECKING:
    from ..history import History

Rule = Callable[[CheckContext], Iterable[Diagnostic]]

RULES: tuple[Rule, ...] = (
    front_matter.check,
    ids.check,
    tickets.check,
    kb.check,
    sops.check,
    scripts.check,
    team.check,
    links.check,
    secrets.check,
    replies.check,
    history.check,
)


def run_checks(vault: Vault, today: date | None = None,
               with_history: bool = True, read_history: History | None = None
               ) -> list[Diagnostic]:
    """Every finding about the vault, sorted by path and line; without `with_history`, the
    rules that read git history (the first run in a fresh clone reads all of it) are left
    out. `read_history`: the vault's history when it was read already (`check_history`'s,
    or any other `load_history` answer for the whole vault)."""
    with paused_gc():
        context = CheckContext(vault, LinkIndex(vault), today or date.today(),
                               read_history)
        found = list(vault.problems)
        for rule in RULES:
            if with_history or rule is not history.check:
                found.extend(rule(context))
    return sorted(set(found), key=lambda d: (d.path, d.line, d.code, d.message))
