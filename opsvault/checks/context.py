"""What every rule receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from ..links import LinkIndex
from ..model import Vault

if TYPE_CHECKING:
    from ..history import History


@dataclass(frozen=True)
class CheckContext:
    vault: Vault
    index: LinkIndex
    today: date

    @cached_property
    def history(self) -> History:
        """The vault's git history, read (through its cache) only if a rule asks for it.

        History is a later stage than checks; the history rules are the one place checks
        look at it, so it is imported here, when needed, and not at module level.
        """
        from ..history import load_history

        return load_history(self.vault.root, self.vault.settings)
