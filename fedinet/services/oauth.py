"""OAuth 2 for Mastodon clients: apps, authorization codes (PKCE S256), tokens, revocation.

Secrets, codes and tokens are random 32-byte values shown once; only their SHA-256 is
stored, so a database leak gives no usable credential.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fedinet.clock import utc_now
from fedinet.services import accounts as account_service
from fedinet.services.errors import InvalidInput, ServiceError
from fedinet.services.passwords import spend_verification_time, verify_password
from fedinet.services.scopes import format_scopes, parse_scopes
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, OAuthApplication, OAuthAuthorizationCode, OAuthToken

OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)


class OAuthError(ServiceError):
    """An RFC 6749 error: `code` is its `error` value (invalid_grant, invalid_client, …)."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.status = status


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class RegisteredApp:
    application: OAuthApplication
    client_secret: str  # shown once


@dataclass(frozen=True)
class IssuedToken:
    token: OAuthToken
    access_token: str  # shown once


async def register_app(
    db: Database, name: str, redirect_uris: str, scopes: str | None, website: str | None
) -> RegisteredApp:
    if not name.strip() or len(name) > 255:
        raise InvalidInput("client_name is required (at most 255 characters)")
    uris = [uri.strip() for uri in redirect_uris.split() if uri.strip()]
    if not uris:
        raise InvalidInput("redirect_uris is required")
    for uri in uris:
        if uri != OOB_REDIRECT and not urlsplit(uri).scheme:
            raise InvalidInput(f"redirect_uris: {uri!r} is not an absolute URI")
    secret = secrets.token_urlsafe(32)
    application = OAuthApplication(
        client_id=secrets.token_urlsafe(32),
        client_secret_hash=_digest(secret),
        name=name.strip(),
        website=website or None,
        redirect_uris=uris,
        scopes=format_scopes(parse_scopes(scopes)),
    )
    async with db.transaction() as session:
        session.add(application)
    return RegisteredApp(application, secret)


async def find_app(db: Database, client_id: str | None) -> OAuthApplication:
    async with db.session() as session:
        application = await session.scalar(
            select(OAuthApplication).where(OAuthApplication.client_id == (client_id or ""))
        )
    if application is None:
        raise OAuthError("invalid_client", "unknown client_id", 401)
    return application


def check_client_secret(application: OAuthApplication, client_secret: str | None) -> None:
    if not hmac.compare_digest(application.client_secret_hash, _digest(client_secret or "")):
        raise OAuthError("invalid_client", "client authentication failed", 401)


def allowed_scopes(application: OAuthApplication, requested: str | None) -> frozenset[str]:
    """The requested scopes (default: the app's own), which must be within the app's."""
    registered = parse_scopes(application.scopes)
    scopes = parse_scopes(requested, default=application.scopes)
    if not scopes <= registered:
        raise OAuthError("invalid_scope", "the requested scope is not registered for this app")
    return scopes


def check_redirect_uri(application: OAuthApplication, redirect_uri: str | None) -> str:
    if redirect_uri not in application.redirect_uris:
        raise OAuthError("invalid_grant", "redirect_uri does not match a registered one")
    return redirect_uri


async def authenticate(db: Database, username: str, password: str) -> Account | None:
    """The member with these credentials, unless suspended; None otherwise."""
    try:
        account = await account_service.get_account(db, username)
    except ServiceError:
        await spend_verification_time(password)
        return None
    if account.is_suspended or not await verify_password(account.password_hash, password):
        return None
    return account


async def create_code(
    db: Database,
    application: OAuthApplication,
    account: Account,
    redirect_uri: str,
    scopes: frozenset[str],
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> str:
    if code_challenge is not None and code_challenge_method != "S256":
        raise OAuthError("invalid_request", "only the S256 code_challenge_method is supported")
    code = secrets.token_urlsafe(32)
    async with db.transaction() as session:
        session.add(
            OAuthAuthorizationCode(
                code_hash=_digest(code),
                application_id=application.id,
                account_id=account.id,
                redirect_uri=redirect_uri,
                scopes=format_scopes(scopes),
                code_challenge=code_challenge,
                expires_at=utc_now() + CODE_LIFETIME,
            )
        )
    return code


async def exchange_code(
    db: Database,
    application: OAuthApplication,
    code: str,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> IssuedToken:
    """authorization_code grant: a code is good once, for its app, URI and PKCE verifier."""
    async with db.transaction() as session:
        row = await session.scalar(
            select(OAuthAuthorizationCode).where(OAuthAuthorizationCode.code_hash == _digest(code))
        )
        if (
            row is None
            or row.application_id != application.id
            or row.used_at is not None
            or row.expires_at < utc_now()
        ):
            raise OAuthError("invalid_grant", "the authorization code is invalid, used or expired")
        if redirect_uri != row.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
        if row.code_challenge is not None:
            expected = base64.urlsafe_b64encode(hashlib.sha256((code_verifier or "").encode()).digest())
            if not hmac.compare_digest(expected.rstrip(b"=").decode(), row.code_challenge):
                raise OAuthError("invalid_grant", "the code_verifier does not match the code_challenge")
        row.used_at = utc_now()
        account_id, scopes = row.account_id, row.scopes
    return await issue_token(db, application, account_id, parse_scopes(scopes))


async def issue_token(
    db: Database, application: OAuthApplication, account_id: int | None, scopes: frozenset[str]
) -> IssuedToken:
    access_token = secrets.token_urlsafe(32)
    token = OAuthToken(
        token_hash=_digest(access_token),
        application_id=application.id,
        account_id=account_id,
        scopes=format_scopes(scopes),
    )
    async with db.transaction() as session:
        session.add(token)
    return IssuedToken(token, access_token)


async def revoke(db: Database, application: OAuthApplication, access_token: str) -> None:
    """Revoke a token of this app (unknown tokens are ignored, as RFC 7009 asks)."""
    async with db.transaction() as session:
        token = await session.scalar(
            select(OAuthToken).where(OAuthToken.token_hash == _digest(access_token))
        )
        if token is not None and token.application_id == application.id:
            token.revoked_at = utc_now()


async def token_for(db: Database, access_token: str) -> tuple[OAuthToken, Account | None] | None:
    """The live token and its member (None for app tokens); None if unknown or revoked."""
    async with db.session() as session:
        # One query on every API request: the member and actor, not the actor's keys (they
        # would be loaded for nothing; code that signs loads its own actor with its keys).
        found = (
            await session.execute(
                select(OAuthToken, Account)
                .outerjoin(Account, Account.id == OAuthToken.account_id)
                .options(joinedload(Account.actor).raiseload(Actor.keys))
                .where(OAuthToken.token_hash == _digest(access_token))
            )
        ).first()
    if found is None:
        return None
    token, account = found
    if token.revoked_at is not None or (account is not None and account.is_suspended):
        return None
    return token, account
