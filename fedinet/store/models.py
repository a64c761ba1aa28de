"""The tables. Migrations in migrations/ create exactly this schema (tests/store checks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
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
    also_known_as: Mapped[list[str]] = mapped_column(JSON, default=list)
    fields: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # profile name/value pairs
    moved_to_uri: Mapped[str | None] = mapped_column(URI)
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


class DomainBlock(Base):
    """A remote domain this instance refuses: its requests get 403 before any fetch."""

    __tablename__ = "domain_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class RemoteServer(Base):
    """What we learned about another server, e.g. which HTTP signature scheme it accepts."""

    __tablename__ = "remote_servers"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    signature_scheme: Mapped[str | None] = mapped_column(String(16))  # "rfc9421" or "cavage"
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class InboxItem(Base):
    """A verified inbound activity, stored before 202 and processed from this row."""

    __tablename__ = "inbox_items"
    __table_args__ = (Index("ix_inbox_items_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_uri: Mapped[str] = mapped_column(URI, unique=True)
    activity_type: Mapped[str] = mapped_column(String(64))
    actor_uri: Mapped[str] = mapped_column(URI)
    key_id: Mapped[str] = mapped_column(URI)
    body: Mapped[str] = mapped_column(Text)  # the activity's JSON exactly as received
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done, failed
    attempts: Mapped[int] = mapped_column(default=0)
    process_after: Mapped[datetime] = mapped_column(default=utc_now)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class OutboxActivity(Base):
    """An activity a local actor published; deliveries point at it."""

    __tablename__ = "outbox_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(URI, unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    activity_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # JSON, signed per request at delivery time
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Delivery(Base):
    """One activity to one inbox: retried with backoff until delivered or given up."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("activity_id", "inbox_url"),
        Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_activities.id", ondelete="CASCADE")
    )
    inbox_url: Mapped[str] = mapped_column(URI)
    domain: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]


class Follow(Base):
    """`follower` follows `followee`; pending until the followee (or their server) accepts."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("follower_id", "followee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    followee_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(URI, unique=True)  # the Follow activity's id
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, accepted
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    accepted_at: Mapped[datetime | None]


class Status(Base):
    """A post (ActivityStreams `Note`), local or remote."""

    __tablename__ = "statuses"
    __table_args__ = (
        Index("ix_statuses_actor_id_id", "actor_id", "id"),
        Index("ix_statuses_actor_id_visibility", "actor_id", "visibility"),  # statuses_count
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    uri: Mapped[str] = mapped_column(URI, unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    is_local: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(URI)
    content: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    summary: Mapped[str] = mapped_column(Text, default="")  # content warning
    sensitive: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))  # public, unlisted, private, direct
    in_reply_to_uri: Mapped[str | None] = mapped_column(URI, index=True)
    addressed_to: Mapped[list[str]] = mapped_column(JSON, default=list)  # to + cc
    published_at: Mapped[datetime] = mapped_column(default=utc_now)
    edited_at: Mapped[datetime | None]

    actor: Mapped[Actor] = relationship(lazy="joined")
    mentions: Mapped[list[Mention]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    tags: Mapped[list[StatusTag]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    proposal: Mapped[Proposal | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class Mention(Base):
    __tablename__ = "mentions"

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    actor_uri: Mapped[str] = mapped_column(URI, primary_key=True)
    name: Mapped[str] = mapped_column(String(512), default="")  # "@bob@host" as written


class StatusTag(Base):
    __tablename__ = "status_tags"

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)  # lower case


class Favourite(Base):
    """A `Like` of a status."""

    __tablename__ = "favourites"
    __table_args__ = (UniqueConstraint("actor_id", "status_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(URI, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Boost(Base):
    """An `Announce` of a status."""

    __tablename__ = "boosts"
    __table_args__ = (UniqueConstraint("actor_id", "status_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(URI, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ActorBlock(Base):
    """`blocker` blocks `blocked` (a member's block, or a remote actor's `Block` of a member)."""

    __tablename__ = "actor_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    uri: Mapped[str] = mapped_column(URI, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Tombstone(Base):
    """An object that was deleted: a Create arriving after its Delete is ignored."""

    __tablename__ = "tombstones"

    uri: Mapped[str] = mapped_column(URI, primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utc_now)


class OAuthApplication(Base):
    """A client app registered with POST /api/v1/apps."""

    __tablename__ = "oauth_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 hex
    name: Mapped[str] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(URI)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    scopes: Mapped[str] = mapped_column(String(1024))  # space-separated, as registered
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class OAuthAuthorizationCode(Base):
    """A single-use, short-lived code from the authorize page (stored as a hash)."""

    __tablename__ = "oauth_authorization_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE")
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(URI)
    scopes: Mapped[str] = mapped_column(String(1024))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OAuthToken(Base):
    """An access token (stored as a hash); `account_id` is empty for client_credentials."""

    __tablename__ = "oauth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]

    application: Mapped[OAuthApplication] = relationship(lazy="joined")


class Notification(Base):
    """Something that happened to a member: a follow, a mention, a like or boost of their post."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_account_id_id", "account_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # fedinet.ids
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))  # follow, follow_request, mention, reblog, favourite
    from_actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    status_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    from_actor: Mapped[Actor] = relationship(lazy="joined")
    status: Mapped[Status | None] = relationship(lazy="joined")


