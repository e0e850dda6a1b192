"""Intake: tickets opened (or updated) from messages: email (`intake.email`) and Prometheus
Alertmanager webhooks (`intake.alerts`). Shared here: guessing category and priority from the
keywords in the vault settings, and making outside text safe to put into a ticket."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..schema import Settings


class IntakeError(Exception):
    """The message cannot be taken in: malformed, or required fields are missing."""


@dataclass(frozen=True)
class Guess:
    """Category and priority for an incoming message, and how each was found."""

    category: str
    priority: str
    category_reason: str  # "keywords vpn, wifi" or "default"
    priority_reason: str

    def describe(self) -> str:
        return (f"category {self.category} ({self.category_reason}), priority {self.priority} "
                f"({self.priority_reason})")


def keyword_hits(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords that occur in `text` as whole words or phrases, case-insensitively."""
    lowered = text.lower()
    return [keyword for keyword in keywords
            if re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", lowered)]


def guess_category(settings: Settings, subject: str, body: str) -> tuple[str, str]:
    """The category whose keywords occur most (subject words count double), else the default."""
    best, best_score, best_hits = settings.intake_default_category, 0, []
    for category in settings.categories.values():
        subject_hits = keyword_hits(subject, category.keywords)
        body_hits = keyword_hits(body, category.keywords)
        score = 2 * len(subject_hits) + len(body_hits)
        if score > best_score:
            best, best_score = category.name, score
            best_hits = list(dict.fromkeys(subject_hits + body_hits))
    return (best, f"keywords {', '.join(best_hits)}") if best_hits else (best, "default")


def guess_priority(settings: Settings, subject: str, body: str) -> tuple[str, str]:
    """The most urgent priority with a keyword in the message, else the default."""
    for priority in settings.priorities.values():
        hits = keyword_hits(f"{subject}\n{body}", priority.keywords)
        if hits:
            return priority.name, f"keywords {', '.join(hits)}"
    return settings.intake_default_priority, "default"


def guess(settings: Settings, subject: str, body: str) -> Guess:
    category, category_reason = guess_category(settings, subject, body)
    priority, priority_reason = guess_priority(settings, subject, body)
    return Guess(category, priority, category_reason, priority_reason)


_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\r": "\n"})


def markdown_safe(text: str) -> str:
    """Outside text made inert in a Markdown note: no HTML tags, no wikilinks, no controls.

    Unicode line breaks become newlines (editors and YAML count them as lines), other spaces
    such as no-break space become plain spaces, and other invisible characters go."""
    text = "".join(c if c.isprintable() or c in "\n\t" else " " if c.isspace() else ""
                   for c in text.translate(_LINE_BREAKS))
    # An escaped "<" can start no tag; Markdown shows "&lt;" as "<".
    return text.replace("<", "&lt;").replace("[[", "\\[\\[")


def title_safe(text: str, limit: int = 120) -> str:
    """A one-line title from outside text; angle brackets become ‹ › so no tag survives."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return one_line(text.replace("<", "‹").replace(">", "›").replace("[[", "[ ["), limit)


def one_line(text: str, limit: int = 300) -> str:
    """Text squeezed onto one line of at most `limit` characters."""
    squeezed = " ".join(text.split())
    return squeezed if len(squeezed) <= limit else squeezed[:limit - 1] + "…"
