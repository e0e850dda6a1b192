"""`opsvault ticket …`: the ticket workflow from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import search, workflow
from ..assignment import suggest_assignees
from ..model import as_text
from ..note_templates import load_template
from ..schema import CONFIRMATION_EXCEPTIONS, Settings, is_contact, is_email_address
from . import TICKET_HELP
from . import completion as complete
from .common import (
    DATETIME,
    category_named,
    in_vault_zone,
    open_vault,
    priority_choices,
    priority_named,
    vault_option,
)
from .requester_mail import (
    announce_new,
    check_notify,
    notify_after,
    notify_option,
    tell_stakeholders,
)
from .updates import (
    refusals,
    start,
    stdin_is_terminal,
    update_options,
    usage_error,
    with_exit_codes,
)

F = TypeVar("F", bound=Callable[..., Any])


@click.group("ticket", help=TICKET_HELP)
def ticket_group() -> None:
    pass


def _checked(convert: Callable[[str], str | None], what: str, choices: str) -> Callable[[str], str]:
    """A prompt's answer check: click asks again, with this message, until one fits."""
    def check(answer: str) -> str:
        value = convert(answer.strip())
        if value is None:
            raise click.BadParameter(f"'{answer.strip()}' is not {what}; use one of: {choices}")
        return value
    return check


def _required(what: str) -> Callable[[str], str]:
    def check(answer: str) -> str:
        if not answer.strip():
            raise click.BadParameter(f"{what} cannot be empty")
        return answer.strip()
    return check


def _optional_email(answer: str) -> str:
    if answer.strip() and not is_email_address(answer.strip()):
        raise click.BadParameter(f"'{answer.strip()}' is not an email address (or leave it empty)")
    return answer.strip()


def _ask_for_missing(settings: Settings, answers: dict[str, str | None]) -> None:
    """Ask on the terminal for each missing value, checking every answer as it is given so
    that a typo costs one line, not everything typed so far."""
    categories = ", ".join(settings.categories)
    channels = ", ".join(settings.channels)
    questions: list[tuple[str, str, Callable[[str], str], str | None]] = [
        ("title", "Title", _required("the title"), None),
        ("priority", f"Priority ({priority_choices(settings)})",
         _checked(settings.normalise_priority, "a priority", priority_choices(settings)),
         settings.intake_default_priority),
        ("category", f"Category ({categories})",
         _checked(settings.normalise_category, "a category", categories),
         settings.intake_default_category),
        ("requester_name", "Requester's name", str.strip, ""),
        ("requester_email", "Requester's email", _optional_email, ""),
        ("channel", f"Channel ({channels})",
         _checked(lambda v: v if v in settings.channels else None, "a channel", channels),
         "phone" if "phone" in settings.channels else settings.channels[0]),
        ("description", "Description (the problem in the requester's words)",
         _required("the description"), None),
    ]
    for key, label, check, default in questions:
        if answers.get(key) is None:
            answers[key] = click.prompt(label, default=default, value_proc=check,
                                        show_default=bool(default))


@ticket_group.command("new")
@click.argument("title", required=False)
@click.option("--priority", "-p", help="P1..P4 (or critical, high, medium, low).",
              shell_complete=complete.priorities)
@click.option("--category", "-c", help="access, hardware, network, software, printing, request.",
              shell_complete=complete.categories)
@click.option("--description", "-d", help="The problem in the requester's words.")
@click.option("--channel", help="email, phone, walk-in, portal, chat, alert, technician.")
@click.option("--requester", "requester_name", help="Requester's name.")
@click.option("--email", "requester_email", help="Requester's email.")
@click.option("--phone", "requester_phone", help="Requester's phone.")
@click.option("--department", "requester_department", help="Requester's department.")
@click.option("--device", help="Device name or asset tag.")
@click.option("--location", help="Where the problem is.")
@click.option("--assignee", help="A handle from vault/team.yml.", shell_complete=complete.handles)
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--opened", type=DATETIME, help="When it was reported (default: now).")
@click.option("--notify", is_flag=True,
              help="For a P1: email its escalate_to (vault/opsvault.yml) the whole context.")