class Marker(Base):
    """Where a member stopped reading a timeline (`home` or `notifications`)."""

    __tablename__ = "markers"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    timeline: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Mute(Base):
    """A member mutes an actor: hidden from timelines, and from notifications unless told not to."""

    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("account_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    notifications: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# The fedinet protocol (protocol/spec.md): proposals, agreements, introductions, evidence.


class Proposal(Base):
    """What makes a status an ask (`purpose` request) or an offer (FEP-0837, ASK-1)."""

    __tablename__ = "proposals"

    status_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(16))  # request, offer
    name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32), default="deliverService")
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    reciprocity: Mapped[str | None] = mapped_column(String(32))  # pay-it-forward, favour, money
    amount: Mapped[str | None] = mapped_column(String(32))
    currency: Mapped[str | None] = mapped_column(String(3))
    ends_at: Mapped[datetime | None]


class Agreement(Base):
    """A response to a proposal: the responder's `Offer(Agreement)` and its answer (AGREE-1..3)."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    offer_uri: Mapped[str] = mapped_column(URI, unique=True)
    uri: Mapped[str | None] = mapped_column(URI, unique=True)  # once accepted
    proposal_status_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )
    responder_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="offered")  # offered, accepted, rejected
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    decided_at: Mapped[datetime | None]

    proposal_status: Mapped[Status] = relationship(lazy="joined")
    responder: Mapped[Actor] = relationship(foreign_keys=[responder_id], lazy="joined")
    proposer: Mapped[Actor] = relationship(foreign_keys=[proposer_id], lazy="joined")


class Introduction(Base):
    """One introduction of `introduced` (A) to `target` (C) by `connector` (B), from A's
    request (if any) to the outcome; each server keeps the rows its members take part in."""

    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    uri: Mapped[str | None] = mapped_column(URI, unique=True)  # B's Introduction
    request_uri: Mapped[str | None] = mapped_column(URI, unique=True)  # A's IntroductionRequest
    connector_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    introduced_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    # requested, declined, awaiting-consent, consented, offered, connected, rejected
    state: Mapped[str] = mapped_column(String(24))
    content: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    benefit: Mapped[str] = mapped_column(Text, default="")
    request_document: Mapped[str | None] = mapped_column(Text)  # A's signed request (JSON)
    document: Mapped[str | None] = mapped_column(Text)  # B's signed introduction (JSON)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    connector: Mapped[Actor] = relationship(foreign_keys=[connector_id], lazy="joined")
    introduced: Mapped[Actor] = relationship(foreign_keys=[introduced_id], lazy="joined")
    target: Mapped[Actor] = relationship(foreign_keys=[target_id], lazy="joined")


class Evidence(Base):
    """A verified, signed vouch, acknowledgment or outcome (EVID-1): what reputation reads.

    `subject` is whom it speaks of: the actor vouched for, the helper, or the connector."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_kind_subject_id", "kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(URI, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # vouch, acknowledgment, outcome
    author_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    activity_uri: Mapped[str | None] = mapped_column(URI, index=True)  # the Create that carried it
    context_uri: Mapped[str | None] = mapped_column(URI, index=True)
    relationship_kind: Mapped[str | None] = mapped_column(String(32))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[str | None] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text)  # as signed by its author (JSON)
    published_at: Mapped[datetime] = mapped_column(default=utc_now)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]

    author: Mapped[Actor] = relationship(foreign_keys=[author_id], lazy="joined")
    subject: Mapped[Actor] = relationship(foreign_keys=[subject_id], lazy="joined")
    topic_rows: Mapped[list[EvidenceTopic]] = relationship(
        cascade="all, delete-orphan", lazy="raise", passive_deletes=True  # written, never read
    )


class EvidenceTopic(Base):
    """A topic a vouch names (normalised), a row each: finding vouches by topic is an index
    lookup instead of a scan of every vouch's JSON."""

    __tablename__ = "evidence_topics"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class DroppedEvidence(Base):
    """How many signed objects were refused, per reason code (EVID-2); never their content."""

    __tablename__ = "dropped_evidence"

    reason: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utc_now)


class ReputationScore(Base):
    """This instance's view of an actor, from the last computation over its verified evidence."""

    __tablename__ = "reputation_scores"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    trust: Mapped[float]
    percentile: Mapped[float]
    established: Mapped[bool]
    corroborated: Mapped[bool] = mapped_column(default=False)  # by two corroborated vouchers (or a seed)
    balance: Mapped[float]
    connector: Mapped[float]
    computed_at: Mapped[datetime]

    actor: Mapped[Actor] = relationship(lazy="joined")


class Nudge(Base):
    """A prompt to act, with its reason: fedinet's notifications (issue #6 item 4).

    One per member, kind and subject (an ask, an introduction, a person), so a job that runs
    again does not nudge twice."""

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("account_id", "kind", "subject_uri"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_uri: Mapped[str] = mapped_column(URI)
    reason: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(URI)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    read_at: Mapped[datetime | None]


class NudgePreference(Base):
    """Which kinds of nudges a member muted, and whether they also come as direct messages."""

    __tablename__ = "nudge_preferences"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    muted: Mapped[list[str]] = mapped_column(JSON, default=list)
    direct_messages: Mapped[bool] = mapped_column(default=False)


# Market features (issue #6): what members say about themselves to the market.


class MarketProfile(Base):
    """A member's market profile: what they can help with, what they look for, how they like
    to be approached, and who may see it (`audience`: public, followers or members)."""

    __tablename__ = "market_profiles"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    approach: Mapped[str] = mapped_column(Text, default="")  # "how I like to be approached"
    audience: Mapped[str] = mapped_column(String(16), default="members")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    topics: Mapped[list[MarketProfileTopic]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MarketProfileTopic.position"
    )


class MarketProfileTopic(Base):
    """One topic of a market profile, in one of its lists (`kind`: `offer` — can help with —
    or `seek` — looking for); a row per topic so that matching is an indexed lookup."""

    __tablename__ = "market_profile_topics"
    __table_args__ = (Index("ix_market_profile_topics_topic_kind", "topic", "kind"),)

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("market_profiles.actor_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # offer, seek
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
