"""toot, the Mastodon command-line client, run as a subprocess against two live servers:
log in, follow across servers, post, read the home timeline and the notifications."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from support.federation import settle
from support.instances import TEST_PASSWORD

TOOT = str(Path(sys.executable).parent / "toot")


async def toot(home: Path, *args: str) -> str:
    """Run toot with its config under `home`; its standard output (it must succeed)."""
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    env.pop("TOOT_TESTING", None)
    process = await asyncio.create_subprocess_exec(
        TOOT, "--no-color", *args, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, f"toot {' '.join(args)}: {out.decode()}{err.decode()}"
    return out.decode()


async def test_toot_follows_posts_and_reads(start_instance, tmp_path) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("bob")
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for home, instance, username in ((alice, one, "alice"), (bob, two, "bob")):
        login = ("login_cli", "--instance", instance.base_url, "--email", username, "--password", TEST_PASSWORD)
        assert "Successfully logged in" in await toot(home, *login)
        assert json.loads(await toot(home, "whoami", "--json"))["acct"] == username

    assert "You are now following" in await toot(alice, "follow", f"bob@{two.domain}")
    await settle(one, two)
    following = json.loads(await toot(alice, "following", "--json"))
    assert [a["acct"] for a in following] == [f"bob@{two.domain}"]
    follows = json.loads(await toot(bob, "notifications", "--json"))
    assert [(n["type"], n["account"]["acct"]) for n in follows] == [("follow", f"alice@{one.domain}")]
    assert f"alice@{one.domain}" in await toot(bob, "notifications")

    assert "Toot posted" in await toot(bob, "post", f"Hello @alice@{one.domain} from toot")
    await settle(one, two)
    timeline = await toot(alice, "timeline", "--once")
    assert "Hello" in timeline and "from toot" in timeline and f"bob@{two.domain}" in timeline
    [mention] = json.loads(await toot(alice, "notifications", "--json", "--type", "mention"))
    assert mention["account"]["acct"] == f"bob@{two.domain}" and "from toot" in mention["status"]["content"]
    assert "from toot" in await toot(alice, "notifications", "--mentions")

    await toot(alice, "notifications", "--clear")
    assert json.loads(await toot(alice, "notifications", "--json")) == []
