"""The tables. Migrations in migrations/ create exactly this schema (tests/store checks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fedinet.clock import utc_now
from fedinet.store.base import Base

URI = String(2048)


class InstanceSetting(Base):
    """Instance-wide values that admins change at run time (as opposed to fedinet.toml)."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Actor(Base):
    """An ActivityPub actor, local or remote: the identity other servers address."""

    __tablename__ = "actors"
    __table_args__ = (Index("ix_actors_domain_username", "domain", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(URI, unique=True)
    actor_type: Mapped[str] = mapped_column(String(32))
    username: Mapped[str | None] = mapped_column(String(255))
    domain: Mapped[str] = mapped_column(String(255))
    is_local: Mapped[bool] = mapped_column(default=False)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    inbox_url: Mapped[str] = mapped_column(URI)
    shared_inbox_url: Mapped[str | None] = mapped_column(URI)
    outbox_url: Mapped[str | None] = mapped_column(URI)
    followers_url: Mapped[str | None] = mapped_column(URI)
    following_url: Mapped[str | None] = mapped_column(URI)
    profile_url: Mapped[str | None] = mapped_column(URI)
    manually_approves_followers: Mapped[bool] = mapped_column(default=False)
    fetched_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    keys: Mapped[list[ActorKey]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def handle(self) -> str:
        return f"{self.username}@{self.domain}"

    def key(self, algorithm: str) -> ActorKey | None:
        """The actor's current key of one algorithm ("rsa" or "ed25519"), if known."""
        return next((k for k in self.keys if k.algorithm == algorithm), None)


class ActorKey(Base):
    """A public key an actor publishes; for local actors also the private half.

    Private keys are read only by fedinet.federation.signing and never leave the server.
    """

    __tablename__ = "actor_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(URI, unique=True)
    algorithm: Mapped[str] = mapped_column(String(16))  # "rsa" or "ed25519"
    public_key: Mapped[str] = mapped_column(Text)  # SPKI PEM (rsa) or Multikey multibase (ed25519)
    private_key_pem: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    actor: Mapped[Actor] = relationship(back_populates="keys")


class Account(Base):
    """A member of this instance: login, role and moderation state of a local actor."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    suspended_at: Mapped[datetime | None]

    actor: Mapped[Actor] = relationship(lazy="joined")

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None
