"""Regenerate tests/interop/fixtures/fedify_*.json from a real Fedify peer.

    .venv/bin/python tests/interop/make_fedify_fixtures.py

One peer run writes both files, so the activities' signatures and proofs verify with the
keys in fedify_actor.json (tests/interop/test_fedify_fixtures.py checks that offline):

- fedify_actor.json: the peer's actor document, as served.
- fedify_activities.json: requests the peer delivered to a stand-in remote actor
  (tests/interop/stand_in_remote.py): method, URL, headers and the exact body text; all
  signed RFC 9421 except "follow_draft_cavage" (sent after a 401 to the RFC 9421 knock).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import aiohttp

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from interop.stand_in_remote import stand_in_remote
from support.fedify_peer import fedify_peer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEPT_HEADERS = (
    "host",
    "date",
    "content-type",
    "digest",
    "content-digest",
    "signature",
    "signature-input",
)


async def main() -> None:
    async with fedify_peer() as peer, stand_in_remote() as remote, aiohttp.ClientSession() as http:
        async with http.get(
            peer.actor_url, headers={"Accept": "application/activity+json"}
        ) as response:
            actor = await response.json(content_type=None)

        steps: list[tuple[str, int]] = []

        async def step(name: str, call: object) -> dict:
            before = len(remote.received)
            result = await call  # type: ignore[misc]
            steps.append((name, before))
            return result

        follow = await step("follow", peer.follow(remote.actor_url))
        await step("undo_follow", peer.undo(follow["id"]))
        posted = await step(
            "create_note", peer.post("Hello <b>bob</b>, from Fedify", to=remote.actor_url)
        )
        await step("update_note", peer.update(posted["note"], "Hello <i>bob</i>, edited"))
        await step("delete_note", peer.delete(posted["note"]))
        liked = await step("like", peer.like(remote.note_url))
        await step("undo_like", peer.undo(liked["id"]))
        await step("announce", peer.announce(remote.note_url))

        activities = []
        bounds = [start for _, start in steps[1:]] + [len(remote.received)]
        for (name, start), end in zip(steps, bounds, strict=True):
            for msg in remote.received[start:end]:
                activities.append(
                    {
                        "name": name,
                        "method": msg.method,
                        "url": msg.url,
                        "headers": {
                            key: value
                            for key, value in msg.headers.items()
                            if key.lower() in KEPT_HEADERS
                        },
                        "body": msg.body.decode("utf-8"),
                    }
                )

        # The same Follow signed draft-cavage: what Fedify sends after an inbox refused
        # its RFC 9421 signature (the "double knock").
        async with stand_in_remote() as picky:
            picky.status = lambda msg: 401 if msg.header("signature-input") else 202
            await peer.follow(picky.actor_url)
            msg = picky.received[-1]
            activities.append(
                {
                    "name": "follow_draft_cavage",
                    "method": msg.method,
                    "url": msg.url,
                    "headers": {
                        key: value
                        for key, value in msg.headers.items()
                        if key.lower() in KEPT_HEADERS
                    },
                    "body": msg.body.decode("utf-8"),
                }
            )

    FIXTURES.mkdir(exist_ok=True)
    (FIXTURES / "fedify_actor.json").write_text(
        json.dumps(actor, indent=2, ensure_ascii=False) + "\n"
    )
    (FIXTURES / "fedify_activities.json").write_text(
        json.dumps(
            {
                "source": "Fedify 2.3.6 (tests/interop/fedify/peer.mjs) delivering to "
                "tests/interop/stand_in_remote.py; regenerate with "
                "tests/interop/make_fedify_fixtures.py",
                "actor": actor["id"],
                "activities": activities,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"wrote {len(activities)} activities from {actor['id']}")


if __name__ == "__main__":
    asyncio.run(main())
