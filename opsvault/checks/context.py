"""What every rule receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..links import LinkIndex
from ..model import Vault


@dataclass(frozen=True)
class CheckContext:
    vault: Vault
    index: LinkIndex
    today: date
