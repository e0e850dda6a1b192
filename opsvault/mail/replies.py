"""Replies to the requester from `vault/templates/replies/*.md`: Markdown with Jinja2
placeholders (`{{ ticket.title }}`, `{{ requester.name }}`, `{{ technician.name }}`,
`{{ message }}`, `{{ signature }}`, `{{ rating_links }}`) and a `subject:` in front matter.

Values from the ticket are outside text (a subject an email gave) and are written as literal
Markdown; the technician's `message` is their own Markdown. Templates render in Jinja2's
sandbox, so a template cannot reach into Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..model import TEMPLATES_DIR, Ticket, as_text
from .compose import markdown_literal

REPLIES_DIR = f"{TEMPLATES_DIR}/replies"
SHIPPED = ("acknowledge", "need-information", "workaround", "resolved-please-confirm",
           "closed-with-survey")
RATINGS = {5: "excellent", 4: "good", 3: "okay", 2: "poor", 1: "bad"}


class ReplyError(Exception):
    """The reply template is missing or cannot be rendered; the text says where and why."""


@dataclass(frozen=True)
class Reply:
    subject: str
    markdown: str


def reply_names(root: Path) -> list[str]:
    """The templates the vault has (its own and the shipped ones)."""
    own = [p.stem for p in sorted((root / REPLIES_DIR).glob("*.md"))]
    return list(dict.fromkeys([*own, *SHIPPED]))


def load_reply(root: Path, name: str) -> tuple[str, str]:
    """(text, where) of `vault/templates/replies/<name>.md`, or of the shipped one."""
    path = root / REPLIES_DIR / f"{name}.md"
    if path.is_file():
        return path.read_text(encoding="utf-8-sig"), f"{REPLIES_DIR}/{name}.md"
    if name in SHIPPED:
        shipped = files("opsvault") / "scaffold" / "vault" / "templates" / "replies"
        return shipped.joinpath(f"{name}.md").read_text(encoding="utf-8"), f"(shipped) {name}"
    raise ReplyError(f"no reply template '{name}' in {REPLIES_DIR}/ (choose from "
                     f"{', '.join(reply_names(root))})")


def _literal(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return markdown_literal(value)


_ENVIRONMENT = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                    finalize=_literal, keep_trailing_newline=True)
_SUBJECTS = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def rating_links(helpdesk: str, ticket_id: str) -> Markup:
    """Five `mailto:` links whose subject `intake email` reads as a rating of the ticket."""
    address = parseaddr(helpdesk)[1]
    links = [f"- [{score} — {word}](mailto:{quote(address, safe='@')}?subject="
             f"{quote(f'[{ticket_id}] rating {score}')})" for score, word in RATINGS.items()]
    return Markup("\n".join(links))


def render_reply(template: str, where: str, ticket: Ticket, technician: str, message: str,
                 helpdesk: str) -> Reply:
    """The reply's subject and Markdown body; ReplyError names the template line."""
    front, body = _split(template)
    body_offset = template[:len(template) - len(body)].count("\n")  # front-matter lines
    requester = ticket.meta.get("requester")
    context = {
        "ticket": {"id": ticket.id or "", "title": ticket.title,
                   "status": ticket.status or "", "priority": ticket.priority or "",
                   "resolution": as_text(ticket.meta.get("resolution")) or ""},
        "requester": {"name": as_text(requester.get("name")) if isinstance(requester, dict)
                      else as_text(requester)},
        "technician": {"name": technician},
        "message": Markup(message.strip()),
        "signature": Markup(markdown_literal(technician) + "  \n"
                            + markdown_literal(parseaddr(helpdesk)[0] or "The help desk")),
        "rating_links": rating_links(helpdesk, ticket.id or ""),
    }
    try:
        text = _ENVIRONMENT.from_string(body).render(context)
        subject = _SUBJECTS.from_string(str(front.get("subject") or ticket.title)).render(
            {**context, "message": message})
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        shown = f":{line + body_offset}" if line else ""
        raise ReplyError(f"{where}{shown}: {exc}") from None
    # Placeholders left empty leave blank runs behind.
    lines = [line.rstrip() for line in text.splitlines()]
    cleaned = "\n".join(lines)
    while "\n\n\n" in cleaned:
        cleaned = cleaned.replace("\n\n\n", "\n\n")
    return Reply(" ".join(subject.split()), cleaned.strip() + "\n")


PLACEHOLDERS = frozenset({"ticket", "requester", "technician", "message", "signature",
                          "rating_links"})


def template_problems(template: str) -> list[tuple[int, str]]:
    """(line, message) for what would stop a reply template from rendering: Jinja2 syntax,
    and placeholders that are not among PLACEHOLDERS."""
    front, body = _split(template)
    offset = template[:len(template) - len(body)].count("\n")
    problems: list[tuple[int, str]] = []
    for text, first_line in ((str(front.get("subject") or ""), 2), (body, offset + 1)):
        try:
            tree = _ENVIRONMENT.parse(text)
        except TemplateError as exc:
            problems.append((first_line - 1 + (getattr(exc, "lineno", 1) or 1),
                             f"template syntax: {exc}"))
            continue
        for name in sorted(meta.find_undeclared_variables(tree) - PLACEHOLDERS):
            found = re.search(r"\{[{%][^}]*\b" + re.escape(name) + r"\b", text)
            line = text[:found.start()].count("\n") if found else 0
            known = ", ".join(sorted(PLACEHOLDERS))
            problems.append((first_line + line, f"unknown placeholder '{name}' (use {known})"))
    return problems


def _split(template: str) -> tuple[dict[str, Any], str]:
    if not template.startswith("---"):
        return {}, template
    _, _, rest = template.partition("\n")
    head, marker, body = rest.partition("\n---")
    if not marker:
        return {}, template
    try:
        data = yaml.safe_load(head) or {}
    except yaml.YAMLError:
        data = {}
    return (data if isinstance(data, dict) else {}), body.partition("\n")[2]
