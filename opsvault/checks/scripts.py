"""Script rules: a header comment giving purpose, usage and the related KB ids."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from .context import CheckContext

HEADER_FIELDS = ("Purpose", "Usage")


def check(context: CheckContext) -> Iterator[Diagnostic]:
    kb_format = context.vault.settings.kb_id
    for script in context.vault.scripts:
        if script.path.lower().endswith((".md", ".txt", ".json", ".csv")):
            continue  # notes and data beside the scripts, not scripts
        missing = [label for label in HEADER_FIELDS if script.header_field(label) is None]
        if missing:
            yield error(script.path, 1, "script-header",
                        f"header comment lacks {' and '.join(f'{m}:' for m in missing)} "
                        "(give purpose, usage and related KB ids at the top)")
        related = script.header_field("KB")
        if related is None:
            continue
        line, value = related
        for kb_id in re.split(r"[\s,;]+", value.replace("[[", "").replace("]]", "")):
            if not kb_id:
                continue
            if not kb_format.matches(kb_id):
                yield error(script.path, line, "invalid-id",
                            f"'{kb_id}' in the KB: line is not a KB id ({kb_format.template})")
            elif context.index.resolve(kb_id).path is None:
                yield error(script.path, line, "unresolved-link",
                            f"KB entry '{kb_id}' named in the header does not exist")
