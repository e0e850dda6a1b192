"""Text as inert Markdown for Python-Markdown, the dialect MkDocs, ProperDocs and Zensical read.

Every character that could start markup in the engine (emphasis, links, raw HTML, attribute
lists, code) is escaped, so text from a note can only ever become text on the site. Characters
that only matter at the start of a line (headings, lists, quotes, fences, admonitions) are
escaped there.
"""

from __future__ import annotations

import re

# Backslash escapes Python-Markdown understands anywhere in text; `<` and `&` become entities
# so that no raw HTML (and so no script) can be formed from text.
_INLINE = re.compile(r"[\\`*_{}\[\]#|<>&]")
_INLINE_REPLACEMENTS = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# At the start of a line: a list item, a heading, a quote, a fence, a setext underline,
# an admonition (`!!!`), a collapsible block (`???`), a blocks extension (`///`), a
# definition or a table row.
_LINE_START = re.compile(r"^(?:[-+=~:!?/]|\d+[.)])")
_ENTITIES = {"-": "&#45;", "+": "&#43;", "=": "&#61;", "~": "&#126;", ":": "&#58;",
             "!": "&#33;", "?": "&#63;", "/": "&#47;"}


def escape_text(text: str, line_start: bool = False) -> str:
    """`text` as Markdown that renders exactly as that text."""
    escaped = _INLINE.sub(lambda m: _INLINE_REPLACEMENTS.get(m.group(), "\\" + m.group()), text)
    if line_start:
        escaped = escaped.lstrip(" \t")
        match = _LINE_START.match(escaped)
        if match:
            first = match.group()
            if first[0].isdigit():
                # `1.` stays readable: escape the dot, which makes it plain text.
                escaped = first[:-1] + "\\" + first[-1] + escaped[len(first):]
            else:
                escaped = _ENTITIES[first] + escaped[1:]
    return escaped


def escape_lines(text: str) -> str:
    """Multi-line text (raw HTML shown as text, say) with every line escaped as a line start."""
    return "  \n".join(escape_text(line, line_start=True) for line in text.splitlines())


def escape_title(text: str) -> str:
    """A title for an admonition or a link title, which the engine quotes with `"`."""
    return " ".join(text.replace('"', "”").split())


# Characters that could end a link title or its link early, or start markup in a table or the
# title attribute: as numeric entities, which Python-Markdown keeps and the browser decodes.
_LINK_TITLE = re.compile(r"[\\\"'()<>\[\]|&`*_{}#!]")


def escape_link_title(text: str) -> str:
    """A link title (`[x](url "title")`): whatever it holds, it stays inside the quotes."""
    return _LINK_TITLE.sub(lambda m: f"&#{ord(m.group())};", " ".join(text.split()))


def escape_url(url: str) -> str:
    """A URL safe inside `(…)` of a Markdown link: no spaces, brackets or quotes."""
    return (url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            .replace("<", "%3C").replace(">", "%3E").replace('"', "%22"))
