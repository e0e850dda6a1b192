"""SOP rules: an ordered list of steps, and an owner from the team."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from ..model import as_text
from ..schema import suggest
from .context import CheckContext

ORDERED_ITEM = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+\S", re.MULTILINE)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    team = context.vault.team
    for sop in context.vault.sops:
        if not sop.source.has_front_matter:
            continue
        if not ORDERED_ITEM.search(sop.body):
            steps = sop.sections().get("Steps")
            yield error(sop.path, steps[0] if steps else sop.source.body_line, "sop-no-steps",
                        "SOP has no ordered list of steps ('1. …')")
        owner = as_text(sop.meta.get("owner"))
        if not owner:
            yield error(sop.path, sop.line_of("owner") if "owner" in sop.meta else 1,
                        "sop-no-owner", "SOP has no owner: name the technician who keeps it "
                        "up to date (owner: HANDLE)")
        elif team.present and team.get(owner) is None:
            yield error(sop.path, sop.line_of("owner"), "unknown-owner",
                        f"owner '{owner}' is not in vault/team.yml{suggest(owner, team.handles)}")
