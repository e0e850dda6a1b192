"""`opsvault ticket list` and `ticket board`: the tickets to work on, read from the ticket
index (`ticket_index`) so that only the files changed since the last look are read."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ..listing import (
    TicketFilter,
    board_columns,
    parse_age,
    render_board,
    render_table,
    select_tickets,
    ticket_row,
)
from ..model import Team
from ..schema import Settings, suggest
from . import completion as complete
from .common import (
    DATETIME,
    category_named,
    colour,
    in_vault_zone,
    listed_tickets,
    open_vault,
    priority_named,
    usage_error,
    vault_option,
)

F = TypeVar("F", bound=Callable[..., Any])


def _selection(settings: Settings, team: Team, statuses: tuple[str, ...],
               priorities: tuple[str, ...], categories: tuple[str, ...],
               assignees: tuple[str, ...], older_than: str | None,
               include_done: bool) -> TicketFilter:
    for status in statuses:
        if status not in settings.transitions:
            usage_error(f"'{status}' is not a status; use one of: {', '.join(settings.statuses)}")
    for assignee in assignees:
        if assignee != "none" and team.present and team.get(assignee) is None:
            usage_error(f"'{assignee}' is not in vault/team.yml"
                        f"{suggest(assignee, team.handles)}; use a handle or 'none'")
    age = None
    if older_than:
        try:
            age = parse_age(older_than)
        except ValueError as exc:
            usage_error(str(exc))
    return TicketFilter(
        statuses=statuses, priorities=tuple(priority_named(settings, p) for p in priorities),
        categories=tuple(category_named(settings, c) for c in categories), assignees=assignees,
        older_than=age, include_done=include_done)


def _now(settings: Settings, as_of: datetime | None) -> datetime:
    return in_vault_zone(as_of, settings) or datetime.now(settings.time_zone)


def filter_options(function: F) -> F:
    for option in reversed([
        click.option("--priority", "priorities", multiple=True, help="Only this priority.",
                     shell_complete=complete.priorities),
        click.option("--category", "categories", multiple=True, help="Only this category.",
                     shell_complete=complete.categories),
        click.option("--assignee", "assignees", multiple=True, shell_complete=complete.handles,
                     help="Only this assignee ('none': unassigned)."),
        click.option("--older-than", help="Only tickets opened longer ago (90m, 12h, 3d, 2w)."),
        click.option("--as-of", type=DATETIME, help="Judge ages as of this time (default: now)."),
    ]):
        function = option(function)
    return function



@click.command("list")
@click.option("--status", "statuses", multiple=True, help="Only this status (repeatable).",
              shell_complete=complete.statuses)
@click.option("--all", "include_done", is_flag=True, help="Include resolved and closed tickets.")
@click.option("--follow-up-due", is_flag=True,
              help="Only tickets whose planned follow-up day has come (resolved ones too).")
@filter_options
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True)
@vault_option
def list_command(statuses: tuple[str, ...], include_done: bool, follow_up_due: bool,
                 priorities: tuple[str, ...], categories: tuple[str, ...],
                 assignees: tuple[str, ...], older_than: str | None, as_of: datetime | None,
                 output_format: str, vault_dir: Path) -> None:
    """List tickets, most urgent first; by default the active ones.

    \b
    Examples:
      opsvault ticket list --assignee bob --priority P1 --priority P2
      opsvault ticket list --older-than 3d --format json
      opsvault ticket list --status closed --category network
      opsvault ticket list --follow-up-due

    \b
    Exit codes: 0 done, 2 usage error.
    """
    vault = open_vault(vault_dir, tickets=())  # the settings and the team
    selection = replace(_selection(vault.settings, vault.team, statuses, priorities, categories,
                                   assignees, older_than, include_done),
                        follow_up_due=follow_up_due)
    now = _now(vault.settings, as_of)
    listed = select_tickets(listed_tickets(vault, selection.only_active), vault.settings, selection,
                            now)
    rows = [ticket_row(t, now) for t in listed]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        table = render_table(rows, shutil.get_terminal_size((100, 24)).columns)
        click.echo("\n".join(colour(line, "yellow") if line.startswith("! ") else line
                             for line in table.splitlines()))


@click.command("board")
@filter_options
@click.option("--width", type=click.IntRange(20), help="Columns to fit (default: terminal).")
@click.option("--format", "output_format", type=click.Choice(["board", "json"]),
              default="board", show_default=True,
              help="board for people; json: each active status with its tickets.")
@vault_option
def board_command(priorities: tuple[str, ...], categories: tuple[str, ...],
                  assignees: tuple[str, ...], older_than: str | None, as_of: datetime | None,
                  width: int | None, output_format: str, vault_dir: Path) -> None:
    """Show open tickets as a kanban board: one column per active status.

    \b
    Examples:
      opsvault ticket board
      opsvault ticket board --assignee alice --width 100
      opsvault ticket board --format json

    \b
    Exit codes: 0 done, 2 usage error.
    """
    vault = open_vault(vault_dir, tickets=())  # the settings and the team
    selection = _selection(vault.settings, vault.team, (), priorities, categories, assignees,
                           older_than, False)
    now = _now(vault.settings, as_of)
    tickets = select_tickets(listed_tickets(vault, selection.only_active), vault.settings,
                             selection, now)
    if output_format == "json":
        click.echo(json.dumps([{"status": status, "tickets": [ticket_row(t, now) for t in cards]}
                               for status, cards in board_columns(vault.settings, tickets)],
                              indent=2, ensure_ascii=False))
        return
    click.echo(render_board(board_columns(vault.settings, tickets),
                            width or shutil.get_terminal_size((100, 24)).columns, now))
