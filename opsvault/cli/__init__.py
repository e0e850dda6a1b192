"""The `opsvault` command line: thin commands over the library, one module per noun.

Each command's module is imported only when that command runs (`LazyGroup`), so
`opsvault --version` and `--help` do not pay for git, the checks, the metrics or the site.
The short help of each command is written here for the same reason; a test keeps it equal
to the command's own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import click

from .. import __version__

EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a command ended by SIGINT

# Here rather than in cli/ticket.py, so that `ticket show` need not import that module.
TICKET_HELP = """Open, assign, work on, resolve and close tickets.

    Every command changes only the front-matter keys it must and appends one line to the
    ticket's Log; the rest of the file stays byte for byte. Statuses, transitions and the
    closing rules come from vault/opsvault.yml. With --commit (or the setting
    workflow.commit_each_update) each update is one git commit holding only that ticket.

    \b
    A day's work:
      opsvault ticket new "Printer offline" --priority P3 --category printing
      opsvault ticket assign T-20261124-k3f9 --suggest
      opsvault ticket status T-20261124-k3f9 in-progress
      opsvault ticket log T-20261124-k3f9 "Power-cycled; jam sensor dirty"
      opsvault ticket resolve T-20261124-k3f9 --resolution "Cleaned the sensor" \\
          --root-cause "Paper dust"
      opsvault ticket close T-20261124-k3f9 --confirmation not-required
    """


# The commands that only read, each imported on its own: a look at one ticket or at the
# queue should not wait for the workflow, assignment and mail modules to load.
_READING_TICKET_COMMANDS = {"show": (".ticket_show", "show_command"),
                            "list": (".ticket_list", "list_command"),
                            "board": (".ticket_list", "board_command")}


def _whole_ticket_group() -> click.Group:
    from .ticket import ticket_group
    from .ticket_reply import reply_command

    for module, name in _READING_TICKET_COMMANDS.values():
        ticket_group.add_command(_attribute(module, name)())
    ticket_group.add_command(reply_command)
    return ticket_group


class TicketGroup(click.Group):
    """`opsvault ticket`: the reading commands are imported on their own, the others with
    the module that holds them (the workflow, assignment, mail)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _READING_TICKET_COMMANDS:
            return _attribute(*_READING_TICKET_COMMANDS[cmd_name])()
        return _whole_ticket_group().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return _whole_ticket_group().list_commands(ctx)


def _ticket_group() -> click.Group:
    return TicketGroup("ticket", help=TICKET_HELP)


def _attribute(module: str, name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        command = getattr(importlib.import_module(module, __name__), name)
        assert isinstance(command, click.Command)
        return command
    return load


Lazy = dict[str, tuple[Callable[[], click.Command], str]]  # name → (loader, short help)


def _shortened(text: str, width: int) -> str:
    """`text`, cut at a word and ended with "..." when longer than `width` (as click does)."""
    if len(text) <= width:
        return text
    return text[:max(0, width - 3)].rsplit(" ", 1)[0].rstrip(",;:") + "..."


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when one of them runs."""

    def __init__(self, *args: Any, lazy: Lazy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = self.lazy.get(cmd_name)
        return found[0]() if found else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in self.lazy)
        rows = [(name, _shortened(short, width)) for name, (_, short) in self.lazy.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


# `kb suggest` reads the search index and one ticket: it should not wait for what `kb new`
# imports to write files (git, the workflow, the templates).
KB_GROUP = LazyGroup("kb", help="Knowledge-base entries (kb/<Category>/KB-OPS-NNN-….md).", lazy={
    "new": (_attribute(".kb", "kb_new_command"),
            "Create a KB entry with the next free id from vault/templates/kb.md."),
    "suggest": (_attribute(".kb_suggest", "kb_suggest_command"),
                "KB entries, procedures and scripts that may fix a ticket (or match TEXT), "
                "best first."),
})

# In the order `--help` lists them.
COMMANDS: Lazy = {
    "build": (_attribute(".site", "build_command"),
              "Generate the site's pages and build the site."),
    "check": (_attribute(".check", "check_command"),
              "Validate tickets, KB entries, SOPs, scripts, team and settings."),
    "completion": (_attribute(".completion", "completion_command"),
                   "Print the shell code that completes opsvault's commands, ticket ids, "
                   "statuses, priorities, categories and handles."),
    "init": (_attribute(".init", "init_command"),
             "Create a new vault in DIRECTORY (default: here)."),
    "intake": (_attribute(".intake", "intake_group"),
               "Open tickets from email and monitoring alerts."),
    "kb": (lambda: KB_GROUP, "Knowledge-base entries (kb/<Category>/KB-OPS-NNN-….md)."),
    "metrics": (_attribute(".metrics", "metrics_command"),
                "Ticket metrics per ISO week: volume, response and resolution times, SLA, "
                "repeats."),
    "report": (_attribute(".report", "report_command"),
               "The weekly or monthly summary: resolved, response times, SLA, repeats, KB "
               "growth."),
    "serve": (_attribute(".site", "serve_command"),
              "Preview the site, regenerating pages as you edit the vault."),
    "sla": (_attribute(".sla", "sla_command"),
            "Open tickets at risk of missing their SLA, or past it, most urgent first."),
    "sop": (_attribute(".kb", "sop_group"),
            "Standard operating procedures (sops/SOP-NNN-….md)."),
    "ticket": (_ticket_group, "Open, assign, work on, resolve and close tickets."),
}


class OpsvaultGroup(LazyGroup):
    """The top command: subcommands imported when used, and Ctrl-C ending any of them with
    one line and exit code 130."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.Abort):
            # Writes are atomic (temporary file, then rename), so an interrupted command
            # leaves every file as it was or as it was meant to be; the lock goes with it.
            click.echo("\ninterrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=OpsvaultGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="opsvault")
def main() -> None:
    """An IT help desk kept as Markdown in git.

    Tickets, KB entries, SOPs and scripts are Markdown files with YAML front matter;
    opsvault validates them, runs the ticket workflow, computes metrics from git history
    and publishes a site. Run a command with --help for details and examples.
    """
