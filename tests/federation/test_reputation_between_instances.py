"""Local reputation on a running instance, fed by evidence that federated from another one:
trust from the admin seed along verified vouches, balance from acknowledgments, revocation
and domain blocks removing evidence, explanations, the CLI and the API's visibility setting."""

from __future__ import annotations

import json

from sqlalchemy import select
from support.api_client import Apps
from support.cli import run_fedinet
from support.federation import follow_across, settle

from fedinet.reputation import ENGINE_VERSION
from fedinet.services import accounts, blocks, evidence
from fedinet.services import reputation as reputation_service
from fedinet.services.reputation import ReputationJob
from fedinet.services.remote_actors import find_actor
from fedinet.store.models import ReputationScore


async def _scores(instance) -> dict[str, ReputationScore]:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return {row.actor.uri: row for row in (await session.scalars(select(ReputationScore))).all()}


def _cli(instance, *args: str):  # type: ignore[no-untyped-def]
    return run_fedinet(
        *args,
        data_dir=instance.settings.data_dir,
        FEDINET_BASE_URL=instance.base_url,
        FEDINET_DATABASE_URL=instance.settings.database_url,
    )


async def test_trust_flows_from_the_seed_along_federated_vouches(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one = await start_instance(reputation_interval_seconds=0)
    two = await start_instance()
    founder = await one.create_member("founder", role="admin")
    alice = await one.create_member("alice")
    bob, carol = await two.create_member("bob"), await two.create_member("carol")
    await follow_across(one, founder, two, "bob")  # bob's public evidence reaches one

    bob_at_one = await find_actor(one.db, one.transport, one.settings, f"bob@{two.domain}")
    carol_at_two = await find_actor(two.db, two.transport, two.settings, carol.actor.uri)
    await evidence.vouch(one.db, founder, bob_at_one, "workedWith", topics=["seo"])
    carols_vouch = await evidence.vouch(two.db, bob, carol_at_two, "hired")
    await evidence.acknowledge(one.db, founder, bob_at_one, f"{founder.actor.uri}/statuses/1", note="Thanks!")
    await settle(one, two)  # delivers, verifies, and the reputation job recomputes on one

    scores = await _scores(one)
    seed, b, c = scores[founder.actor.uri], scores[bob.actor.uri], scores[carol.actor.uri]
    assert seed.trust > b.trust > c.trust > 0 and b.established
    # carol has one voucher: not corroborated, so not established, however much bob passes her
    assert seed.corroborated and b.corroborated and not c.corroborated and not c.established
    assert alice.actor.uri not in scores  # no evidence names her
    assert b.balance > 0 and seed.balance < 0  # bob helped the founder, who acknowledged it

    shown = _cli(one, "reputation", "show", f"carol@{two.domain}", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["trust"] == round(c.trust, 6)
    why = _cli(one, "reputation", "explain", f"carol@{two.domain}", "--json")
    assert json.loads(why.stdout)["path"] == [founder.actor.uri, bob.actor.uri, carol.actor.uri]
    assert json.loads(why.stdout)["contributors"][0]["voucher"] == bob.actor.uri
    missing = _cli(one, "reputation", "show", "nobody")
    assert missing.exit_code == 1 and "not known here" in missing.stderr

    # The API shows members the stored scores; strangers get 401 with the default setting.
    apps = Apps(http, one)
    member = await apps.log_in("alice")
    reply = await member.get(f"/api/fedinet/v1/accounts/{bob_at_one.id}/reputation")
    assert reply.status == 200 and reply.body["trust"] == round(b.trust, 6) and reply.body["corroborated"] is True
    assert (await apps.anonymous().get(f"/api/fedinet/v1/accounts/{bob_at_one.id}/reputation")).status == 401

    # Revoking the vouch removes carol's trust at the next computation.
    await evidence.revoke(two.db, bob, carols_vouch.id)
    await settle(one, two)
    assert carol.actor.uri not in await _scores(one)

    # A domain block zero-weights everything by or about that domain's actors.
    await blocks.block_domain(one.db, two.domain)
    summary = await reputation_service.recompute(one.db, one.settings)
    assert summary.records == 0 and set(await _scores(one)) == {founder.actor.uri}


async def test_recompute_and_export_from_the_command_line(start_instance, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On SQLite and PostgreSQL."""
    instance = await start_instance(database_url=database_url)
    founder = await instance.create_member("founder", role="admin")
    bob, carol = await instance.create_member("bob"), await instance.create_member("carol")
    await evidence.vouch(instance.db, founder, bob.actor, "friend")
    await evidence.vouch(instance.db, bob, carol.actor, "neighbour")
    await evidence.acknowledge(instance.db, carol, bob.actor, f"{carol.actor.uri}/statuses/1")

    done = _cli(instance, "reputation", "recompute")
    assert done.exit_code == 0, done.stderr
    assert "Scored 3 actor(s) from 3 piece(s) of evidence and 1 seed(s)" in done.stdout
    exported = tmp_path / "evidence.jsonl"
    assert _cli(instance, "reputation", "export-evidence", str(exported)).exit_code == 0
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert lines[0] == {"kind": "vouch", "from": founder.actor.uri, "to": bob.actor.uri}
    assert {"kind": "acknowledgment", "from": carol.actor.uri, "to": bob.actor.uri} in lines
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(founder.actor.uri + "\n")
    offline = _cli(instance, "reputation", "score", "--evidence", str(exported), "--seeds", str(seeds), "--json")
    offline_scores = {row["actor"]: row for row in map(json.loads, offline.stdout.splitlines())}
    assert offline_scores[carol.actor.uri]["trust"] == round((await _scores(instance))[carol.actor.uri].trust, 6)

    # What hangs on the seed's vouches: all of it on bob, whom nobody else vouches for.
    audit = _cli(instance, "reputation", "seeds")
    assert audit.exit_code == 0, audit.stderr
    assert "1 vouch(es) from 1 seed(s); 1 of them vouch for someone no other corroborated actor" in audit.stdout
    assert f"{founder.actor.uri} -> {bob.actor.uri}  100.0%  only this seed vouches for it" in audit.stdout
    rows = [json.loads(line) for line in _cli(instance, "reputation", "seeds", "--json").stdout.splitlines()]
    assert rows == [{"seed": founder.actor.uri, "actor": bob.actor.uri, "share": 1.0, "other_vouchers": 0}]


async def test_reputation_commands_say_when_there_are_no_seeds(start_instance) -> None:  # type: ignore[no-untyped-def]
    instance = await start_instance()
    bob, carol = await instance.create_member("bob"), await instance.create_member("carol")
    await evidence.vouch(instance.db, bob, carol.actor, "friend")
    for command in (("seeds",), ("explain", "carol"), ("recompute",)):
        done = _cli(instance, "reputation", *command)
        assert done.exit_code == 2 and "reputation needs seeds: make someone an admin" in done.stderr, command


async def test_the_job_recomputes_when_the_seeds_or_the_engine_change(start_instance) -> None:  # type: ignore[no-untyped-def]
    instance = await start_instance(reputation_interval_seconds=0)
    founder = await instance.create_member("founder", role="admin")
    bob = await instance.create_member("bob")
    await evidence.vouch(instance.db, founder, bob.actor, "friend")
    job = ReputationJob(instance.db, instance.settings)
    assert await job.run_once() == 1 and await job.run_once() == 0  # nothing changed the second time

    await accounts.set_role(instance.db, "bob", "admin")  # a new seed, with no new evidence
    assert await job.run_once() == 1
    assert set((await reputation_service.state(instance.db))["seeds"]) == {founder.actor.uri, bob.actor.uri}

    async with instance.db.transaction() as session:  # scores stored by an older engine
        await reputation_service._save_state(session, {**await reputation_service.state(instance.db), "engine": 2})
    assert await job.run_once() == 1
    assert (await reputation_service.state(instance.db))["engine"] == ENGINE_VERSION
    assert await job.run_once() == 0
