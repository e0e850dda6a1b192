"""The vault's note templates (vault/templates/*.md) filled the way Obsidian's Templates plugin
fills them: `{{title}}`, `{{date}}`, `{{time}}`, `{{date:YYYY-MM-DD}}`, `{{time:HH:mm}}`.

Front-matter values are set afterwards with `edit.set_field`, which quotes them correctly, so
`{{title}}` is filled into the body only; in the front matter it becomes empty.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .model import TEMPLATES_DIR, find_log_heading

_PLACEHOLDER = re.compile(r"\{\{\s*(title|date|time)(?::([^}]*))?\s*\}\}")
_MOMENT_TOKEN = re.compile(r"YYYY|YY|MM|M|DD|D|HH|H|mm|ss|ZZ|Z")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*\r?$",
                           re.DOTALL | re.MULTILINE)
_DEFAULT_FORMATS = {"date": "YYYY-MM-DD", "time": "HH:mm"}


def load_template(root: Path, name: str) -> str:
    """`vault/templates/<name>.md` of the vault, or the packaged default when it has none."""
    path = root / TEMPLATES_DIR / f"{name}.md"
    if path.is_file():
        return path.read_text(encoding="utf-8-sig")
    packaged = files("opsvault") / "scaffold" / "vault" / "templates" / f"{name}.md"
    return packaged.read_text(encoding="utf-8")


def moment_format(when: datetime, pattern: str) -> str:
    """Format `when` with a moment.js pattern (the tokens Obsidian templates use)."""
    offset = when.strftime("%z") or "+0000"

    def token(match: re.Match[str]) -> str:
        return {
            "YYYY": f"{when.year:04d}", "YY": f"{when.year % 100:02d}",
            "MM": f"{when.month:02d}", "M": str(when.month),
            "DD": f"{when.day:02d}", "D": str(when.day),
            "HH": f"{when.hour:02d}", "H": str(when.hour),
            "mm": f"{when.minute:02d}", "ss": f"{when.second:02d}",
            "ZZ": offset, "Z": f"{offset[:3]}:{offset[3:]}",
        }[match.group()]

    return _MOMENT_TOKEN.sub(token, pattern)


def fill_template(template: str, title: str, when: datetime) -> str:
    """The template with its placeholders filled; `{{title}}` only outside the front matter."""
    front = _FRONT_MATTER.match(template)
    split = front.end() if front else 0

    def fill(text: str, title_text: str) -> str:
        def placeholder(match: re.Match[str]) -> str:
            kind, pattern = match.group(1), match.group(2)
            if kind == "title":
                return title_text
            return moment_format(when, pattern or _DEFAULT_FORMATS[kind])
        return _PLACEHOLDER.sub(placeholder, text)

    return fill(template[:split], "") + fill(template[split:], title)


def slug(title: str, max_length: int = 40) -> str:
    """`VPN drops every 10 minutes!` → `vpn-drops-every-10-minutes`, for file names."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > max_length:
            break
        result = candidate
    return result or (words[0][:max_length] if words else "")


def _prose(text: str) -> str:
    """The text's words without headings, placeholders or spacing, for comparing bodies."""
    lines = [line for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return " ".join(_PLACEHOLDER.sub("", " ".join(lines)).split())


@lru_cache(maxsize=8)  # `check` asks about the one ticket template once per ticket
def template_placeholder(template: str) -> str:
    """The prose a template's body holds before `## Log` ("Describe the problem…"): a ticket
    whose description is still this has none. Empty when the template has no such text."""
    found = _FRONT_MATTER.match(template)
    body = template[found.end():] if found else template
    heading = find_log_heading(body)
    return _prose(body[:heading.start()] if heading else body)


def is_placeholder(description: str, template: str) -> bool:
    placeholder = template_placeholder(template)
    return bool(placeholder) and _prose(description) == placeholder
