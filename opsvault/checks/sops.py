"""SOP rules: an ordered list of steps."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from .context import CheckContext

ORDERED_ITEM = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+\S", re.MULTILINE)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for sop in context.vault.sops:
        if sop.source.has_front_matter and not ORDERED_ITEM.search(sop.body):
            steps = sop.sections().get("Steps")
            yield error(sop.path, steps[0] if steps else sop.source.body_line, "sop-no-steps",
                        "SOP has no ordered list of steps ('1. …')")
