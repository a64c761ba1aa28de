"""Local statuses at their URIs, their Create activities, pages, and the outbox."""

from __future__ import annotations

from fedinet.federation.signing.keys import ed25519_from_multibase
from fedinet.federation.signing.proofs import verify_proof
from fedinet.services import statuses

AP = {"Accept": "application/activity+json"}


async def get_json(http, url: str):  # type: ignore[no-untyped-def]
    async with http.get(url, headers=AP) as response:
        assert response.status == 200, (url, response.status)
        assert response.content_type == "application/activity+json"
        return await response.json(content_type=None)


async def test_note_and_create(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    await instance.create_member("bob")
    status = await statuses.post(
        instance.db, instance.settings, alice, "Hi @bob #Tea", summary="drinks", language="en"
    )

    note = await get_json(http, status.uri)
    assert note["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert note["@context"][1]["sensitive"] == "as:sensitive"
    assert (note["id"], note["type"], note["attributedTo"]) == (status.uri, "Note", alice.actor.uri)
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert note["cc"] == [alice.actor.followers_url, f"{instance.base_url}/users/bob"]
    assert note["summary"] == "drinks" and note["sensitive"] is True and note["inReplyTo"] is None
    assert note["contentMap"] == {"en": note["content"]} and note["url"] == status.url
    assert note["tag"] == [
        {"type": "Mention", "href": f"{instance.base_url}/users/bob", "name": f"@bob@{instance.domain}"},
        {"type": "Hashtag", "href": f"{instance.base_url}/tags/tea", "name": "#tea"},
    ]
    assert "updated" not in note

    create = await get_json(http, f"{status.uri}/activity")
    assert (create["type"], create["actor"]) == ("Create", alice.actor.uri)
    assert create["object"]["id"] == status.uri
    assert create["proof"]["verificationMethod"] == f"{alice.actor.uri}#ed25519-key"
    verify_proof(create, ed25519_from_multibase(alice.actor.key("ed25519").public_key))

    await statuses.edit(instance.db, instance.settings, alice, status.id, "Hi again")
    assert "updated" in await get_json(http, status.uri)


async def test_browsers_get_a_page(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    status = await statuses.post(instance.db, instance.settings, alice, "<b>not bold</b>\n\nsecond")
    async with http.get(status.uri, headers={"Accept": "text/html"}, allow_redirects=False) as response:
        assert response.status == 302 and response.headers["Location"] == status.url
    async with http.get(status.url) as response:
        assert response.status == 200 and response.content_type == "text/html"
        page = await response.text()
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page and "<b>" not in page
    assert f'href="{status.uri}"' in page
    async with http.get(status.uri, headers={"Accept": "application/xml"}) as response:
        assert response.status == 406


async def test_hidden_unknown_and_deleted(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    await instance.create_member("bob")
    private = await statuses.post(instance.db, instance.settings, alice, "friends", visibility="private")
    direct = await statuses.post(instance.db, instance.settings, alice, "@bob hi", visibility="direct")
    gone = await statuses.post(instance.db, instance.settings, alice, "oops")
    await statuses.delete(instance.db, alice, gone.id)
    for url, code in [
        (private.uri, 404),
        (f"{private.uri}/activity", 404),
        (direct.uri, 404),
        (private.url, 404),
        (gone.uri, 410),
        (f"{instance.base_url}/users/bob/statuses/{private.id}", 404),
        (f"{alice.actor.uri}/statuses/12345", 404),
    ]:
        async with http.get(url, headers=AP) as response:
            assert response.status == code, url


async def test_outbox_pages(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    posted = [await statuses.post(instance.db, instance.settings, alice, f"post {n}") for n in range(41)]
    await statuses.post(instance.db, instance.settings, alice, "unlisted", visibility="unlisted")
    await statuses.post(instance.db, instance.settings, alice, "private", visibility="private")

    outbox = await get_json(http, alice.actor.outbox_url)
    assert outbox["totalItems"] == 42 and outbox["first"] == f"{alice.actor.outbox_url}?page=1"
    first = await get_json(http, outbox["first"])
    assert len(first["orderedItems"]) == 40 and first["next"] == f"{alice.actor.outbox_url}?page=2"
    newest = first["orderedItems"][0]
    assert newest["type"] == "Create" and newest["object"]["content"] == "<p>unlisted</p>"
    assert "@context" not in newest and "proof" not in newest
    second = await get_json(http, first["next"])
    assert [item["object"]["id"] for item in second["orderedItems"]] == [s.uri for s in posted[:2]][::-1]
    assert "next" not in second
