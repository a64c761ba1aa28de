"""OAuth 2 as Mastodon clients use it: apps, the login page, tokens, scopes, revocation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from support.instances import TEST_PASSWORD

REDIRECT = "https://client.example/callback"


async def register(http, instance, scopes: str = "read write follow") -> dict:  # type: ignore[no-untyped-def]
    async with http.post(f"{instance.base_url}/api/v1/apps", data={
        "client_name": "Test <App>", "redirect_uris": f"{REDIRECT} urn:ietf:wg:oauth:2.0:oob", "scopes": scopes,
    }) as response:
        assert response.status == 200
        return await response.json()


async def password_token(http, instance, app, scope: str = "read write follow", username: str = "alice") -> dict:  # type: ignore[no-untyped-def]
    async with http.post(f"{instance.base_url}/oauth/token", json={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": username, "password": TEST_PASSWORD, "scope": scope,
    }) as response:
        return {"status": response.status, **(await response.json())}


async def me(http, instance, token: str) -> int:  # type: ignore[no-untyped-def]
    async with http.get(f"{instance.base_url}/api/v1/accounts/verify_credentials",
                        headers={"Authorization": f"Bearer {token}"}) as response:
        return response.status


async def test_password_grant_and_revoke(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    app = await register(http, instance)
    assert app["scopes"] == ["read", "write", "follow"] and app["vapid_key"] is None
    token = await password_token(http, instance, app)
    assert token["status"] == 200 and token["token_type"] == "Bearer"
    assert isinstance(token["created_at"], int) and token["scope"] == "read write follow"
    assert await me(http, instance, token["access_token"]) == 200

    async with http.post(f"{instance.base_url}/oauth/revoke", data={
        "client_id": app["client_id"], "client_secret": app["client_secret"], "token": token["access_token"],
    }) as response:
        assert response.status == 200
    assert await me(http, instance, token["access_token"]) == 401
    assert await me(http, instance, "made-up") == 401

    wrong = await password_token(http, instance, {**app, "client_secret": "nope"})
    assert wrong["status"] == 401 and wrong["error"] == "invalid_client"
    bad_password = await password_token(http, instance, app, username="nobody")
    assert bad_password["status"] == 400 and bad_password["error"] == "invalid_grant"
    too_wide = await password_token(http, instance, app, scope="read push")
    assert too_wide["error"] == "invalid_scope"


async def test_scopes_are_enforced(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    app = await register(http, instance, scopes="read:statuses write")
    token = await password_token(http, instance, app, scope="read:statuses")
    assert await me(http, instance, token["access_token"]) == 403
    async with http.post(f"{instance.base_url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read:statuses",
    }) as response:
        app_token = (await response.json())["access_token"]
    async with http.get(f"{instance.base_url}/api/v1/preferences",
                        headers={"Authorization": f"Bearer {app_token}"}) as response:
        assert response.status == 403


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def login_through_page(http, instance, app, challenge: str, *, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    query = {"client_id": app["client_id"], "redirect_uri": REDIRECT, "response_type": "code",
             "scope": "read write", "state": "xyz", "code_challenge": challenge, "code_challenge_method": "S256"}
    async with http.get(f"{instance.base_url}/oauth/authorize", params=query) as response:
        assert response.status == 200
        page = await response.text()
    assert "Test &lt;App&gt;" in page and "<App>" not in page  # the app's name is escaped
    fields = {unescape(name): unescape(value) for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page)}
    fields.update(username="alice", password=password)
    async with http.post(f"{instance.base_url}/oauth/authorize", data=fields, allow_redirects=False) as response:
        return response.status, response.headers.get("Location"), fields


async def test_authorization_code_with_pkce(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    app = await register(http, instance)
    verifier, challenge = pkce()

    status, _location, _ = await login_through_page(http, instance, app, challenge, password="wrong password")
    assert status == 401
    status, location, fields = await login_through_page(http, instance, app, challenge)
    assert status == 302 and location.startswith(REDIRECT)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz"]
    code = query["code"][0]

    exchange = {"grant_type": "authorization_code", "client_id": app["client_id"],
                "client_secret": app["client_secret"], "code": code, "redirect_uri": REDIRECT}
    async with http.post(f"{instance.base_url}/oauth/token", data={**exchange, "code_verifier": "wrong"}) as response:
        assert response.status == 400
    async with http.post(f"{instance.base_url}/oauth/token", data={**exchange, "code_verifier": verifier}) as response:
        assert response.status == 200
        token = await response.json()
    assert token["scope"] == "read write"
    assert await me(http, instance, token["access_token"]) == 200
    async with http.post(f"{instance.base_url}/oauth/token", data={**exchange, "code_verifier": verifier}) as response:
        assert response.status == 400  # single use


async def test_authorize_page_refuses_bad_requests(instance, http) -> None:  # type: ignore[no-untyped-def]
    app = await register(http, instance)
    base = {"client_id": app["client_id"], "redirect_uri": REDIRECT, "response_type": "code"}
    for change in ({"redirect_uri": "https://evil.example/"}, {"client_id": "nope"},
                   {"code_challenge": "abc", "code_challenge_method": "plain"}):
        async with http.get(f"{instance.base_url}/oauth/authorize", params={**base, **change}) as response:
            assert response.status in (400, 401), change
    # A POST without the CSRF cookie is refused.
    async with http.post(f"{instance.base_url}/oauth/authorize", data={**base, "username": "alice", "password": "x", "csrf_token": "forged"}) as response:
        assert response.status == 403


async def test_instance_and_trailing_slash(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(f"{instance.base_url}/api/v1/instance/") as response:
        assert response.status == 200
        v1 = await response.json()
    assert v1["uri"] == instance.domain and v1["version"].startswith("4.3.0 (compatible; fedinet ")
    async with http.get(f"{instance.base_url}/api/v2/instance") as response:
        v2 = await response.json()
    assert v2["api_versions"] == {"mastodon": 2} and v2["configuration"]["statuses"]["max_characters"] > 0


@pytest.mark.parametrize("path", ["/api/v1/accounts/verify_credentials", "/api/v1/preferences"])
async def test_no_token(instance, http, path: str) -> None:  # type: ignore[no-untyped-def]
    async with http.get(instance.base_url + path) as response:
        assert response.status == 401
        assert (await response.json())["error"]
