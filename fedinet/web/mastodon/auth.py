"""Bearer tokens: who is calling, with which scopes; one decorator per endpoint says what it needs."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web

from fedinet.services import oauth
from fedinet.services.scopes import covers, parse_scopes
from fedinet.store.models import Account, OAuthToken
from fedinet.web.context import database_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKEN = web.RequestKey("token", OAuthToken)
ACCOUNT = web.RequestKey("account", Account)


def bearer_token(request: web.Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.query.get("access_token") or None


async def authenticate(request: web.Request) -> None:
    """Attach the caller's token and member to the request; 401 for a bad token."""
    access_token = bearer_token(request)
    if access_token is None:
        return
    found = await oauth.token_for(database_of(request), access_token)
    if found is None:
        raise web.HTTPUnauthorized(text="The access token is invalid")
    request[TOKEN], account = found
    if account is not None:
        request[ACCOUNT] = account


def requires(scope: str | None, *, user: bool = True, optional: bool = False) -> Callable[[Handler], Handler]:
    """The endpoint needs a token with `scope` (and a member behind it, unless `user=False`).

    With `optional=True`, anonymous calls pass (public endpoints that say more to members).
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            await authenticate(request)
            if TOKEN not in request:
                if optional:
                    return await handler(request)
                raise web.HTTPUnauthorized(text="The access token is invalid")
            if scope is not None and not covers(parse_scopes(request[TOKEN].scopes), scope):
                raise web.HTTPForbidden(text="This action is outside the authorized scopes")
            if user and ACCOUNT not in request:
                raise web.HTTPUnprocessableEntity(text="This method requires an authenticated user")
            return await handler(request)

        return wrapper

    return decorate


def current_account(request: web.Request) -> Account:
    return request[ACCOUNT]


def optional_account(request: web.Request) -> Account | None:
    return request.get(ACCOUNT)
