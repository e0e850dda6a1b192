"""Reply templates (vault/templates/replies/*.md): they must render, so a broken one is
found by `check` rather than when a technician tries to answer a requester."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from ..files import read_text
from ..mail.replies import REPLIES_DIR, template_problems
from .context import CheckContext


def check(context: CheckContext) -> Iterator[Diagnostic]:
    folder = context.vault.root / REPLIES_DIR
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rel_path = f"{REPLIES_DIR}/{path.name}"
        text, problems = read_text(context.vault.root, rel_path)
        yield from problems
        if text is None:
            continue
        for line, message in template_problems(text):
            yield error(rel_path, line, "reply-template", message)
