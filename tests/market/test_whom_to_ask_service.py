"""The whom-to-ask service on SQLite and PostgreSQL: what it reads from the database, and whom
it leaves out (suspended members, blocked domains, blocks either way)."""

from __future__ import annotations

from sqlalchemy import insert

from fedinet.ids import new_id
from fedinet.services import accounts, blocks, evidence, follows, proposals, relationships, whom_to_ask
from fedinet.services.errors import NotFound
from fedinet.store.models import Actor, Follow, Proposal, Status, StatusTag


async def _remote_offer(instance, username: str, domain: str, topic: str) -> Actor:  # type: ignore[no-untyped-def]
    """A remote actor (as if fetched) and their public open offer (as if delivered)."""
    uri = f"https://{domain}/users/{username}"
    status_id = new_id()
    async with instance.db.transaction() as session:
        actor = Actor(uri=uri, actor_type="Person", username=username, domain=domain, inbox_url=f"{uri}/inbox")
        session.add(actor)
        await session.flush()
        await session.execute(insert(Status), [{
            "id": status_id, "uri": f"{uri}/statuses/{status_id}", "actor_id": actor.id, "visibility": "public",
            "content": f"<p>Offer: {topic}</p>",
        }])
        await session.execute(insert(Proposal), [{"status_id": status_id, "purpose": "offer", "name": topic, "state": "open"}])
        await session.execute(insert(StatusTag), [{"status_id": status_id, "name": topic}])
    return actor


async def test_who_is_left_out(start_instance, database_url) -> None:  # type: ignore[no-untyped-def]
    instance = await start_instance(database_url=database_url)
    names = ("founder", "good", "fan", "sus", "blocker", "blocked", "far")
    founder, good, fan, sus, blocker, blocked, far = [await instance.create_member(name) for name in names]
    spammer = await _remote_offer(instance, "spammer", "spam.example", "seo")
    sub_spammer = await _remote_offer(instance, "other", "eu.spam.example", "seo")
    fine = await _remote_offer(instance, "fine", "notspam.example", "seo")
    async with instance.db.transaction() as session:
        session.add_all(
            Follow(follower_id=founder.actor_id, followee_id=actor.id, uri=f"{founder.actor.uri}#f{actor.id}", state="accepted")
            for actor in (spammer, sub_spammer, fine)
        )
    await blocks.block_domain(instance.db, "spam.example")

    for member in (good, sus, blocker, blocked):
        await follows.follow(instance.db, founder, member.actor)
        await proposals.publish(instance.db, instance.settings, member, kind="offer", name="SEO", topics=["seo"])
    await proposals.publish(instance.db, instance.settings, far, kind="offer", name="SEO", topics=["seo"])  # no path
    await evidence.acknowledge(instance.db, fan, good.actor, f"{good.actor.uri}/statuses/1")
    await evidence.acknowledge(instance.db, sus, good.actor, f"{good.actor.uri}/statuses/2")
    await evidence.vouch(instance.db, sus, good.actor, "friend", topics=["seo"])
    await accounts.set_suspended(instance.db, "sus", True)
    await relationships.block(instance.db, blocker, founder.actor)  # blocks the founder
    await relationships.block(instance.db, founder, blocked.actor)  # the founder blocks them
    ask = await proposals.publish(instance.db, instance.settings, founder, kind="ask", name="SEO help", topics=["seo"])

    result = await whom_to_ask.suggest(instance.db, founder, ask.id)
    assert result.topics == ("seo",)
    assert [(found.actor.username, found.suggestion.reasons) for found in result.found] == [
        ("good", ("offers #seo", "helped 1 person", "you follow them")),  # not the suspended one's thanks or vouch
        ("fine", ("offers #seo", "you follow them")),  # on a domain that merely ends like the blocked one
    ]

    other_offer = await proposals.publish(instance.db, instance.settings, founder, kind="offer", name="Advice", topics=["seo"])
    for status_id, account in ((ask.id, good), (other_offer.id, founder), (123, founder)):
        try:
            await whom_to_ask.suggest(instance.db, account, status_id)
        except NotFound:
            continue
        raise AssertionError(f"{account.username} got suggestions for {status_id}")
