"""The ticket workflow: what each command changes in a ticket, decided from the schema's rules.

Each step (`assign`, `change_status`, `escalate`, `resolve`, `confirm`, `close`, `reopen`,
`add_log`) takes a ticket and returns a `Change`: the front-matter keys to set or remove, one Log
line and a summary for the commit message. Nothing is written until `apply_change`, which edits
the file byte for byte (see `edit`) and refuses when the file changed meanwhile. Statuses,
transitions, done statuses, the reopen status and the closing rules all come from `Settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import edit
from .files import conflict_line, parse_source
from .model import TICKETS_DIR, Ticket, Vault, as_strings, as_text
from .note_templates import fill_template, is_placeholder, slug
from .schema import (
    CONFIRMATION_EXCEPTIONS,
    FOLLOW_UP_DONE,
    Settings,
    closing_gaps,
    resolving_gaps,
    suggest,
)

# Statuses the rules name; the check module names them the same way.
ESCALATED = "escalated"
AWAITING_CONFIRMATION = "awaiting-confirmation"
# Keys a reopen removes: the closure of the previous attempt no longer holds.
REOPEN_REMOVES = ("resolved", "closed", "user_confirmed", "confirmation")
# How to supply what the closing rules miss (keys as `closing_gaps` names them).
_CLOSING_HINTS = {
    "resolution": "--resolution TEXT",
    "root_cause": "--root-cause TEXT (or 'unknown')",
    "user_confirmed": "`opsvault ticket confirm ID` first (or --confirmation "
                      + "|".join(CONFIRMATION_EXCEPTIONS) + ")",
}


class WorkflowError(Exception):
    """A step the rules refuse (illegal transition, missing closing fields, unknown ticket)."""


class UnknownName(WorkflowError):
    """The command line names a status, priority, category, handle or confirmation exception
    the vault's settings do not define: a usage error (exit 2), not a refusal."""


@dataclass(frozen=True)
class Change:
    """What one command does to one ticket. A field set to None is removed."""

    ticket_id: str
    path: str
    summary: str  # "status open → in-progress"; the commit message is "<id>: <summary>"
    fields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    log_line: str | None = None

    def apply(self, text: str) -> str:
        text = edit.edit_fields(text, self.fields)
        return edit.append_log(text, self.log_line) if self.log_line else text


@dataclass(frozen=True)
class NewDocument:
    """A file a command creates (ticket, KB entry, SOP)."""

    id: str
    path: str  # relative to the vault root
    text: str
    summary: str


# --- times and Log lines --------------------------------------------------------------------

def timestamp(settings: Settings, when: datetime) -> datetime:
    """`when` in the vault's time zone, to the second, as written into front matter."""
    return when.astimezone(settings.time_zone).replace(microsecond=0)


def log_line(settings: Settings, when: datetime, author: str, text: str) -> str:
    """`- 2026-11-24 10:32 · alice · Reset MFA token` (vault time zone, one line)."""
    local = when.astimezone(settings.time_zone)
    one_line = " ".join(text.split())
    return f"- {local:%Y-%m-%d %H:%M} · {author} · {one_line}"


# --- finding tickets ------------------------------------------------------------------------

def find_ticket(vault: Vault, reference: str) -> Ticket:
    """A ticket by id, file path or file name, or by a unique end of its id (`q7mz`)."""
    wanted = reference.strip().removesuffix(".md")
    by_id = [t for t in vault.tickets if t.id == wanted]
    if not by_id:
        by_id = [t for t in vault.tickets
                 if wanted in (t.name, t.path.removesuffix(".md"))
                 or (Path(wanted).name == t.name and "/" in wanted)]
    if not by_id and len(wanted) >= 2:
        by_id = [t for t in vault.tickets if t.id and t.id.endswith(wanted)]
        if len(by_id) == 1 and len(wanted) < 3:
            by_id = []  # two characters are too few to name one ticket, but can name several
    if len(by_id) == 1:
        return by_id[0]
    if len(by_id) > 1:
        raise WorkflowError(f"'{reference}' matches several tickets: "
                            + ", ".join(sorted(t.id or t.path for t in by_id)))
    unreadable = [p for p in vault.problems if p.severity == "error"
                  and p.path.startswith(f"{TICKETS_DIR}/") and wanted in Path(p.path).name]
    if unreadable:
        problem = unreadable[0]
        raise WorkflowError(f"{problem.path}:{problem.line}: {problem.message}; the ticket "
                            "cannot be read until that is fixed")
    ids = [t.id for t in vault.tickets if t.id]
    raise WorkflowError(f"no ticket '{reference}' in the vault{suggest(wanted, ids)}")


