"""Timelines over HTTP: who sees what in home, public and hashtag timelines and on profiles,
and paging through them with max_id / since_id / min_id and Mastodon's Link headers."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest
from support.instances import RunningInstance

from fedinet.services import follows, oauth, relationships, statuses
from fedinet.services.scopes import parse_scopes
from fedinet.store.models import Account, Status

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


@pytest.fixture
async def instance(start_instance, database_url):  # type: ignore[no-untyped-def]
    """Each test on SQLite and on PostgreSQL: the timeline SQL must work on both."""
    return await start_instance(database_url=database_url)


async def token(instance: RunningInstance, account: Account | None, scopes: str = "read write follow") -> str:
    app = (await oauth.register_app(instance.db, "tests", "urn:ietf:wg:oauth:2.0:oob", scopes, None)).application
    return (await oauth.issue_token(instance.db, app, account.id if account else None, parse_scopes(scopes))).access_token


async def get(http: aiohttp.ClientSession, url: str, access_token: str | None = None) -> tuple[int, Any, dict[str, str]]:
    """(status, body, links by rel) for an absolute URL or a path."""
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    async with http.get(url, headers=headers) as response:
        links = {rel: target for target, rel in LINK.findall(response.headers.get("Link", ""))}
        return response.status, await response.json(), links


def ids(body: list[dict[str, Any]]) -> list[str]:
    return [status["id"] for status in body]


async def say(instance: RunningInstance, account: Account, text: str, reply_to: Status | None = None, **options: Any) -> Status:
    return await statuses.post(instance.db, instance.settings, account, text, in_reply_to=reply_to, **options)


async def test_paging_a_home_timeline_both_ways(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob = await instance.create_member("alice"), await instance.create_member("bob")
    await follows.follow(instance.db, alice, bob.actor)
    posted = [str((await say(instance, bob, f"status {n}")).id) for n in range(100)]
    newest_first = sorted(posted, key=int, reverse=True)
    alice_token = await token(instance, alice)
    home = f"{instance.base_url}/api/v1/timelines/home"

    status, first, links = await get(http, f"{home}?limit=15", alice_token)
    assert status == 200 and ids(first) == newest_first[:15]
    assert links == {"next": f"{home}?limit=15&max_id={newest_first[14]}", "prev": f"{home}?limit=15&min_id={newest_first[0]}"}

    seen, url, pages = [], f"{home}?limit=15", []
    while True:  # down, by `next`
        status, body, links = await get(http, url, alice_token)
        if not body:
            assert links == {}  # an empty page has no Link header
            break
        seen += ids(body)
        pages.append(links)
        url = links["next"]
    assert seen == newest_first  # no gaps, no repeats

    seen, url = [], pages[-1]["prev"]  # up again from the oldest page, by `prev`
    while True:
        status, body, links = await get(http, url, alice_token)
        if not body:
            break
        assert len(body) <= 15 and ids(body) == sorted(ids(body), key=int, reverse=True)
        seen = ids(body) + seen
        url = links["prev"]
    assert seen == newest_first[: 100 - 10]  # all above the oldest page (of 10)

    below = newest_first[30]
    _, body, _ = await get(http, f"{home}?since_id={below}&limit=5", alice_token)
    assert ids(body) == newest_first[:5]  # since_id: the newest above it
    _, body, _ = await get(http, f"{home}?min_id={below}&limit=5", alice_token)
    assert ids(body) == newest_first[25:30]  # min_id: the ones just above it
    _, body, _ = await get(http, f"{home}?min_id={below}&max_id={newest_first[27]}", alice_token)
    assert ids(body) == newest_first[28:30]
    _, body, _ = await get(http, f"{home}?limit=1000", alice_token)
    assert len(body) == 40


async def test_home_shows_what_mastodon_would(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob, carol, dave = [await instance.create_member(name) for name in ("alice", "bob", "carol", "dave")]
    for followed in (bob, dave):
        await follows.follow(instance.db, alice, followed.actor)
    mine = await say(instance, alice, "mine")
    by_carol = await say(instance, carol, "carol's")
    by_dave = await say(instance, dave, "dave's")
    shown = [
        mine,
        await say(instance, alice, "mine, for followers", visibility="private"),
        await say(instance, bob, "public"),
        await say(instance, bob, "unlisted", visibility="unlisted"),
        await say(instance, bob, "private", visibility="private"),
        await say(instance, bob, "@alice direct", visibility="direct"),
        await say(instance, bob, "@alice answer", mine),
        await say(instance, bob, "@dave answer", by_dave),
        by_dave,
    ]
    thread = await say(instance, bob, "a thread")
    shown += [thread, await say(instance, bob, "continued", thread)]
    hidden = [
        by_carol,
        await say(instance, bob, "@carol direct", visibility="direct"),
        await say(instance, bob, "@carol answer", by_carol),  # to someone alice does not follow
        await say(instance, carol, "@alice from someone not followed", visibility="direct"),
    ]
    _, body, _ = await get(http, f"{instance.base_url}/api/v1/timelines/home?limit=40", await token(instance, alice))
    assert ids(body) == sorted((str(s.id) for s in shown), key=int, reverse=True)
    assert not {str(s.id) for s in hidden} & set(ids(body))


async def test_home_needs_a_member_with_read_statuses(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    home = f"{instance.base_url}/api/v1/timelines/home"
    assert (await get(http, home))[0] == 401
    assert (await get(http, home, await token(instance, None, "read")))[0] == 422
    assert (await get(http, home, await token(instance, alice, "read:accounts")))[0] == 403
    assert (await get(http, home, await token(instance, alice, "read:statuses")))[0] == 200


async def test_public_and_hashtag_timelines(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob = await instance.create_member("alice"), await instance.create_member("bob")
    a = await say(instance, alice, "#Bikes wanted")
    await say(instance, alice, "#bikes unlisted", visibility="unlisted")
    await say(instance, alice, "#bikes private", visibility="private")
    d = await say(instance, bob, "#cars and #bikes")
    await say(instance, bob, "@alice an answer", a)
    base = instance.base_url + "/api/v1/timelines"
    expected = [str(d.id), str(a.id)]
    assert ids((await get(http, f"{base}/public"))[1]) == expected  # anonymous; no replies to others
    _status, body, links = await get(http, f"{base}/public?local=true&limit=1")
    assert ids(body) == expected[:1] and links["next"] == f"{base}/public?local=true&limit=1&max_id={d.id}"
    assert (await get(http, f"{base}/public?remote=true"))[1] == []
    assert (await get(http, f"{base}/public?only_media=true"))[1] == []
    assert ids((await get(http, f"{base}/tag/BIKES"))[1]) == expected
    assert ids((await get(http, f"{base}/tag/bikes?none[]=cars"))[1]) == [str(a.id)]
    assert ids((await get(http, f"{base}/tag/bikes?all[]=cars"))[1]) == [str(d.id)]
    assert ids((await get(http, f"{base}/tag/boats?any[]=cars"))[1]) == [str(d.id)]
    assert (await get(http, f"{base}/tag/nothing"))[1] == []
    alice_token = await token(instance, alice)
    _, _, links = await get(http, f"{base}/public?access_token={alice_token}&limit=1")
    assert "access_token" not in links["next"]  # never copied into links


async def test_account_statuses(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob, carol = [await instance.create_member(name) for name in ("alice", "bob", "carol")]
    await follows.follow(instance.db, carol, alice.actor)
    by_bob = await say(instance, bob, "hello")
    first = await say(instance, alice, "first #intro")
    private = await say(instance, alice, "for followers", visibility="private")
    answer = await say(instance, alice, "@bob answer", by_bob)
    continued = await say(instance, alice, "continued", first)
    path = f"{instance.base_url}/api/v1/accounts/{alice.actor_id}/statuses"
    newest = lambda *posted: [str(s.id) for s in reversed(posted)]
    assert ids((await get(http, path))[1]) == newest(first, answer, continued)
    assert ids((await get(http, path, await token(instance, carol)))[1]) == newest(first, private, answer, continued)
    assert ids((await get(http, f"{path}?exclude_replies=true"))[1]) == newest(first, continued)
    assert ids((await get(http, f"{path}?tagged=intro"))[1]) == newest(first)
    assert (await get(http, f"{path}?pinned=true"))[1] == []
    _status, body, links = await get(http, f"{path}?limit=2")
    assert ids(body) == newest(answer, continued) and links["next"] == f"{path}?limit=2&max_id={answer.id}"
    assert ids((await get(http, links["next"]))[1]) == newest(first)
    assert (await get(http, f"{instance.base_url}/api/v1/accounts/999999/statuses"))[0] == 404


async def test_muted_and_blocking_authors_are_hidden(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob, carol = [await instance.create_member(name) for name in ("alice", "bob", "carol")]
    await follows.follow(instance.db, alice, bob.actor)
    by_bob, by_carol = await say(instance, bob, "from bob"), await say(instance, carol, "from carol")
    alice_token, base = await token(instance, alice), f"{instance.base_url}/api/v1/timelines"
    assert ids((await get(http, f"{base}/home", alice_token))[1]) == [str(by_bob.id)]
    assert ids((await get(http, f"{base}/public", alice_token))[1]) == [str(by_carol.id), str(by_bob.id)]
    await relationships.mute(instance.db, alice, bob.actor)
    await relationships.block(instance.db, carol, alice.actor)
    assert (await get(http, f"{base}/home", alice_token))[1] == []
    assert (await get(http, f"{base}/public", alice_token))[1] == []
    assert len((await get(http, f"{base}/public"))[1]) == 2  # others still see both
