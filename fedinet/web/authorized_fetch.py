"""Authorized fetch: with the setting on, ActivityPub documents are served to signed GETs only.

Like Mastodon's secure mode, this lets the instance know (and refuse, by domain block) who
reads its members' posts and collections. The instance actor, WebFinger, NodeInfo and HTML
pages stay public: other servers need the instance actor's key to verify our own fetches.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from aiohttp.typedefs import Handler

from fedinet.clock import utc_now
from fedinet.federation.key_store import KeyStore, OwnedKey
from fedinet.federation.request_auth import SignatureRejected, origin, verified_signer
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.store import inbox as inbox_queries
from fedinet.web import negotiation
from fedinet.web.context import database_of, settings_of
from fedinet.web.middleware import error_response

KEY_STORE = web.AppKey("key_store", KeyStore)
PUBLIC_PREFIXES = ("/actor", "/.well-known/", "/nodeinfo/")


async def request_signer(request: web.Request) -> OwnedKey:
    """The verified key (and its owner) of the request's HTTP signature; SignatureRejected
    when it is missing or does not verify."""
    settings = settings_of(request)
    message = HttpMessage(request.method, settings.base_url + request.raw_path, request.headers)
    window = timedelta(seconds=settings.signature_window_seconds)
    return await verified_signer(message, request.app[KEY_STORE], utc_now(), window)


@web.middleware
async def authorized_fetch_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = settings_of(request)
    if (
        not settings.authorized_fetch
        or request.method not in ("GET", "HEAD")
        or request.path.startswith(PUBLIC_PREFIXES)
        or negotiation.preferred(request) != "activity"
    ):
        return await handler(request)
    try:
        signer = await request_signer(request)
    except SignatureRejected as error:
        return error_response(request, 401, f"authorized fetch: {error}")
    async with database_of(request).session() as session:
        if await inbox_queries.is_domain_blocked(session, origin(signer.owner.uri)):
            return error_response(request, 403, f"{origin(signer.owner.uri)} is blocked on this server")
    return await handler(request)
