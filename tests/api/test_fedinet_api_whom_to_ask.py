"""Market profiles and whom-to-ask through `/api/fedinet/v1/` (issue #6 items 1 and 3).

The story of the brief: a founder on one instance asks for SEO help; a shared contact whom he
follows follows a consultant on another instance, who offers SEO and whom the contact vouches
for. Whom-to-ask finds her through the contact, and never on the basis of a post the founder
may not see.
"""

from __future__ import annotations

from support.api_client import Apps
from support.federation import follow_across, settle

from fedinet.services import evidence, follows, proposals


async def test_the_founder_finds_the_consultant_through_a_shared_contact(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    founder = await one.create_member("founder", display_name="Fred Founder")
    contact = await one.create_member("contact", display_name="Cora")
    friend = await one.create_member("friend")
    stranger = await one.create_member("stranger")
    consultant = await two.create_member("consultant", display_name="Connie")
    insider = await two.create_member("insider")

    await follows.follow(one.db, founder, contact.actor)
    await follows.follow(one.db, founder, friend.actor)
    await follows.follow(one.db, friend, founder.actor)
    consultant_at_one = await follow_across(one, contact, two, "consultant")
    await follow_across(one, contact, two, "insider")
    await proposals.publish(two.db, two.settings, consultant, kind="offer", name="SEO audits", topics=["seo"])
    await proposals.publish(  # reaches one (the contact follows the insider), not the founder's eyes
        two.db, two.settings, insider, kind="offer", name="SEO, for my followers", topics=["seo"], visibility="private"
    )
    await proposals.publish(one.db, one.settings, stranger, kind="offer", name="SEO too", topics=["seo"])  # not in his network
    await evidence.vouch(one.db, contact, consultant_at_one, "workedWith", topics=["seo"])
    await evidence.acknowledge(one.db, friend, consultant_at_one, f"{consultant_at_one.uri}/statuses/1", note="Thanks!")
    ask = await proposals.publish(one.db, one.settings, founder, kind="ask", name="SEO help for our launch", topics=["SEO"])
    await settle(one, two)

    apps = Apps(http, one)
    founder_api, contact_api, friend_api = await apps.log_in("founder"), await apps.log_in("contact"), await apps.log_in("friend")

    # The friend says on her profile that she can help with #seo, for her followers only.
    saved = await friend_api.call("PUT", "/api/fedinet/v1/profile", json={
        "can_help_with": ["#SEO", "copywriting"], "looking_for": ["design"],
        "approach": "Email me a one-page brief first.", "audience": "followers",
    })
    assert saved.status == 200, saved.body
    assert saved.body["can_help_with"] == ["seo", "copywriting"] and saved.body["looking_for"] == ["design"]

    reply = await founder_api.get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask")
    assert reply.status == 200, reply.body
    first, second = reply.body
    assert first["account"]["id"] == str(consultant_at_one.id)
    assert first["account"]["acct"] == f"consultant@{two.domain}"
    assert first["reasons"] == ["offers #seo", "vouched for #seo by Cora", "helped 1 person", "Cora follows them"]
    assert first["path"]["degree"] == 2 and [a["acct"] for a in first["path"]["via"]] == ["contact"]
    assert first["score"] > second["score"] > 0 and first["approach"] is None

    assert second["account"]["acct"] == "friend" and second["path"] == {"degree": 1, "via": []}
    assert second["reasons"] == ["can help with #seo", "you follow each other"]
    assert second["approach"] == "Email me a one-page brief first."
    # Not suggested: the contact (nothing on SEO), the insider (a followers-only offer he may not
    # see), the stranger (outside his first and second degree).

    assert len((await founder_api.get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask", limit="1")).body) == 1
    assert (await founder_api.get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask", limit="0")).status == 422
    # Only the ask's author: to anyone else, and for anything but an ask, there is nothing here.
    assert (await contact_api.get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask")).status == 404
    assert (await apps.anonymous().get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask")).status == 401
    assert (await founder_api.get("/api/fedinet/v1/proposals/99999999999999999999/whom-to-ask")).status == 404

    # Once the founder blocks the consultant, she is no longer suggested.
    assert (await founder_api.post(f"/api/v1/accounts/{consultant_at_one.id}/block")).status == 200
    reply = await founder_api.get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask")
    assert [entry["account"]["acct"] for entry in reply.body] == ["friend"]

    # The friend's profile: hers and her followers' to read, 404 to everyone else.
    assert (await friend_api.get("/api/fedinet/v1/profile")).body["audience"] == "followers"
    path = f"/api/fedinet/v1/accounts/{friend.actor.id}/profile"
    assert (await founder_api.get(path)).body["approach"] == "Email me a one-page brief first."
    assert (await contact_api.get(path)).status == 404
    assert (await apps.anonymous().get(path)).status == 404


async def test_profiles_are_validated_and_show_to_their_audience(start_instance, database_url, http) -> None:  # type: ignore[no-untyped-def]
    instance = await start_instance(database_url=database_url)
    await instance.create_member("alice")
    bob = await instance.create_member("bob")
    apps = Apps(http, instance)
    alice, bob_api = await apps.log_in("alice"), await apps.log_in("bob")

    empty = await bob_api.get("/api/fedinet/v1/profile")
    assert empty.status == 200 and empty.body == {
        "account_id": str(bob.actor.id), "can_help_with": [], "looking_for": [], "approach": "",
        "audience": "members", "updated_at": None,
    }
    path = f"/api/fedinet/v1/accounts/{bob.actor.id}/profile"
    assert (await alice.get(path)).status == 404  # never saved: no profile

    for body, message in [
        ({"can_help_with": ["no spaces"]}, "is not a topic"),
        ({"can_help_with": [f"t{n}" for n in range(21)]}, "at most 20 topics"),
        ({"looking_for": ["x" * 65]}, "is not a topic"),
        ({"audience": "everyone"}, "audience must be one of public, followers, members"),
        ({"approach": "x" * 1001}, "at most 1000 characters"),
    ]:
        reply = await bob_api.call("PUT", "/api/fedinet/v1/profile", json=body)
        assert reply.status == 422 and message in reply.body["error"], (body, reply.body)

    saved = await bob_api.call("PUT", "/api/fedinet/v1/profile", data={"can_help_with[]": ["Python", "#python", "sql"]})
    assert saved.body["can_help_with"] == ["python", "sql"] and saved.body["audience"] == "members"
    assert (await alice.get(path)).body["can_help_with"] == ["python", "sql"]  # members see it
    assert (await apps.anonymous().get(path)).status == 404

    await bob_api.call("PUT", "/api/fedinet/v1/profile", json={"audience": "public", "looking_for": ["design"]})
    shown = (await apps.anonymous().get(path)).body
    assert shown["can_help_with"] == ["python", "sql"] and shown["looking_for"] == ["design"]  # the rest stays
    await bob_api.call("PUT", "/api/fedinet/v1/profile", json={"can_help_with": ["sql", "python"]})
    assert (await alice.get(path)).body["can_help_with"] == ["sql", "python"]
    assert (await alice.get("/api/fedinet/v1/accounts/999999/profile")).status == 404
    read_only = await apps.log_in("alice", scope="read")
    assert (await read_only.call("PUT", "/api/fedinet/v1/profile", json={"approach": "hi"})).status == 403


async def test_an_unlisted_offer_counts_a_direct_one_only_for_those_it_mentions(instance, http) -> None:  # type: ignore[no-untyped-def]
    names = ("founder", "helper", "other", "dee", "eve")
    founder, helper, other, dee, eve = [await instance.create_member(name) for name in names]
    for member in (helper, other, dee, eve):
        await follows.follow(instance.db, member, founder.actor)  # they follow him; he follows none of them

    async def offer(member, visibility: str, description: str = "") -> None:  # type: ignore[no-untyped-def]
        await proposals.publish(
            instance.db, instance.settings, member, kind="offer", name="Ads", description=description,
            topics=["ads"], visibility=visibility,
        )

    await offer(helper, "unlisted")
    await offer(other, "private")  # for her followers: he is not one
    await offer(dee, "direct", "Just for @founder")
    await offer(eve, "direct", "Just for @other")
    ask = await proposals.publish(instance.db, instance.settings, founder, kind="ask", name="Ads help", topics=["ads"])

    founder_api = await Apps(http, instance).log_in("founder")
    reply = await founder_api.get(f"/api/fedinet/v1/proposals/{ask.id}/whom-to-ask")
    assert [(entry["account"]["acct"], entry["reasons"]) for entry in reply.body] == [
        ("helper", ["offers #ads", "follows you"]),
        ("dee", ["offers #ads", "follows you"]),  # as good: the earlier member first
    ]
    offer_id = (await founder_api.get(f"/api/v1/accounts/{helper.actor.id}/statuses")).body[0]["id"]
    helper_api = await Apps(http, instance).log_in("helper")
    assert (await helper_api.get(f"/api/fedinet/v1/proposals/{offer_id}/whom-to-ask")).status == 404  # an offer
