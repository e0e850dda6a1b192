"""New KB entries and SOPs from the vault's templates, and KB entries drafted from tickets.

SPEC §3: `kb new --from-ticket T-…` drafts an entry from a resolved ticket — symptoms from its
description, steps from its Log, its root cause and script — and links both ways (the entry's
`related` names the ticket, the ticket's `kb` names the entry).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from . import edit
from .model import KB_DIR, LOG_HEADING, SOPS_DIR, Ticket, Vault, as_text
from .note_templates import fill_template, slug
from .schema import LOG_AUTHORS, Settings, suggest
from .workflow import Change, NewDocument, WorkflowError, existing_ids, log_line

# Log lines the workflow commands write about the workflow itself, not about the fix.
_BOOKKEEPING = re.compile(r"^(?:Status \S+ → |Assigned to |Closed\b|User confirmed|"
                          r"Confirmation not required|User unreachable|Opened from |Resolved: |"
                          r"Fix applied; )")
_TOP_HEADING = re.compile(r"^(#{1,2})(?=[ \t])", re.MULTILINE)


def kb_category(settings: Settings, value: str) -> str:
    """A KB category (`Network`) from itself in any case, or from a ticket category."""
    for name in settings.kb_categories:
        if name.lower() == value.strip().lower():
            return name
    ticket_category = settings.normalise_category(value)
    if ticket_category is not None:
        folder = settings.categories[ticket_category].kb_folder
        if folder in settings.kb_categories:
            return folder
    raise WorkflowError(f"'{value}' is not a KB category{suggest(value, settings.kb_categories)}; "
                        f"use one of: {', '.join(settings.kb_categories)}")


def new_kb(vault: Vault, template: str, *, title: str, category: str, when: datetime,
           tags: Sequence[str] = (), script: str | None = None, related: Sequence[str] = (),
           sections: dict[str, str] | None = None) -> NewDocument:
    """A KB entry in kb/<Category>/ with the next free KB id, from the KB template."""
    settings = vault.settings
    if not title.strip():
        raise WorkflowError("a KB entry needs a title")
    folder = kb_category(settings, category)
    if script and not (vault.root / script).is_file():
        raise WorkflowError(f"script '{script}' does not exist in the vault")
    local = when.astimezone(settings.time_zone)
    kb_id = settings.kb_id.make(local, existing_ids(vault))
    text = fill_template(template, title, local)
    values = {"id": kb_id, "title": " ".join(title.split()), "category": folder,
              "last_updated": local.date(), "tags": list(tags) or None, "script": script,
              "related": list(related) or None}
    text = edit.edit_fields(text, {k: v for k, v in values.items() if v is not None})
    for heading, content in (sections or {}).items():
        text = edit.set_section(text, heading, content)
    name = slug(title)
    path = f"{KB_DIR}/{folder}/{kb_id}-{name}.md" if name else f"{KB_DIR}/{folder}/{kb_id}.md"
    return NewDocument(kb_id, path, text, f"new KB entry: {values['title']}")


def new_sop(vault: Vault, template: str, *, title: str, when: datetime,
            owner: str | None = None) -> NewDocument:
    """An SOP in sops/ with the next free SOP id, from the SOP template."""
    settings = vault.settings
    if not title.strip():
        raise WorkflowError("an SOP needs a title")
    if not owner or not owner.strip():
        raise WorkflowError("an SOP needs an owner: --owner HANDLE (the technician who keeps "
                            "it up to date)")
    if vault.team.present and vault.team.get(owner) is None:
        raise WorkflowError(f"owner '{owner}' is not in vault/team.yml"
                            f"{suggest(owner, vault.team.handles)}")
    local = when.astimezone(settings.time_zone)
    sop_id = settings.sop_id.make(local, existing_ids(vault))
    text = fill_template(template, title, local)
    values = {"id": sop_id, "title": " ".join(title.split())}
    if owner:
        values["owner"] = owner
    text = edit.edit_fields(text, values)
    name = slug(title)
    path = f"{SOPS_DIR}/{sop_id}-{name}.md" if name else f"{SOPS_DIR}/{sop_id}.md"
    return NewDocument(sop_id, path, text, f"new SOP: {values['title']}")


# --- KB entries from tickets ----------------------------------------------------------------

def description_of(ticket: Ticket) -> str:
    """The ticket's body before `## Log`, with top-level headings made sub-headings."""
    body = ticket.body
    heading = LOG_HEADING.search(body)
    text = (body[:heading.start()] if heading else body).replace("\r\n", "\n").strip()
    return _TOP_HEADING.sub("###", text)


def resolution_steps(ticket: Ticket, team_handles: Sequence[str]) -> list[str]:
    """What technicians did, from the Log, then the resolution as the last step."""
    steps = [entry.text for entry in ticket.log
             if entry.author not in LOG_AUTHORS
             and (not team_handles or entry.author in team_handles)
             and not _BOOKKEEPING.match(entry.text)]
    resolution = as_text(ticket.meta.get("resolution"))
    if resolution and resolution not in steps:
        steps.append(resolution)
    return steps


def kb_from_ticket(vault: Vault, template: str, ticket: Ticket, actor: str, when: datetime,
                   title: str | None = None, category: str | None = None
                   ) -> tuple[NewDocument, Change]:
    """A KB entry drafted from a resolved ticket, and the ticket's link back to it."""
    settings = vault.settings
    if ticket.status not in settings.done_statuses:
        raise WorkflowError(f"{ticket.id} is '{ticket.status}'; write KB entries from "
                            f"{' or '.join(settings.done_statuses)} tickets")
    if as_text(ticket.meta.get("kb")):
        raise WorkflowError(f"{ticket.id} already has a KB entry: {ticket.meta['kb']}")
    resolution = as_text(ticket.meta.get("resolution"))
    if resolution is None:
        raise WorkflowError(f"{ticket.id} has no resolution to write up")
    ticket_category = ticket.category
    owner = settings.categories[ticket_category].owner if ticket_category else ""
    escalated_to = as_text(ticket.meta.get("escalated_to"))
    script = as_text(ticket.meta.get("automation"))
    steps = resolution_steps(ticket, vault.team.handles)
    most_urgent = next(iter(settings.priorities.values()))
    escalation = f"Escalate to {escalated_to}, as [[{ticket.id}]] was." if escalated_to else \
        f"{owner or 'IT support'}; when it is a {most_urgent.name}: {most_urgent.escalate_to}."
    sections = {
        "Symptoms": description_of(ticket) or ticket.title,
        "Resolution Steps": "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)),
        "Root Cause": as_text(ticket.meta.get("root_cause")) or "unknown",
        "Escalation Path": escalation,
        "Script Reference": f"[[{script}]]" if script else "None yet.",
        "Prevention": f"Draft from [[{ticket.id}]]: add how to stop this from happening again.",
    }
    document = new_kb(vault, template, title=title or ticket.title,
                      category=category or ticket_category or settings.kb_categories[-1],
                      when=when, tags=ticket.tags, script=script,
                      related=[f"[[{ticket.id}]]"], sections=sections)
    change = Change(ticket.id or ticket.name, ticket.path, f"KB entry {document.id} written",
                    {"kb": f"[[{document.id}]]"},
                    log_line(settings, when, actor, f"Wrote [[{document.id}]] from this ticket."))
    return document, change