@update_options
@with_exit_codes
def new_command(title: str | None, priority: str | None, category: str | None,
                description: str | None, channel: str | None, requester_name: str | None,
                requester_email: str | None, requester_phone: str | None,
                requester_department: str | None, device: str | None, location: str | None,
                assignee: str | None, tags: tuple[str, ...], opened: datetime | None,
                notify: bool, vault_dir: Path, actor_handle: str | None, commit: bool | None,
                at: datetime | None) -> None:
    """Open a ticket from vault/templates/ticket.md.

    The id (T-<date>-<4 random characters>) cannot collide with one made at the same
    moment on another clone or branch. On a terminal, a missing title, priority,
    category or description is asked for; otherwise give them as options.

    \b
    Examples:
      opsvault ticket new "VPN drops every 10 minutes" -p high -c network \\
          --requester "Priya Shah" --email priya@example.org --channel email
      opsvault ticket new        # on a terminal: asks for what is missing

    """
    session = start(vault_dir, actor_handle, commit, at)
    settings = session.vault.settings
    reported = in_vault_zone(opened, settings)
    # A few minutes of clock skew are allowed; a ticket reported in the future is a typo.
    if reported is not None and reported > session.now + timedelta(minutes=5):
        usage_error(f"--opened {reported.isoformat()} is in the future (now is "
                    f"{session.now.replace(microsecond=0).isoformat()})")
    if stdin_is_terminal():
        answers: dict[str, str | None] = {
            "title": title, "priority": priority, "category": category,
            "requester_name": requester_name, "requester_email": requester_email,
            "channel": channel, "description": description}
        _ask_for_missing(settings, answers)
        title, priority, category = answers["title"], answers["priority"], answers["category"]
        requester_name = answers["requester_name"] or None
        requester_email = answers["requester_email"] or None
        channel, description = answers["channel"], answers["description"]
    missing = [name for name, value in (("TITLE", title), ("--priority", priority),
                                        ("--category", category),
                                        ("--description", description)) if not value]
    if missing:
        usage_error(f"missing {', '.join(missing)} (prompts need a terminal)")
    assert title and priority and category and description
    if requester_email and not is_email_address(requester_email):
        usage_error(f"--email '{requester_email}' is not an email address")
    if channel and channel not in settings.channels:
        usage_error(f"'{channel}' is not a channel; use one of: {', '.join(settings.channels)}")
    team = session.vault.team
    if assignee and team.present and team.get(assignee) is None:
        usage_error(f"'{assignee}' is not in vault/team.yml")
    requester = {"name": requester_name, "email": requester_email, "phone": requester_phone,
                 "department": requester_department}
    fields = {"channel": channel, "requester": {k: v for k, v in requester.items() if v},
              "device": {"name": device} if device else None, "location": location,
              "assignee": assignee, "tags": list(tags)}
    with refusals():
        document = workflow.new_ticket(
            session.vault, load_template(session.vault.root, "ticket"), title=title,
            priority=priority_named(settings, priority),
            category=category_named(settings, category),
            opened=in_vault_zone(opened, settings) or session.now, fields=fields,
            description=description)
        session.save_new(document)
    if notify:
        announce_new(session, document.id)


@ticket_group.command("assign")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.argument("handle", required=False, shell_complete=complete.handles)
@click.option("--suggest", is_flag=True,
              help="Rank the team by skill, workload and level; assign the best.")
