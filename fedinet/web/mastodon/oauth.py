"""OAuth 2 endpoints: app registration, the login-and-consent page, tokens, revocation."""

from __future__ import annotations

import base64
import hmac
import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedinet.services import oauth
from fedinet.services.scopes import KNOWN, format_scopes
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.params import params
from fedinet.web.pages import render

routes = web.RouteTableDef()
CSRF_COOKIE = "fedinet_csrf"
AUTHORIZE_FIELDS = (
    "client_id", "redirect_uri", "response_type", "scope", "state",
    "code_challenge", "code_challenge_method",
)


def oauth_error(error: oauth.OAuthError) -> web.Response:
    return web.json_response(
        {"error": error.code, "error_description": str(error)}, status=error.status
    )


@routes.post("/api/v1/apps")
async def register_app(request: web.Request) -> web.Response:
    given = await params(request)
    registered = await oauth.register_app(
        database_of(request),
        given.text("client_name") or "",
        given.text("redirect_uris") or "",
        given.text("scopes"),
        given.text("website"),
    )
    application = registered.application
    return web.json_response(
        {
            "id": str(application.id),
            "name": application.name,
            "website": application.website,
            "scopes": application.scopes.split(),
            "redirect_uri": "\n".join(application.redirect_uris),
            "redirect_uris": application.redirect_uris,
            "client_id": application.client_id,
            "client_secret": registered.client_secret,
            "client_secret_expires_at": 0,
            "vapid_key": None,
        }
    )


@routes.get("/.well-known/oauth-authorization-server")
async def metadata(request: web.Request) -> web.Response:
    settings = settings_of(request)
    return web.json_response(
        {
            "issuer": settings.base_url + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": settings.url("/oauth/authorize"),
            "token_endpoint": settings.url("/oauth/token"),
            "revocation_endpoint": settings.url("/oauth/revoke"),
            "app_registration_endpoint": settings.url("/api/v1/apps"),
            "scopes_supported": sorted(KNOWN),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "password", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
    )


async def _authorize_request(request: web.Request) -> tuple[Any, dict[str, str], frozenset[str]]:
    """The app, the authorization parameters and scopes; errors before anything is shown."""
    given = await params(request)
    fields = {name: given.text(name) or "" for name in AUTHORIZE_FIELDS}
    application = await oauth.find_app(database_of(request), fields["client_id"])
    oauth.check_redirect_uri(application, fields["redirect_uri"])
    if fields["response_type"] != "code":
        raise oauth.OAuthError("unsupported_response_type", "response_type must be code")
    scopes = oauth.allowed_scopes(application, fields["scope"] or None)
    if fields["code_challenge"] and fields["code_challenge_method"] != "S256":
        raise oauth.OAuthError("invalid_request", "only the S256 code_challenge_method is supported")
    return application, fields, scopes


def _login_page(
    request: web.Request, application: Any, fields: dict[str, str], scopes: frozenset[str],
    *, error: str = "", username: str = "", status: int = 200,
) -> web.Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request, "authorize.html", app_name=application.name, scopes=format_scopes(scopes).split(),
        hidden={**{k: v for k, v in fields.items() if v}, "csrf_token": token},
        error=error, username=username,
    )
    response.set_status(status)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Strict", path="/oauth/authorize")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
    return response


@routes.get("/oauth/authorize")
async def authorize_page(request: web.Request) -> web.Response:
    try:
        application, fields, scopes = await _authorize_request(request)
    except oauth.OAuthError as error:
        return web.Response(status=400, text=f"Cannot authorize: {error}", content_type="text/plain")
    return _login_page(request, application, fields, scopes)


@routes.post("/oauth/authorize")
async def authorize_submit(request: web.Request) -> web.Response:
    try:
        application, fields, scopes = await _authorize_request(request)
    except oauth.OAuthError as error:
        return web.Response(status=400, text=f"Cannot authorize: {error}", content_type="text/plain")
    given = await params(request)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, given.text("csrf_token") or ""):
        return web.Response(status=403, text="The form expired; go back and try again.", content_type="text/plain")
    username = given.text("username") or ""
    account = await oauth.authenticate(database_of(request), username, given.text("password") or "")
    if account is None:
        return _login_page(
            request, application, fields, scopes,
            error="Wrong username or password.", username=username, status=401,
        )
    code = await oauth.create_code(
        database_of(request), application, account, fields["redirect_uri"], scopes,
        fields["code_challenge"] or None, fields["code_challenge_method"] or None,
    )
    if fields["redirect_uri"] == oauth.OOB_REDIRECT:
        return render(request, "authorization_code.html", app_name=application.name, code=code)
    query = {"code": code, **({"state": fields["state"]} if fields["state"] else {})}
    separator = "&" if "?" in fields["redirect_uri"] else "?"
    raise web.HTTPFound(fields["redirect_uri"] + separator + urlencode(query))


def _client_credentials(request: web.Request, given: Any) -> tuple[str | None, str | None]:
    """client_id and client_secret from HTTP Basic or from the body."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            raise oauth.OAuthError("invalid_client", "malformed Basic authorization", 401) from None
        return client_id, secret
    return given.text("client_id"), given.text("client_secret")


@routes.post("/oauth/token")
async def token(request: web.Request) -> web.Response:
    db = database_of(request)
    given = await params(request)
    try:
        client_id, client_secret = _client_credentials(request, given)
        application = await oauth.find_app(db, client_id)
        oauth.check_client_secret(application, client_secret)
        grant = given.text("grant_type")
        if grant == "authorization_code":
            issued = await oauth.exchange_code(
                db, application, given.text("code") or "", given.text("redirect_uri"),
                given.text("code_verifier"),
            )
        elif grant == "password":
            account = await oauth.authenticate(db, given.text("username") or "", given.text("password") or "")
            if account is None:
                raise oauth.OAuthError("invalid_grant", "wrong username or password")
            scopes = oauth.allowed_scopes(application, given.text("scope"))
            issued = await oauth.issue_token(db, application, account.id, scopes)
        elif grant == "client_credentials":
            scopes = oauth.allowed_scopes(application, given.text("scope"))
            issued = await oauth.issue_token(db, application, None, scopes)
        else:
            raise oauth.OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported")
    except oauth.OAuthError as error:
        return oauth_error(error)
    return web.json_response(
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "scope": issued.token.scopes,
            "created_at": int(issued.token.created_at.timestamp()),
        },
        headers={"Cache-Control": "no-store"},
    )


@routes.post("/oauth/revoke")
async def revoke(request: web.Request) -> web.Response:
    db = database_of(request)
    given = await params(request)
    try:
        client_id, client_secret = _client_credentials(request, given)
        application = await oauth.find_app(db, client_id)
        oauth.check_client_secret(application, client_secret)
    except oauth.OAuthError as error:
        return oauth_error(error)
    await oauth.revoke(db, application, given.text("token") or "")
    return web.json_response({})

