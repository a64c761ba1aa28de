"""Blocks between actors, and domain blocks decided by the admins."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store.database import Database
from fedinet.store.models import Actor, ActorBlock, DomainBlock, Follow


async def receive_block(db: Database, blocker: Actor, blocked: Actor, uri: str) -> None:
    """A remote actor blocked a member: record it and end follows both ways (as Mastodon does)."""
    async with db.transaction() as session:
        existing = await session.scalar(
            select(ActorBlock).where(ActorBlock.blocker_id == blocker.id, ActorBlock.blocked_id == blocked.id)
        )
        if existing is None:
            session.add(ActorBlock(blocker_id=blocker.id, blocked_id=blocked.id, uri=uri))
        await session.execute(
            delete(Follow).where(
                or_(
                    (Follow.follower_id == blocker.id) & (Follow.followee_id == blocked.id),
                    (Follow.follower_id == blocked.id) & (Follow.followee_id == blocker.id),
                )
            )
        )


async def receive_unblock(db: Database, blocker: Actor, blocked: Actor) -> bool:
    async with db.transaction() as session:
        result = await session.execute(
            delete(ActorBlock).where(ActorBlock.blocker_id == blocker.id, ActorBlock.blocked_id == blocked.id)
        )
    return bool(result.rowcount)


def _normalise_domain(domain: str) -> str:
    name = domain.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not name or "/" in name or "@" in name or " " in name:
        raise InvalidInput(f"{domain!r} is not a domain name such as spam.example")
    return name


async def block_domain(db: Database, domain: str, reason: str = "") -> DomainBlock:
    """Refuse everything from a domain (and its subdomains) from now on."""
    name = _normalise_domain(domain)
    async with db.transaction() as session:
        if await session.scalar(select(DomainBlock).where(DomainBlock.domain == name)):
            raise Conflict(f"{name} is already blocked")
        block = DomainBlock(domain=name, reason=reason)
        session.add(block)
    return block


async def unblock_domain(db: Database, domain: str) -> None:
    name = _normalise_domain(domain)
    async with db.transaction() as session:
        result = await session.execute(delete(DomainBlock).where(DomainBlock.domain == name))
    if not result.rowcount:
        raise NotFound(f"{name} is not blocked")


async def domain_blocks(db: Database) -> list[DomainBlock]:
    async with db.session() as session:
        return list(await session.scalars(select(DomainBlock).order_by(DomainBlock.domain)))