@click.option("--dry-run", is_flag=True, help="With --suggest: show the ranking only.")
@update_options
@with_exit_codes
def assign_command(ticket_ref: str, handle: str | None, suggest: bool, dry_run: bool,
                   vault_dir: Path, actor_handle: str | None, commit: bool | None,
                   at: datetime | None) -> None:
    """Assign a ticket to HANDLE, or to the best suggestion with --suggest.

    --suggest ranks active technicians by category skill, open tickets against their
    capacity, and level against the priority (P1 → senior), and prints why.

    \b
    Examples:
      opsvault ticket assign T-20261124-k3f9 bob
      opsvault ticket assign T-20261124-k3f9 --suggest --dry-run

    """
    if bool(handle) == suggest:
        usage_error("give either HANDLE or --suggest")
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        why = None
        if suggest:
            ranking = suggest_assignees(session.vault, ticket)
            if not ranking:
                raise workflow.WorkflowError("no active technician in vault/team.yml to suggest")
            for place, suggestion in enumerate(ranking, 1):
                click.echo(f"{place}. {suggestion.handle:<12} {suggestion.score:5.2f}  "
                           f"{suggestion.why}")
            if dry_run:
                return
            handle, why = ranking[0].handle, f"suggested: {ranking[0].why}"
        assert handle is not None
        change = workflow.assign(session.vault, ticket, handle, session.actor.handle,
                                 session.now, why)
        session.save_change(ticket, change)


@ticket_group.command("status")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.argument("status", shell_complete=complete.statuses)
@click.option("--note", help="Why, or what was done (appended to the Log line).")
@notify_option
@update_options
@with_exit_codes
def status_command(ticket_ref: str, status: str, note: str | None, notify: bool,
                   notify_text: str, vault_dir: Path, actor_handle: str | None,
                   commit: bool | None, at: datetime | None) -> None:
    """Move a ticket to STATUS; an illegal move is refused with the allowed ones.

    With --notify the requester is emailed too: acknowledge for open, need-information
    for waiting-on-user (--message says what you need).

    \b
    Examples:
      opsvault ticket status T-20261124-k3f9 in-progress
      opsvault ticket status T-20261124-k3f9 waiting-on-user --note "Asked for a photo"
      opsvault ticket status k3f9 waiting-on-user --notify -m "Could you send a photo?"

    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        if notify:
            check_notify(session, ticket, status)
        change = workflow.change_status(session.vault.settings, ticket, status,
                                        session.actor.handle, session.now, note)
        session.save_change(ticket, change)
    if notify:
        notify_after(session, ticket, change.fields.get("status", status), notify_text)


@ticket_group.command("log")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.argument("text", nargs=-1, required=True)
@click.option("--contact", is_flag=True,
              help="This was contact with the requester (a call, a visit, a chat): the line "
                   "starts 'Contact:' and answers the first-response target.")
@update_options
@with_exit_codes
def log_command(ticket_ref: str, text: tuple[str, ...], contact: bool, vault_dir: Path,
                actor_handle: str | None, commit: bool | None, at: datetime | None) -> None:
    """Append an action to the ticket's Log ("document every action").

    First response is the first contact with the requester: a reply (`ticket reply`),
    a line logged with --contact, or the acknowledgement (the status leaving new).
    Other lines are internal notes.

    \b
    Examples:
      opsvault ticket log T-20261124-k3f9 "Replaced the toner; test page OK"
      opsvault ticket log T-20261124-k3f9 --contact "Called Priya; asked for the error text"
      opsvault ticket log T-20261124-k3f9 --as requester "Still jams on tray 2"

    """
    session = start(vault_dir, actor_handle, commit, at)
    line = " ".join(text)
    if contact and not is_contact(line):
        line = f"Contact: {line}"
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        change = workflow.add_log(session.vault.settings, ticket, line,
                                  session.actor.handle, session.now)
        session.save_change(ticket, change)


@ticket_group.command("escalate")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--to", "to", required=True, help="Who takes over: a handle, team or vendor.",
              shell_complete=complete.handles)
@click.option("--reason", required=True, help="Why, with the context they need.")
@click.option("--notify", is_flag=True,
              help="Email --to (a team handle or an address) the ticket's whole context.")
@update_options
@with_exit_codes
def escalate_command(ticket_ref: str, to: str, reason: str, notify: bool, vault_dir: Path,
                     actor_handle: str | None, commit: bool | None, at: datetime | None) -> None:
    """Escalate a ticket: status escalated, escalated_to set, the reason logged.

    With --notify, --to gets an email with the description, the Log (what was tried)
    and the attachments listed.

    \b
    Examples:
      opsvault ticket escalate T-20261124-k3f9 --to alice --reason "Needs firewall access"
      opsvault ticket escalate k3f9 --to netops@example.org --reason "Carrier fault" --notify

    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        change = workflow.escalate(session.vault.settings, ticket, to, reason,
                                   session.actor.handle, session.now)
        session.save_change(ticket, change)
    if notify:
        tell_stakeholders(session, ticket, [to], f"Escalated to you: {reason.strip()}")


