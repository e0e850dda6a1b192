"""Text held verbatim in Markdown: inline code spans and fenced code blocks.

Nothing inside either is markup for any Markdown engine or for Obsidian (no HTML, links,
`#tags` or `%% comments %%`), so they are how the site shows scripts and how intake writes
machine text. A module of its own, below every stage, so that intake and the pages share it.
"""

from __future__ import annotations

import re


def code_span(text: str) -> str:
    """An inline code span holding `text` verbatim, with enough backticks around it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or not text.strip():
        text = f" {text} "
    return f"{fence}{text}{fence}"


def code_fence(text: str, language: str = "") -> str:
    """A fenced code block holding `text` verbatim; `language` keeps only a safe name."""
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,})", text, re.MULTILINE)),
                  default=0)
    fence = "`" * max(3, longest + 1)
    match = re.match(r"[\w+#.-]+", language.strip())
    info = match.group() if match else ""
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}"
