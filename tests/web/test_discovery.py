"""WebFinger, host-meta and NodeInfo as other servers call them, over real HTTP."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from fedinet.services import accounts


def webfinger_url(instance, resource: str) -> str:  # type: ignore[no-untyped-def]
    return f"{instance.base_url}/.well-known/webfinger?resource={quote(resource, safe='')}"


async def test_webfinger_by_handle_and_by_url(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    actor_uri = f"{instance.base_url}/users/alice"
    for resource in (
        f"acct:alice@{instance.domain}",
        f"alice@{instance.domain}",
        f"acct:ALICE@{instance.domain}",
        actor_uri,
        f"{instance.base_url}/@alice",
    ):
        async with http.get(webfinger_url(instance, resource)) as response:
            assert response.status == 200, resource
            assert response.content_type == "application/jrd+json"
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            jrd = await response.json(content_type=None)
        assert jrd["subject"] == f"acct:alice@{instance.domain}"
        assert actor_uri in jrd["aliases"]
        links = {link["rel"]: link for link in jrd["links"]}
        assert links["self"] == {"rel": "self", "type": "application/activity+json", "href": actor_uri}
        assert links["http://webfinger.net/rel/profile-page"]["href"] == f"{instance.base_url}/@alice"


async def test_webfinger_instance_actor(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(webfinger_url(instance, f"acct:{instance.domain}@{instance.domain}")) as response:
        assert response.status == 200
        jrd = await response.json(content_type=None)
    assert jrd["links"][-1]["href"] == f"{instance.base_url}/actor"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("?resource=", 400),
        ("?resource=alice", 400),
        ("?resource=acct:@HOST", 400),
        ("?resource=acct:alice@", 400),
        ("?resource=acct:" + "a" * 600 + "@HOST", 400),
        ("?resource=acct:nobody@HOST", 404),
        ("?resource=acct:bad%20name@HOST", 400),
        ("?resource=acct:bad-name@HOST", 404),
        ("?resource=acct:alice@elsewhere.example", 404),
        ("?resource=https://elsewhere.example/users/alice", 404),
        ("?resource=http://HOST/notes/1", 404),
    ],
)
async def test_webfinger_errors(instance, http, query: str, status: int) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    url = f"{instance.base_url}/.well-known/webfinger{query.replace('HOST', instance.domain)}"
    async with http.get(url) as response:
        assert response.status == status
        assert response.content_type == "application/json"
        assert (await response.json())["error"]


async def test_suspended_member_is_gone(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("mallory")
    await accounts.set_suspended(instance.db, "mallory", True)
    async with http.get(webfinger_url(instance, f"acct:mallory@{instance.domain}")) as response:
        assert response.status == 410
    async with http.get(
        f"{instance.base_url}/users/mallory", headers={"Accept": "application/activity+json"}
    ) as response:
        assert response.status == 410


async def test_host_meta(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(f"{instance.base_url}/.well-known/host-meta") as response:
        assert response.status == 200
        assert response.content_type == "application/xrd+xml"
        body = await response.text()
    assert f'template="{instance.base_url}/.well-known/webfinger?resource={{uri}}"' in body


async def test_nodeinfo(instance, http) -> None:  # type: ignore[no-untyped-def]
    from fedinet.services import statuses

    alice = await instance.create_member("alice")
    await statuses.post(instance.db, instance.settings, alice, "hello")
    await instance.create_member("bob")
    async with http.get(f"{instance.base_url}/.well-known/nodeinfo") as response:
        assert response.status == 200
        links = (await response.json())["links"]
    assert links[0] == {
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
        "href": f"{instance.base_url}/nodeinfo/2.1",
    }
    for version in ("2.1", "2.0"):
        async with http.get(f"{instance.base_url}/nodeinfo/{version}") as response:
            assert response.status == 200
            assert f"schema/{version}#" in response.headers["Content-Type"]
            document = await response.json(content_type=None)
        assert document["version"] == version
        assert document["software"]["name"] == "fedinet"
        assert document["protocols"] == ["activitypub"]
        assert document["usage"]["users"]["total"] == 2
        assert document["usage"]["localPosts"] == 1
        assert document["openRegistrations"] is False
    async with http.get(f"{instance.base_url}/nodeinfo/3.0") as response:
        assert response.status == 404


async def test_cors_preflight(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.options(
        f"{instance.base_url}/.well-known/webfinger",
        headers={"Origin": "https://client.example", "Access-Control-Request-Method": "GET"},
    ) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