@ticket_group.command("priority")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.argument("priority", metavar="PRIORITY", shell_complete=complete.priorities)
@click.option("--reason", required=True, help="Why: the impact or urgency that changed.")
@update_options
@with_exit_codes
def priority_command(ticket_ref: str, priority: str, reason: str, vault_dir: Path,
                     actor_handle: str | None, commit: bool | None, at: datetime | None) -> None:
    """Change a ticket's priority (and so its SLA targets), logging the reason.

    PRIORITY is a name or alias from vault/opsvault.yml (P1…P4, critical, high, …).
    Setting the priority a ticket already has confirms intake's guess and clears the
    `guessed: priority` mark.

    \b
    Examples:
      opsvault ticket priority T-20261124-k3f9 P2 --reason "Whole clinic affected"
      opsvault ticket priority T-20261124-k3f9 P3 --reason "Checked: one user, workaround"
    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        change = workflow.change_priority(session.vault.settings, ticket, priority, reason,
                                          session.actor.handle, session.now)
        session.save_change(ticket, change)


@ticket_group.command("category")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.argument("category", metavar="CATEGORY", shell_complete=complete.categories)
@click.option("--reason", help="Why, if it is not obvious.")
@update_options
@with_exit_codes
def category_command(ticket_ref: str, category: str, reason: str | None, vault_dir: Path,
                     actor_handle: str | None, commit: bool | None, at: datetime | None) -> None:
    """Change a ticket's category (or confirm intake's guess), logged.

    CATEGORY is a name or alias from vault/opsvault.yml. Setting the category a ticket
    already has confirms intake's guess and clears the `guessed: category` mark.

    \b
    Examples:
      opsvault ticket category T-20261124-k3f9 network
      opsvault ticket category T-20261124-k3f9 access --reason "It is the MFA prompt"
    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        change = workflow.change_category(session.vault.settings, ticket, category, reason,
                                          session.actor.handle, session.now)
        session.save_change(ticket, change)


@ticket_group.command("resolve")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--resolution", required=True, help="What fixed it.")
@click.option("--root-cause", help="Why it happened (or 'unknown').")
@click.option("--automation", help="The script under scripts/ that fixed it, if any.")
@click.option("--awaiting-confirmation", is_flag=True,
              help="Fix applied, user asked to confirm: status awaiting-confirmation.")
