"""The `opsvault` command line: thin commands over the library, one module per noun."""

from __future__ import annotations

import click

from .. import __version__
from .check import check_command
from .common import EXIT_INTERRUPTED
from .completion import completion_command
from .init import init_command
from .intake import intake_group
from .kb import kb_group, sop_group
from .metrics import metrics_command, report_command, sla_command
from .site import build_command, serve_command
from .ticket import ticket_group
from .ticket_reply import reply_command
from .ticket_show import show_command


class OpsvaultGroup(click.Group):
    """The top command: Ctrl-C ends any command with one line and exit code 130."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.Abort):
            # Writes are atomic (temporary file, then rename), so an interrupted command
            # leaves every file as it was or as it was meant to be; the lock goes with it.
            click.echo("\ninterrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=OpsvaultGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="opsvault")
def main() -> None:
    """An IT help desk kept as Markdown in git.

    Tickets, KB entries, SOPs and scripts are Markdown files with YAML front matter;
    opsvault validates them, runs the ticket workflow, computes metrics from git history
    and publishes a site. Run a command with --help for details and examples.
    """


main.add_command(check_command)
main.add_command(init_command)
main.add_command(ticket_group)
main.add_command(intake_group)
main.add_command(kb_group)
main.add_command(sop_group)
main.add_command(build_command)
main.add_command(serve_command)
main.add_command(metrics_command)
main.add_command(report_command)
main.add_command(sla_command)
main.add_command(completion_command)
ticket_group.add_command(show_command)
ticket_group.add_command(reply_command)
