"""Front-matter rules for every document kind: required keys, value types, enum values, typos.

The fields and their kinds come from the schema; this module only knows how to validate a kind.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from ..diagnostics import Diagnostic, error, warning
from ..model import SOP, Document, KBEntry, Page, Ticket, in_supported_range
from ..schema import (
    CONFIRMATION_EXCEPTIONS,
    DEVICE_FIELDS,
    KB_FIELDS,
    PAGE_FIELDS,
    PERIOD_PATTERN,
    REQUESTER_FIELDS,
    SOP_FIELDS,
    TICKET_FIELDS,
    FieldSpec,
    Settings,
    is_email_address,
    suggest,
)
from .context import CheckContext

FIELDS_BY_KIND: Mapping[type[Document], Mapping[str, FieldSpec]] = {
    Ticket: TICKET_FIELDS, KBEntry: KB_FIELDS, SOP: SOP_FIELDS, Page: PAGE_FIELDS,
}

REQUIRED: Mapping[type[Document], tuple[str, ...]] = {
    kind: tuple(key for key, spec in fields.items() if spec.required)
    for kind, fields in FIELDS_BY_KIND.items()
}

# Kinds for which any string is valid: skipping their validator keeps large vaults fast.
_ANY_TEXT = frozenset({"text", "handle", "link", "links", "tags", "requester", "device"})

Validator = Callable[[Any, Settings, CheckContext], str | None]


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for document in context.vault.documents():
        fields = FIELDS_BY_KIND[type(document)]
        if isinstance(document, Page):
            yield from _values(document, fields, context)
            continue
        if not document.source.has_front_matter:
            yield error(document.path, 1, "no-front-matter",
                        "no front matter: the file must start with a '---' line, then "
                        "'key: value' lines, then '---'")
            continue
        meta = document.meta
        for key in REQUIRED[type(document)]:
            if _is_blank(meta.get(key)):
                yield error(document.path, document.line_of(key) if key in meta else 1,
                            "missing-field", f"required field '{key}' is missing or empty")
        yield from _values(document, fields, context)
        for key in meta:
            if key in fields:
                continue
            close = difflib.get_close_matches(key, fields, n=1, cutoff=0.8)
            if close:
                yield warning(document.path, document.line_of(key), "unknown-key",
                              f"unknown key '{key}' (did you mean '{close[0]}'?)")


def _values(document: Document, fields: Mapping[str, FieldSpec],
            context: CheckContext) -> Iterator[Diagnostic]:
    settings = context.vault.settings
    for key, value in document.meta.items():
        spec = fields.get(key)
        if spec is None or value is None:
            continue
        if type(value) is str:  # the common case, tested first for speed
            if spec.kind in _ANY_TEXT or not value.strip():
                continue
        elif type(value) is list and not value:
            continue
        problem = VALIDATORS[spec.kind](value, settings, context)
        if problem is not None:
            code = "invalid-value"
            if spec.kind == "datetime" and "offset" in problem:
                code = "datetime-without-offset"
            elif spec.kind == "script-path":
                code = "missing-script"
            elif spec.kind.endswith("-id"):
                code = "invalid-id"
            yield error(document.path, document.line_of(key), code, f"'{key}': {problem}")
        if spec.kind == "requester" and isinstance(value, Mapping):
            yield from _nested(document, key, value, REQUESTER_FIELDS)
            email = value.get("email")
            if email is not None and not is_email_address(str(email)):
                yield error(document.path, document.line_of(f"{key}.email"), "invalid-value",
                            f"'{key}.email': '{email}' is not an email address")
        if spec.kind == "device" and isinstance(value, Mapping):
            yield from _nested(document, key, value, DEVICE_FIELDS)


def _nested(document: Document, key: str, value: Mapping[str, Any],
            known: tuple[str, ...]) -> Iterator[Diagnostic]:
    for sub_key in value:
        if str(sub_key) not in known:
            yield warning(document.path, document.line_of(f"{key}.{sub_key}"), "unknown-key",
                          f"unknown key '{key}.{sub_key}'{suggest(sub_key, known)}; "
                          f"known: {', '.join(known)}")


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()  # type: ignore[attr-defined]
    return kind is list and not value


def _scalar(value: Any) -> bool:
    # Front-matter values are built as plain dicts and lists (yaml_values.build_value).
    return not isinstance(value, dict | list)


def _text(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return None if _scalar(value) else "expected text, got a " + _kind_name(value)


def _kind_name(value: Any) -> str:
    return "list" if isinstance(value, list) else "mapping" if isinstance(value, Mapping) else \
        type(value).__name__


def _enum(value: Any, choices: tuple[str, ...] | Any, what: str) -> str | None:
    if not _scalar(value):
        return f"expected a {what}, got a {_kind_name(value)}"
    if str(value) in choices:
        return None
    return f"'{value}' is not a {what}{suggest(value, choices)}; expected one of: " + \
        ", ".join(choices)


def _status(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return _enum(value, settings.statuses, "status")


def _priority(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if _scalar(value) and settings.normalise_priority(value) is not None:
        return None
    names = [*settings.priorities, *(a for p in settings.priorities.values() for a in p.aliases)]
    expected = ", ".join(f"{p.name} ({p.label})" for p in settings.priorities.values())
    return f"'{value}' is not a priority{suggest(value, names)}; expected one of: {expected}"


def _category(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if _scalar(value) and settings.normalise_category(value) is not None:
        return None
    return _enum(value, tuple(settings.categories), "category")


def _channel(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return _enum(value, settings.channels, "channel")


def _kb_category(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return _enum(value, settings.kb_categories, "KB category")


def _confirmation(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return _enum(value, CONFIRMATION_EXCEPTIONS, "confirmation exception")


def _datetime(value: Any, settings: Settings, context: CheckContext) -> str | None:
    example = "e.g. 2026-11-24T09:30:00+01:00"
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"'{value}' is a date without a time and UTC offset ({example})"
    parsed = value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return f"'{value}' is not an ISO 8601 date-time ({example})"
    if not isinstance(parsed, datetime):
        return f"expected an ISO 8601 date-time ({example}), got {value!r}"
    if parsed.tzinfo is None:
        return f"'{value}' has no UTC offset ({example})"
    if not in_supported_range(parsed):
        return f"'{value}' is out of range (years 1900 to 2999)"
    return None


def _date(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if isinstance(value, date):
        return None
    if isinstance(value, str):
        try:
            date.fromisoformat(value.strip())
            return None
        except ValueError:
            pass
    return f"'{value}' is not a date (YYYY-MM-DD)"


def _id(kind: str) -> Validator:
    def validate(value: Any, settings: Settings, context: CheckContext) -> str | None:
        id_format = {"ticket": settings.ticket_id, "kb": settings.kb_id,
                     "sop": settings.sop_id}[kind]
        if _scalar(value) and id_format.matches(str(value)):
            return None
        return f"'{value}' does not match the {kind} id format {id_format.template}"
    return validate


def _tags(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if isinstance(value, list):
        bad = [item for item in value if not _scalar(item)]
        return f"expected a list of names, found {bad[0]!r}" if bad else None
    return None if _scalar(value) else "expected a list of names, got a mapping"


def _links(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return _tags(value, settings, context)


def _rating(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return None
    return f"'{value}' is not a rating from 1 to 5"


def _count(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return f"'{value}' is not a whole number"


def _script_path(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if not _scalar(value):
        return f"expected a path under scripts/, got a {_kind_name(value)}"
    path = str(value).strip()
    parts = PurePosixPath(path).parts
    if path.startswith("/") or ".." in parts:
        return f"'{path}' points outside the vault; give a path under scripts/"
    if not (context.vault.root / path).is_file():
        return f"script '{path}' does not exist"
    return None


def _requester(value: Any, settings: Settings, context: CheckContext) -> str | None:
    return None if isinstance(value, Mapping | str) else \
        "expected name/email/phone/department keys or a name"


def _period(value: Any, settings: Settings, context: CheckContext) -> str | None:
    if _scalar(value) and PERIOD_PATTERN.match(str(value).strip().lower()):
        return None
    return f"'{value}' is not a period (examples: 90d, 6m, 1y)"


VALIDATORS: Mapping[str, Validator] = {
    "text": _text, "handle": _text, "link": _text, "status": _status, "priority": _priority,
    "category": _category, "channel": _channel, "kb-category": _kb_category,
    "confirmation": _confirmation, "datetime": _datetime, "date": _date,
    "ticket-id": _id("ticket"), "kb-id": _id("kb"), "sop-id": _id("sop"), "tags": _tags,
    "links": _links, "rating": _rating, "count": _count, "script-path": _script_path,
    "requester": _requester, "device": _requester, "period": _period,
}