# --- steps ----------------------------------------------------------------------------------

def _status_of(ticket: Ticket) -> str:
    if ticket.status is None:
        raise WorkflowError(f"{ticket.id} has no valid status ({ticket.meta.get('status')!r}); "
                            "fix it by hand, then run `opsvault check`")
    return ticket.status


def _not_before_opened(ticket: Ticket, when: datetime) -> None:
    opened = ticket.opened
    if opened is not None and when.replace(second=0, microsecond=0) < \
            opened.replace(second=0, microsecond=0):
        raise WorkflowError(f"{when.isoformat()} is before {ticket.id} was opened "
                            f"({opened.isoformat()})")


def _transition(settings: Settings, ticket: Ticket, target: str, when: datetime,
                fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields for moving `ticket` to `target` after `fields` are set, or WorkflowError."""
    current = _status_of(ticket)
    if target not in settings.transitions:
        raise UnknownName(f"'{target}' is not a status{suggest(target, settings.statuses)}; "
                            f"statuses: {', '.join(settings.statuses)}")
    allowed = settings.allowed_next(current)
    if target == current:
        raise WorkflowError(f"{ticket.id} is already '{current}'; allowed next: "
                            f"{', '.join(allowed) or 'none'}")
    if target not in allowed:
        raise WorkflowError(f"{ticket.id} cannot go from '{current}' to '{target}'; allowed "
                            f"next: {', '.join(allowed) or 'none'}")
    _not_before_opened(ticket, when)
    after = {**ticket.meta, **fields}
    if target == ESCALATED and not as_text(after.get("escalated_to")):
        raise WorkflowError(f"{ticket.id} needs someone to escalate to: use `opsvault ticket "
                            f"escalate {ticket.id} --to WHO --reason WHY`")
    if target in (settings.resolved_status, AWAITING_CONFIRMATION) and resolving_gaps(after):
        flag = " --awaiting-confirmation" if target == AWAITING_CONFIRMATION else ""
        raise WorkflowError(f"{ticket.id} cannot be '{target}' without a resolution (what "
                            f"fixed it): use `opsvault ticket resolve {ticket.id} --resolution "
                            f"TEXT{flag}`")
    if target == settings.closed_status:
        missing = closing_gaps(after)
        if missing:
            hints = [hint for key, hint in _CLOSING_HINTS.items()
                     if any(gap.startswith(key) for gap in missing)]
            raise WorkflowError(f"{ticket.id} cannot be closed yet; it needs: "
                                f"{'; '.join(missing)}. Give {', '.join(hints)}".replace(
                                    "ID", ticket.id or "ID"))
    result: dict[str, Any] = {**fields, "status": target}
    stamp = timestamp(settings, when)
    if settings.is_reopen(current, target):
        result.update(dict.fromkeys(REOPEN_REMOVES))
    if target == settings.resolved_status:
        result["resolved"] = stamp
    if target == settings.closed_status:
        result["closed"] = stamp
        if not after.get("resolved"):
            result["resolved"] = stamp
    return result


def change_status(settings: Settings, ticket: Ticket, target: str, actor: str, when: datetime,
                  note: str | None = None) -> Change:
    """Move to any allowed next status; a move back from a done status is a reopen."""
    current = _status_of(ticket)
    if settings.is_reopen(current, target):
        if not note:
            raise WorkflowError(f"reopening {ticket.id} needs a reason: --note WHY "
                                "(or `opsvault ticket reopen ID --reason WHY`)")
        return reopen(settings, ticket, note, actor, when)
    fields = _transition(settings, ticket, target, when, {})
    text = f"Status {current} → {target}" + (f": {note}" if note else ".")
    return _change(settings, ticket, f"status {current} → {target}", fields, actor, when, text)


def assign(vault: Vault, ticket: Ticket, handle: str, actor: str, when: datetime,
           why: str | None = None) -> Change:
    """Make `handle` (a technician of vault/team.yml) the ticket's assignee."""
    team = vault.team
    if team.present:
        technician = team.get(handle)
        if technician is None:
            raise UnknownName(f"'{handle}' is not in vault/team.yml"
                                f"{suggest(handle, team.handles)}")
        if not technician.active:
            raise WorkflowError(f"'{handle}' is marked inactive in vault/team.yml")
    if ticket.assignee == handle:
        raise WorkflowError(f"{ticket.id} is already assigned to {handle}")
    _not_before_opened(ticket, when)
    text = f"Assigned to {handle}" + (f" ({why})." if why else ".")
    return _change(vault.settings, ticket, f"assigned to {handle}", {"assignee": handle}, actor,
                   when, text)


def escalate(settings: Settings, ticket: Ticket, to: str, reason: str, actor: str,
             when: datetime) -> Change:
    """Hand the ticket to `to` (a senior, another team, a vendor) with the reason."""
    if not reason.strip():
        raise WorkflowError("an escalation needs a reason: --reason WHY, with the context "
                            "the next person needs")
    if not to.strip():
        raise WorkflowError("an escalation needs someone to escalate to: --to WHO")
    current = _status_of(ticket)
    fields: dict[str, Any] = {"escalated_to": to}
    if current != ESCALATED:
        fields = _transition(settings, ticket, ESCALATED, when, fields)
    else:
        _not_before_opened(ticket, when)
    return _change(settings, ticket, f"escalated to {to}", fields, actor, when,
                   f"Escalated to {to}: {reason}")


def _without_guess(ticket: Ticket, key: str) -> list[str] | None:
    """The ticket's `guessed:` marks once a person has set `key` (None: no marks left)."""
    guessed = [mark for mark in as_strings(ticket.meta.get("guessed")) if mark != key]
    return guessed or None


def _set_or_confirm(settings: Settings, ticket: Ticket, key: str, target: str, why: str,
                    already: str, actor: str, when: datetime) -> Change:
    """Set a field intake may have guessed (priority, category): a change, or, when the value
    is already there but marked guessed, its confirmation; either clears the guess mark."""
    _not_before_opened(ticket, when)
    written = as_text(ticket.meta.get(key))
    guessed = key in as_strings(ticket.meta.get("guessed"))
    if written == target and not guessed:
        raise WorkflowError(f"{ticket.id} is already {already}")
    fields: dict[str, Any] = {key: target, "guessed": _without_guess(ticket, key)}
    label = key.capitalize()
    if written == target:
        return _change(settings, ticket, f"{key} {target} confirmed", fields, actor, when,
                       f"{label} {target} confirmed{why}")
    return _change(settings, ticket, f"{key} {written or 'none'} → {target}", fields, actor,
                   when, f"{label} {written or 'none'} → {target}{why}")


def change_priority(settings: Settings, ticket: Ticket, priority: str, reason: str,
                    actor: str, when: datetime) -> Change:
    """Set the priority (and so the SLA targets) with the reason; clears intake's guess."""
    target = settings.normalise_priority(priority)
    if target is None:
        raise UnknownName(f"'{priority}' is not a priority{suggest(priority, settings.priorities)}")
    if not reason.strip():
        raise WorkflowError("a priority change needs a reason: --reason WHY (it moves the SLA "
                            "targets)")
    return _set_or_confirm(settings, ticket, "priority", target, f": {reason.strip()}", target,
                           actor, when)


def change_category(settings: Settings, ticket: Ticket, category: str, reason: str | None,
                    actor: str, when: datetime) -> Change:
    """Set the category, with an optional reason; clears intake's guess."""
    target = settings.normalise_category(category)
    if target is None:
        raise UnknownName(f"'{category}' is not a category"
                          f"{suggest(category, settings.categories)}")
    why = f": {reason.strip()}" if reason and reason.strip() else "."
    return _set_or_confirm(settings, ticket, "category", target, why, f"in {target}", actor,
                           when)


def resolve(vault: Vault, ticket: Ticket, resolution: str, actor: str, when: datetime,
            root_cause: str | None = None, automation: str | None = None,
            awaiting_confirmation: bool = False) -> Change:
    """Record the fix; the ticket goes to `resolved`, or to `awaiting-confirmation`."""
    settings = vault.settings
    fields: dict[str, Any] = {"resolution": resolution.strip()}
    if root_cause:
        fields["root_cause"] = root_cause.strip()
    if automation:
        if not (vault.root / automation).is_file():
            raise UnknownName(f"automation script '{automation}' does not exist in the vault")
        fields["automation"] = automation
    target = AWAITING_CONFIRMATION if awaiting_confirmation else settings.resolved_status
    fields = _transition(settings, ticket, target, when, fields)
    if awaiting_confirmation:
        text, summary = f"Fix applied; asked the user to confirm: {resolution}", \
            "fix applied, awaiting confirmation"
    else:
        text, summary = f"Resolved: {resolution}", "resolved"
    return _change(settings, ticket, summary, fields, actor, when, text)


def confirm(settings: Settings, ticket: Ticket, actor: str, when: datetime,
            exception: str | None = None, note: str | None = None) -> Change:
    """The user confirmed the fix (or cannot or need not: `exception`); resolves the ticket."""
    if exception is not None and exception not in CONFIRMATION_EXCEPTIONS:
        raise UnknownName(f"'{exception}' is not a confirmation exception; use one of: "
                            f"{', '.join(CONFIRMATION_EXCEPTIONS)}")
    current = _status_of(ticket)
    fields: dict[str, Any] = {"confirmation": exception} if exception else \
        {"user_confirmed": timestamp(settings, when)}
    if current not in settings.done_statuses:
        if settings.resolved_status not in settings.allowed_next(current):
            raise WorkflowError(f"{ticket.id} is '{current}' and cannot be resolved from there; "
                                f"allowed next: {', '.join(settings.allowed_next(current))}")
        fields = _transition(settings, ticket, settings.resolved_status, when, fields)
    else:
        _not_before_opened(ticket, when)
    if exception == "not-required":
        text, summary = "Confirmation not required", "confirmation not required"
    elif exception == "unreachable":
        text, summary = "User unreachable for confirmation", "user unreachable for confirmation"
    else:
        text, summary = "User confirmed the fix", "user confirmed"
    text += f": {note}" if note else "."
    return _change(settings, ticket, summary, fields, actor, when, text)


def close(settings: Settings, ticket: Ticket, actor: str, when: datetime,
          resolution: str | None = None, root_cause: str | None = None,
          confirmation: str | None = None, note: str | None = None) -> Change:
    """Close a resolved ticket; refused with the list of what the closing rules still need."""
    if confirmation is not None and confirmation not in CONFIRMATION_EXCEPTIONS:
        raise UnknownName(f"'{confirmation}' is not a confirmation exception; use one of: "
                            f"{', '.join(CONFIRMATION_EXCEPTIONS)}")
    given = {"resolution": resolution, "root_cause": root_cause, "confirmation": confirmation}
    fields = _transition(settings, ticket, settings.closed_status, when,
                         {key: value.strip() for key, value in given.items() if value})
    return _change(settings, ticket, "closed", fields, actor, when,
                   "Closed" + (f": {note}" if note else "."))


def reopen(settings: Settings, ticket: Ticket, reason: str, actor: str,
           when: datetime) -> Change:
    """Back to the reopen status from a done status (a repeat issue), with the reason."""
    current = _status_of(ticket)
    if current not in settings.done_statuses:
        raise WorkflowError(f"{ticket.id} is '{current}', not "
                            f"{' or '.join(settings.done_statuses)}; there is nothing to reopen")
    if not reason.strip():
        raise WorkflowError("reopening needs a reason")
    fields = _transition(settings, ticket, settings.reopen_status, when, {})
    return _change(settings, ticket, "reopened", fields, actor, when, f"Reopened: {reason}")




def mark_repeat(settings: Settings, ticket: Ticket, earlier: Ticket, actor: str,
                when: datetime) -> Change:
    """`repeat_of:` the earlier ticket with the same problem (the metrics count repeats)."""
    if earlier.path == ticket.path:
        raise WorkflowError(f"{ticket.id} cannot be a repeat of itself")
    if earlier.opened and ticket.opened and earlier.opened > ticket.opened:
        raise WorkflowError(f"{earlier.id} was opened after {ticket.id}: the earlier ticket is "
                            "the one a repeat points to")
    _not_before_opened(ticket, when)
    return _change(settings, ticket, f"repeat of {earlier.id}",
                   {"repeat_of": f"[[{earlier.id}]]"}, actor, when,
                   f"Repeat of [[{earlier.id}]].")


def schedule_follow_up(settings: Settings, ticket: Ticket, on: date, note: str, actor: str,
                       when: datetime) -> Change:
    """Plan a check-back with the requester on a resolved or closed ticket (§7: repeated or
    severe issues)."""
    current = _status_of(ticket)
    if current not in settings.done_statuses:
        raise WorkflowError(f"{ticket.id} is '{current}': a follow-up is planned once it is "
                            f"{' or '.join(settings.done_statuses)}")
    if not note.strip():
        raise WorkflowError("a follow-up needs a note: --note WHAT TO CHECK")
    if on < when.date():
        raise UnknownName(f"--on {on.isoformat()} is in the past")
    _not_before_opened(ticket, when)
    return _change(settings, ticket, f"follow-up on {on.isoformat()}", {"follow_up": on},
                   actor, when, f"Follow-up planned for {on.isoformat()}: {note.strip()}")


def complete_follow_up(settings: Settings, ticket: Ticket, note: str, actor: str,
                       when: datetime) -> Change:
    """The follow-up was done: a Log line, and `follow_up:` cleared."""
    if ticket.meta.get("follow_up") is None:
        raise WorkflowError(f"{ticket.id} has no follow-up planned")
    if not note.strip():
        raise WorkflowError("say how it went: --note WHAT YOU FOUND")
    _not_before_opened(ticket, when)
    return _change(settings, ticket, "follow-up done", {"follow_up": None}, actor, when,
                   f"{FOLLOW_UP_DONE}: {note.strip()}")


def add_log(settings: Settings, ticket: Ticket, text: str, author: str,
            when: datetime) -> Change:
    """Append one dated action to the Log ("document every action")."""
    if not text.strip():
        raise WorkflowError("the Log line is empty")
    _not_before_opened(ticket, when)
    short = " ".join(text.split())
    summary = "log: " + (short if len(short) <= 50 else short[:49] + "…")
    return _change(settings, ticket, summary, {}, author, when, text)


def outside_message(settings: Settings, ticket: Ticket, author: str, when: datetime,
                    text: str, summary: str) -> Change:
    """A Log line for a message from outside (an email reply, an alert).

    Its time comes from the sender's clock, which may run behind: the line is dated no
    earlier than the ticket's opening, so the Log stays in order.
    """
    opened = ticket.opened
    return _change(settings, ticket, summary, {}, author,
                   max(when, opened) if opened else when, text)


def _change(settings: Settings, ticket: Ticket, summary: str, fields: Mapping[str, Any],
            actor: str, when: datetime, text: str) -> Change:
    return Change(ticket.id or ticket.name, ticket.path, summary, MappingProxyType(dict(fields)),
                  log_line(settings, when, actor, text))


# --- new tickets ----------------------------------------------------------------------------

def existing_ids(vault: Vault) -> set[str]:
    """Every id in use by a ticket, KB entry or SOP."""
    return {d.id for d in vault.documents() if d.id}


def allocate_ticket_id(vault: Vault, opened: datetime) -> str:
    """A fresh ticket id for the opening time (random part from `secrets`; see the schema)."""
    return vault.settings.ticket_id.make(timestamp(vault.settings, opened), existing_ids(vault))


def new_ticket(vault: Vault, template: str, *, title: str, priority: str, category: str,
               opened: datetime, fields: Mapping[str, Any] | None = None,
               description: str | None = None, log: tuple[str, str] | None = None,
               ticket_id: str | None = None) -> NewDocument:
    """A new ticket from the vault's template, with an id that cannot collide across clones.

    `fields` are further front-matter keys (channel, requester, assignee, tags, …); `log` is
    an optional first Log line as (author, text), dated `opened`. `ticket_id` is one already
    allocated with `allocate_ticket_id` (to name attachments before the ticket exists).
    """
    settings = vault.settings
    normalised_priority = settings.normalise_priority(priority)
    if normalised_priority is None:
        raise UnknownName(f"'{priority}' is not a priority"
                            f"{suggest(priority, settings.priorities)}")
    normalised_category = settings.normalise_category(category)
    if normalised_category is None:
        raise UnknownName(f"'{category}' is not a category"
                            f"{suggest(category, settings.categories)}")
    if not title.strip():
        raise WorkflowError("a ticket needs a title")
    stamp = timestamp(settings, opened)
    ticket_id = ticket_id or allocate_ticket_id(vault, stamp)
    text = fill_template(template, title, stamp)
    values: dict[str, Any] = {
        "id": ticket_id, "title": " ".join(title.split()), "status": settings.initial_status,
        "priority": normalised_priority, "category": normalised_category, "opened": stamp,
    }
    values.update({key: value for key, value in (fields or {}).items()
                   if value not in (None, "", [], {})})
    text = edit.edit_fields(text, values)
    if description is None or not description.strip():
        raise WorkflowError("a ticket needs a description: the problem in the requester's words")
    if is_placeholder(description, template):
        raise WorkflowError("the description is the template's placeholder text; describe the "
                            "problem in the requester's words")
    text = edit.set_description(text, description)
    if log is not None:
        text = edit.append_log(text, log_line(settings, stamp, *log))
    name = slug(title)
    path = f"{TICKETS_DIR}/{ticket_id}-{name}.md" if name else f"{TICKETS_DIR}/{ticket_id}.md"
    source, problems = parse_source(path, text)
    if source is None:  # pragma: no cover - a template that edit could read parses
        raise WorkflowError(f"the ticket template does not give a valid ticket: {problems}")
    return NewDocument(ticket_id, path, text, f"opened: {values['title']}")


# --- writing --------------------------------------------------------------------------------

def apply_change(vault: Vault, ticket: Ticket, change: Change) -> None:
    """Write `change` into the ticket's file, unless the file changed since the vault was read."""
    snapshot = edit.read_snapshot(vault.root / ticket.path)
    marker = conflict_line(snapshot.text)
    if marker is not None:
        raise edit.EditError(f"{ticket.path}:{marker}: unresolved merge conflict; resolve it "
                             "and commit before updating the ticket")
    if snapshot.text != ticket.source.text:
        raise edit.FileChangedError(f"{ticket.path} changed on disk while this command ran; "
                                    "nothing was written. Run the command again.")
    edit.write_text(snapshot, change.apply(snapshot.text))


def write_new(vault: Vault, document: NewDocument) -> None:
    """Create the document's file; never replaces an existing file."""
    edit.create_file(vault.root / document.path, document.text)