@notify_option
@update_options
@with_exit_codes
def resolve_command(ticket_ref: str, resolution: str, root_cause: str | None,
                    automation: str | None, awaiting_confirmation: bool, notify: bool,
                    notify_text: str, vault_dir: Path, actor_handle: str | None,
                    commit: bool | None, at: datetime | None) -> None:
    """Record the fix and resolve the ticket (or await the user's confirmation).

    \b
    Examples:
      opsvault ticket resolve T-20261124-k3f9 --resolution "Lowered the MTU to 1400" \\
          --root-cause "MTU mismatch after an ISP change"
      opsvault ticket resolve T-20261124-k3f9 --resolution "New profile" --awaiting-confirmation

    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        if notify:
            check_notify(session, ticket, "awaiting-confirmation" if awaiting_confirmation
                         else session.vault.settings.resolved_status)
        change = workflow.resolve(session.vault, ticket, resolution, session.actor.handle,
                                  session.now, root_cause, automation, awaiting_confirmation)
        session.save_change(ticket, change)
    if notify:  # with --awaiting-confirmation: "fixed? please confirm"
        notify_after(session, ticket, str(change.fields.get("status", "")), notify_text)


@ticket_group.command("confirm")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--confirmation", type=click.Choice(CONFIRMATION_EXCEPTIONS),
              help="Instead of the user's confirmation: why there is none.")
@click.option("--note", help="How the user confirmed, or why they could not.")
@update_options
@with_exit_codes
def confirm_command(ticket_ref: str, confirmation: str | None, note: str | None,
                    vault_dir: Path, actor_handle: str | None, commit: bool | None,
                    at: datetime | None) -> None:
    """Record that the user confirmed the fix (sets user_confirmed; resolves the ticket).

    \b
    Examples:
      opsvault ticket confirm T-20261124-k3f9 --note "Phoned; works all morning"
      opsvault ticket confirm T-20261124-k3f9 --confirmation unreachable

    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        change = workflow.confirm(session.vault.settings, ticket, session.actor.handle,
                                  session.now, confirmation, note)
        session.save_change(ticket, change)


@ticket_group.command("close")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--resolution", help="Set the resolution now, if missing.")
@click.option("--root-cause", help="Set the root cause now (or 'unknown').")
@click.option("--confirmation", type=click.Choice(CONFIRMATION_EXCEPTIONS),
              help="Close without the user's confirmation, and why.")
@click.option("--note", help="Appended to the Log line.")
@notify_option
@update_options
@with_exit_codes
def close_command(ticket_ref: str, resolution: str | None, root_cause: str | None,
                  confirmation: str | None, note: str | None, notify: bool, notify_text: str,
                  vault_dir: Path, actor_handle: str | None, commit: bool | None,
                  at: datetime | None) -> None:
    """Close a resolved ticket once documentation is complete.

    The closing rules: resolution, root_cause (or 'unknown'), and user_confirmed unless
    confirmation says not-required or unreachable. When something is missing, nothing
    is written and the message lists it.

    \b
    Example:
      opsvault ticket close T-20261124-k3f9 --root-cause unknown
      opsvault ticket close k3f9 --notify      # the closing email, with the survey

    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        if notify:
            check_notify(session, ticket, session.vault.settings.closed_status)
        change = workflow.close(session.vault.settings, ticket, session.actor.handle,
                                session.now, resolution, root_cause, confirmation, note)
        session.save_change(ticket, change)
    if notify:  # the closing email with the satisfaction survey
        notify_after(session, ticket, session.vault.settings.closed_status, notify_text)


@ticket_group.command("reopen")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--reason", required=True, help="Why: what came back.")
@update_options
@with_exit_codes
def reopen_command(ticket_ref: str, reason: str, vault_dir: Path, actor_handle: str | None,
                   commit: bool | None, at: datetime | None) -> None:
    """Reopen a resolved or closed ticket (a repeat issue); closure times are removed.

    \b
    Example:
      opsvault ticket reopen T-20261124-k3f9 --reason "Prompts came back after the update"

    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        change = workflow.reopen(session.vault.settings, ticket, reason, session.actor.handle,
                                 session.now)
        session.save_change(ticket, change)


# --- reading ---------------------------------------------------------------------------------

