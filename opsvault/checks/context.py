"""What every rule receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..links import LinkIndex
from ..model import Vault
from ..schema import Settings

if TYPE_CHECKING:
    from ..history import History


@dataclass(frozen=True)
class CheckContext:
    vault: Vault
    index: LinkIndex
    today: date
    read_history: History | None = None  # read already (before the vault, or for the site)

    @cached_property
    def history(self) -> History:
        """The vault's git history, read (through its cache) only if a rule asks for it.

        History is a later stage than checks; the history rules are the one place checks
        look at it, so it is imported here, when needed, and not at module level.
        """
        if self.read_history is not None:
            return self.read_history
        return check_history(self.vault.root, self.vault.settings)


def check_history(vault_root: Path, settings: Settings) -> History:
    """What the history rules read: every ticket's status pairs, and the events of a ticket
    only when its timeline is asked for. Read before the vault is loaded, a fresh clone's
    first pass has let its events go by the time the files are read (peak memory is the
    larger of the two, not their sum)."""
    from ..history import load_history

    return load_history(vault_root, settings, events_on_demand=True)
