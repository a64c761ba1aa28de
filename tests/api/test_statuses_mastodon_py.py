"""Statuses and timelines driven by Mastodon.py, a real client library, in a worker thread."""

from __future__ import annotations

import asyncio

from mastodon import Mastodon
from support.instances import RunningInstance

from fedinet.services import follows, oauth, statuses
from fedinet.services.scopes import parse_scopes
from fedinet.store.models import Account


async def member_token(instance: RunningInstance, username: str) -> tuple[Account, str]:
    account = await instance.create_member(username)
    app = (await oauth.register_app(instance.db, "Mastodon.py", "urn:ietf:wg:oauth:2.0:oob", "read write", None)).application
    return account, (await oauth.issue_token(instance.db, app, account.id, parse_scopes("read write"))).access_token


async def test_post_interact_and_page_through_home(instance) -> None:  # type: ignore[no-untyped-def]
    account, access_token = await member_token(instance, "alice")
    bob = await instance.create_member("bob")
    await follows.follow(instance.db, account, bob.actor)
    by_bob = [str((await statuses.post(instance.db, instance.settings, bob, f"bob {n}")).id) for n in range(100)]

    def session() -> None:  # in a thread: Mastodon.py blocks (its constructor already asks the server)
        alice = Mastodon(access_token=access_token, api_base_url=instance.base_url, version_check_mode="created")
        posted = alice.status_post("Hello from #MastodonPy", visibility="unlisted", idempotency_key="once")
        assert alice.status_post("Hello from #MastodonPy", idempotency_key="once").id == posted.id
        assert posted.visibility == "unlisted" and posted.tags[0].name == "mastodonpy"

        expected = [str(posted.id), *sorted(by_bob, key=int, reverse=True)]
        page, seen, pages = alice.timeline_home(limit=30), [], []
        while page:
            pages.append(page)
            seen += [str(status.id) for status in page]
            page = alice.fetch_next(page)
        assert seen == expected and [len(p) for p in pages] == [30, 30, 30, 11]
        page, seen = alice.fetch_previous(pages[-1]), []
        while page:
            seen = [str(status.id) for status in page] + seen
            page = alice.fetch_previous(page)
        assert seen == expected[:90]

        target = by_bob[-1]
        assert alice.status_favourite(target).favourited is True
        assert alice.status_reblog(target).reblogged is True
        assert alice.status(target).favourites_count == 1
        reply = alice.status_post("@bob thank you", in_reply_to_id=target)
        assert str(reply.in_reply_to_id) == target
        context = alice.status_context(target)
        assert [str(s.id) for s in context.descendants] == [str(reply.id)] and context.ancestors == []
        assert alice.status_unfavourite(target).favourited is False
        assert alice.status_unreblog(target).reblogged is False
        deleted = alice.status_delete(posted)
        assert deleted.text == "Hello from #MastodonPy"
        assert str(posted.id) not in [str(s.id) for s in alice.timeline_home()]

    await asyncio.to_thread(session)

