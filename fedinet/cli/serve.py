"""`fedinet serve`: run the web server (and its background work) in this process."""

from __future__ import annotations

import logging

import click
from aiohttp import web

from fedinet import __version__
from fedinet.app import create_app
from fedinet.cli.common import fail, handles_errors, open_database, settings_from
from fedinet.config import Settings


@handles_errors
async def _ready_settings(ctx: click.Context, host: str | None, port: int | None) -> Settings:
    """Settings, after checking the database is reachable and migrated."""
    settings = settings_from(ctx, host=host, port=port)
    async with open_database(settings):
        return settings


@click.command()
@click.option("--host", help="Listen address (default: $FEDINET_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="Listen port (default: $FEDINET_PORT or the base URL's port).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the instance until interrupted (Ctrl-C or SIGTERM)."""
    settings = _ready_settings(ctx, host, port)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    banner = (
        f"fedinet {__version__} serving {settings.base_url} "
        f"(listening on {settings.host}:{settings.port}); press Ctrl-C to stop"
    )
    try:
        web.run_app(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            access_log=None,
            print=lambda _: click.echo(banner, err=True),
        )
    except OSError as error:
        fail(
            f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}. "
            "Is another server running there? Choose another port with --port or FEDINET_PORT."
        )