@ticket_group.command("follow-up")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day to check back with the requester.")
@click.option("--done", is_flag=True, help="The follow-up was done: log it, clear follow_up.")
@click.option("--note", required=True, help="What to check, or (with --done) what you found.")
@update_options
@with_exit_codes
def follow_up_command(ticket_ref: str, on: datetime | None, done: bool, note: str,
                      vault_dir: Path, actor_handle: str | None, commit: bool | None,
                      at: datetime | None) -> None:
    """Plan a follow-up on a resolved or closed ticket, or record that it was done.

    For repeated or severe issues: `ticket list --follow-up-due` and the home page show
    the follow-ups whose day has come; the monthly report counts those done.

    \b
    Examples:
      opsvault ticket follow-up T-20261031-a7tp --on 2026-12-08 --note "PMS stable a week on?"
      opsvault ticket follow-up a7tp --done --note "No drops since; closing the loop"
    """
    if done == (on is not None):
        usage_error("give --on DATE to plan a follow-up, or --done to record one")
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        if done:
            change = workflow.complete_follow_up(session.vault.settings, ticket, note,
                                                 session.actor.handle, session.now)
        else:
            assert on is not None
            change = workflow.schedule_follow_up(session.vault.settings, ticket, on.date(),
                                                 note, session.actor.handle, session.now)
        session.save_change(ticket, change)


@ticket_group.command("repeat")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--of", "earlier_ref", metavar="EARLIER", required=True,
              shell_complete=complete.ticket_ids, help="The earlier ticket with this problem.")
@update_options
@with_exit_codes
def repeat_command(ticket_ref: str, earlier_ref: str, vault_dir: Path,
                   actor_handle: str | None, commit: bool | None, at: datetime | None) -> None:
    """Mark a ticket as a repeat of an earlier one (`repeat_of`), logged.

    `ticket show` points out a likely repeat; this is the command that sets it.

    \b
    Example:
      opsvault ticket repeat T-20261116-o2fj --of T-20261022-g6vd
    """
    session = start(vault_dir, actor_handle, commit, at)
    with refusals():
        ticket = workflow.find_ticket(session.vault, ticket_ref)
        earlier = workflow.find_ticket(session.vault, earlier_ref)
        change = workflow.mark_repeat(session.vault.settings, ticket, earlier,
                                      session.actor.handle, session.now)
        session.save_change(ticket, change)


@ticket_group.command("similar")
@click.argument("ticket_ref", metavar="ID", shell_complete=complete.ticket_ids)
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@vault_option
def similar_command(ticket_ref: str, limit: int, output_format: str, vault_dir: Path) -> None:
    """Earlier tickets with the same problem, resolved ones first with their resolution.

    The same ranking as `kb suggest` (BM25 over the vault's full-text index), over the
    other tickets. A close match from the same requester or device may be a repeat: set
    `repeat_of` yourself if it is.

    \b
    Exit codes: 0 done; 1 no such ticket; 2 usage error, or the vault cannot be read.

    \b
    Example:
      opsvault ticket similar T-20261116-o2fj
    """
    vault = open_vault(vault_dir)
    try:
        ticket = workflow.find_ticket(vault, ticket_ref)
    except workflow.WorkflowError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    index = search.open_index(vault, ("ticket",))
    try:
        found = search.suggest(index, search.query_for_ticket(ticket), limit,
                               frozenset({ticket.path}), kinds=("ticket",))
    finally:
        index.close()
    tickets = {t.path: t for t in vault.tickets}
    done = [s for s in found if not tickets[s.path].is_active]
    rows = done + [s for s in found if s not in done]
    if output_format == "json":
        click.echo(json.dumps([{"id": s.ident, "title": s.title, "path": s.path,
                                "status": tickets[s.path].status, "reason": s.reason,
                                "resolution": as_text(tickets[s.path].meta.get("resolution"))}
                               for s in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No similar ticket.")
    for s in rows:
        other = tickets[s.path]
        click.echo(f"{s.ident} [{other.status or '?'}] {s.title}")
        if resolution := as_text(other.meta.get("resolution")):
            click.echo(f"   fixed by: {resolution}")
        if s.reason:
            click.echo(f"   {s.reason}")
