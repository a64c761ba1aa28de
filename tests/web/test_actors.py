"""Actor documents with content negotiation, collections and profile pages."""

from __future__ import annotations

import pytest

from fedinet.federation.actor_parsing import parse_actor
from fedinet.federation.signing.keys import ed25519_from_multibase, load_public_pem
from fedinet.vocab import check_jsonld

AS_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.mark.parametrize(
    "accept",
    ["application/activity+json", AS_PROFILE, "application/ld+json", "text/html;q=0.5, application/activity+json"],
)
async def test_actor_document(instance, http, accept: str) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice", display_name="Alice")
    uri = f"{instance.base_url}/users/alice"
    async with http.get(uri, headers={"Accept": accept}) as response:
        assert response.status == 200
        assert response.content_type == "application/activity+json"
        assert response.headers["Vary"] == "Accept"
        actor = await response.json(content_type=None)
    assert actor["id"] == uri and actor["type"] == "Person"
    assert actor["preferredUsername"] == "alice" and actor["name"] == "Alice"
    assert actor["inbox"] == f"{uri}/inbox" and actor["outbox"] == f"{uri}/outbox"
    assert actor["followers"] == f"{uri}/followers" and actor["following"] == f"{uri}/following"
    assert actor["endpoints"]["sharedInbox"] == f"{instance.base_url}/inbox"
    assert actor["url"] == f"{instance.base_url}/@alice"
    assert actor["publicKey"]["id"] == f"{uri}#main-key"
    assert actor["publicKey"]["owner"] == uri
    assert load_public_pem(actor["publicKey"]["publicKeyPem"]).key_size == 2048  # type: ignore[union-attr]
    [multikey] = actor["assertionMethod"]
    assert multikey["id"] == f"{uri}#ed25519-key" and multikey["type"] == "Multikey"
    assert multikey["controller"] == uri
    ed25519_from_multibase(multikey["publicKeyMultibase"])
    for context in (
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ):
        assert context in actor["@context"]
    check_jsonld(actor, unknown_contexts="reject")  # valid JSON-LD from local contexts only
    # What we publish is what our own parser accepts from others.
    assert {key.algorithm for key in parse_actor(actor).keys} == {"rsa", "ed25519"}


async def test_instance_actor(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(
        f"{instance.base_url}/actor", headers={"Accept": "application/activity+json"}
    ) as response:
        assert response.status == 200
        actor = await response.json(content_type=None)
    assert actor["type"] == "Application"
    assert actor["preferredUsername"] == instance.domain
    assert actor["publicKey"]["id"] == f"{instance.base_url}/actor#main-key"
    for collection in ("outbox", "followers", "following"):  # every advertised link resolves
        async with http.get(actor[collection], headers={"Accept": "application/activity+json"}) as response:
            assert response.status == 200
            assert (await response.json(content_type=None))["totalItems"] == 0


async def test_browsers_get_the_profile_page(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice", display_name="<script>alert(1)</script>")
    async with http.get(
        f"{instance.base_url}/users/alice", headers={"Accept": "text/html"}, allow_redirects=False
    ) as response:
        assert response.status == 302
        assert response.headers["Location"] == f"{instance.base_url}/@alice"
    async with http.get(f"{instance.base_url}/@alice") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert f'href="{instance.base_url}/users/alice"' in page


async def test_unacceptable_and_unknown(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    async with http.get(
        f"{instance.base_url}/users/alice", headers={"Accept": "application/xml"}
    ) as response:
        assert response.status == 406
        assert "activity+json" in (await response.json())["error"]
    async with http.get(
        f"{instance.base_url}/users/nobody", headers={"Accept": "application/activity+json"}
    ) as response:
        assert response.status == 404
        assert (await response.json())["error"] == "no member named 'nobody'"
    async with http.get(f"{instance.base_url}/@nobody") as response:
        assert response.status == 404
    async with http.get(f"{instance.base_url}/users/bad-name") as response:
        assert response.status == 404


@pytest.mark.parametrize("collection", ["outbox", "followers", "following", "collections/featured"])
async def test_collections(instance, http, collection: str) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    url = f"{instance.base_url}/users/alice/{collection}"
    async with http.get(url, headers={"Accept": "application/activity+json"}) as response:
        assert response.status == 200
        document = await response.json(content_type=None)
    assert document["id"] == url and document["type"] == "OrderedCollection"


async def test_front_page(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    async with http.get(instance.base_url + "/") as response:
        assert response.status == 200
        assert "1 member." in await response.text()
