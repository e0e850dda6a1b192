"""Nesting written Markdown inside containers (list items, admonitions, quotes)."""

from __future__ import annotations

INDENT = "    "  # Python-Markdown nests blocks by four spaces, whatever the list marker


def indent(text: str, prefix: str = INDENT) -> str:
    return "\n".join(prefix + line if line else "" for line in text.split("\n"))


def quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n")) if text else ""
