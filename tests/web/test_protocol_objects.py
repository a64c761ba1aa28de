"""Protocol objects at their ids (FED-2) and only for their audience (FED-3, INTRO-8)."""

from __future__ import annotations

import pytest
from support.federation import settle

from fedinet.federation.transport import FetchError
from fedinet.market import vocabulary as vocab
from fedinet.services import evidence, introductions
from fedinet.services.remote_actors import find_actor

ACTIVITY = {"Accept": "application/activity+json"}


async def test_the_context_is_served(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(f"{instance.base_url}/protocol/context.jsonld") as response:
        assert response.status == 200 and response.content_type == "application/ld+json"
        assert (await response.json())["@context"] == vocab.TERMS


async def test_a_vouch_is_public_with_its_proof_until_revoked(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob = await instance.create_member("alice"), await instance.create_member("bob")
    given = await evidence.vouch(instance.db, bob, alice.actor, "mentored", topics=["python"])
    async with http.get(given.uri, headers=ACTIVITY) as response:
        assert response.status == 200
        document = await response.json()
    assert document["type"] == "Vouch" and document["vouchesFor"] == alice.actor.uri
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    await evidence.revoke(instance.db, bob, given.id)
    async with http.get(given.uri, headers=ACTIVITY) as response:
        assert response.status == 410


async def test_an_introduction_is_served_only_to_the_parties_servers(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    home, party, stranger = await start_instance(), await start_instance(), await start_instance()
    alice, bob = await home.create_member("alice"), await home.create_member("bob")
    await party.create_member("carol")
    await stranger.create_member("mallory")
    carol = await find_actor(home.db, home.transport, home.settings, f"carol@{party.domain}")
    row = await introductions.introduce(
        home.db, bob, alice.actor, carol, content="Alice knows bikes", reason="You fix bikes", benefit="Parts"
    )
    await settle(home, party, stranger)
    assert row.uri is not None

    async with http.get(row.uri, headers=ACTIVITY) as response:
        assert response.status == 404  # unsigned: not even its existence
    with pytest.raises(FetchError):
        await stranger.transport.get_activity_document(row.uri)
    document = await party.transport.get_activity_document(row.uri)
    assert document["type"] == "Introduction" and document["target"] == carol.uri and "proof" in document
