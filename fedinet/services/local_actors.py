"""Creating the actors this instance speaks as: members and the instance actor."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet import urls
from fedinet.config import Settings
from fedinet.federation.signing.keys import generate_ed25519_keypair, generate_rsa_keypair
from fedinet.store.models import Actor, ActorKey


async def new_local_actor(
    session: AsyncSession,
    settings: Settings,
    *,
    uri: str,
    actor_type: str,
    username: str,
    display_name: str = "",
    profile_url: str | None = None,
) -> Actor:
    """Add a local actor with fresh RSA (HTTP signatures) and Ed25519 (object proofs) keys."""
    rsa_key, ed_key = await asyncio.gather(
        asyncio.to_thread(generate_rsa_keypair), asyncio.to_thread(generate_ed25519_keypair)
    )
    actor = Actor(
        uri=uri,
        actor_type=actor_type,
        username=username,
        domain=settings.domain,
        is_local=True,
        display_name=display_name,
        summary="",
        profile_url=profile_url,
        **urls.local_actor_urls(settings, uri),
        keys=[
            ActorKey(
                key_id=uri + urls.RSA_KEY_FRAGMENT,
                algorithm="rsa",
                public_key=rsa_key.public,
                private_key_pem=rsa_key.private_pem,
            ),
            ActorKey(
                key_id=uri + urls.ED25519_KEY_FRAGMENT,
                algorithm="ed25519",
                public_key=ed_key.public,
                private_key_pem=ed_key.private_pem,
            ),
        ],
    )
    session.add(actor)
    await session.flush()
    return actor


async def new_instance_actor(session: AsyncSession, settings: Settings) -> Actor:
    """The `Application` actor that signs server-level fetches (as Mastodon's /actor does)."""
    return await new_local_actor(
        session,
        settings,
        uri=urls.instance_actor_uri(settings),
        actor_type="Application",
        username=settings.domain,
        display_name=settings.instance_name,
        profile_url=settings.url("/about"),
    )
