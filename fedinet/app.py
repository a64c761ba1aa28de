"""The application factory: one aiohttp app serving discovery, actors, pages (and later APIs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from fedinet.background import BackgroundRunner
from fedinet.config import Settings
from fedinet.federation.transport import Transport
from fedinet.store.database import Database
from fedinet.federation.delivery import DeliveryJob
from fedinet.federation.inbox import InboxReceiver
from fedinet.federation.key_store import KeyStore
from fedinet.federation.processing import InboxJob
from fedinet.services.nudges import NudgeJob
from fedinet.services.reputation import ReputationJob
from fedinet.services.instance import instance_fetch_key
from fedinet.web import actors, collections, inbox, market, pages, statuses, wellknown
from fedinet.web.authorized_fetch import KEY_STORE, authorized_fetch_middleware
from fedinet.web.mastodon import accounts as api_accounts
from fedinet.web.mastodon import instance as api_instance
from fedinet.web.mastodon import markers as api_markers
from fedinet.web.mastodon import notifications as api_notifications
from fedinet.web.mastodon import oauth as api_oauth
from fedinet.web.mastodon import relationships as api_relationships
from fedinet.web.mastodon import search as api_search
from fedinet.web import fedinet_api
from fedinet.web.mastodon import statuses as api_statuses
from fedinet.web.mastodon import streaming as api_streaming
from fedinet.web.mastodon import timelines as api_timelines
from fedinet.web.context import DATABASE, SETTINGS, TRANSPORT
from fedinet.web.middleware import cors_middleware, errors_middleware
from fedinet.web.rate_limits import LIMITER, RateLimiter, rate_limit_middleware

STATIC_DIR = Path(__file__).parent / "web" / "static"
MAX_REQUEST_BYTES = 1024 * 1024  # inbound bodies over 1 MiB get 413
BACKGROUND = web.AppKey("background", BackgroundRunner)


def create_app(
    settings: Settings, db: Database | None = None, *, run_background: bool = True
) -> web.Application:
    """Build the app. Pass `db` to share a database handle (tests); otherwise the app owns one.

    With `run_background=False` no job loops start; call `app[BACKGROUND].run_once()` instead.
    """
    app = web.Application(
        middlewares=[
            web.normalize_path_middleware(
                append_slash=False, remove_slash=True, redirect_class=web.HTTPPermanentRedirect
            ),
            cors_middleware,
            errors_middleware,
            rate_limit_middleware,
            authorized_fetch_middleware,
        ],
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[SETTINGS] = settings
    app[DATABASE] = db or Database(settings.database_url)
    app[BACKGROUND] = BackgroundRunner()
    app[LIMITER] = RateLimiter()
    if db is None:
        app.cleanup_ctx.append(_dispose_database)
    app.cleanup_ctx.append(_federation)
    if run_background:
        app.cleanup_ctx.append(app[BACKGROUND].lifecycle)
    for module in (
        wellknown, actors, collections, inbox, market, pages, statuses,
        api_oauth, api_instance, api_accounts,
        api_statuses, api_timelines,
        api_relationships, api_notifications, api_search, api_markers,
    ):
        app.router.add_routes(module.routes)
    for routes in fedinet_api.ROUTES:
        app.router.add_routes(routes)
    api_streaming.setup(app)
    app.router.add_static("/static", STATIC_DIR)
    return app


async def _dispose_database(app: web.Application) -> AsyncIterator[None]:
    yield
    await app[DATABASE].dispose()


async def _federation(app: web.Application) -> AsyncIterator[None]:
    """The outbound transport, the inbox, and the background jobs: processing and delivering
    activities, recomputing reputation when evidence changes, and nudging members."""
    settings, db = app[SETTINGS], app[DATABASE]
    transport = app[TRANSPORT] = Transport(
        allow_private_addresses=settings.allow_private_addresses
    )
    transport.fetch_key = await instance_fetch_key(db, settings)
    keys = app[KEY_STORE] = KeyStore(db, transport)
    app[inbox.INBOX_RECEIVER] = InboxReceiver(
        db, keys, window=timedelta(seconds=settings.signature_window_seconds)
    )
    app[BACKGROUND].jobs.extend(
        [
            InboxJob(db, settings, transport),
            DeliveryJob(db, transport, lease=timedelta(seconds=settings.delivery_lease_seconds)),
            ReputationJob(db, settings),
            NudgeJob(db, settings),
        ]
    )
    yield
    await app[TRANSPORT].close()
