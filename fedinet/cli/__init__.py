"""`fedinet`: the admin command line. One coherent tool; each group lives in its own module."""

from __future__ import annotations

import click

from fedinet import __version__
from fedinet.cli import doctor, evidence, federation, introductions, proposals, reputation, serve, setup, statuses, users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="The instance's data directory (default: $FEDINET_DATA_DIR or ./fedinet-data).",
)
@click.version_option(__version__, prog_name="fedinet")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None) -> None:
    """Run and administer a fedinet instance."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


cli.add_command(setup.init)
cli.add_command(setup.migrate)
cli.add_command(serve.serve)
cli.add_command(doctor.doctor)
cli.add_command(users.user)
cli.add_command(reputation.reputation)
for command in (
    federation.lookup,
    federation.follow,
    federation.unfollow,
    federation.domain,
    federation.queue,
    *statuses.COMMANDS,
    *proposals.COMMANDS,
    *evidence.COMMANDS,
    *introductions.COMMANDS,
):
    cli.add_command(command)


def main() -> None:
    cli(obj={})
