"""What the market commands share: naming people and things, and showing them.

The commands live in `fedinet.cli.proposals` (asks, offers, responses), `fedinet.cli.evidence`
(vouches, acknowledgments) and `fedinet.cli.introductions`. Each takes the acting member's
username first, as `fedinet post` does. Another person is a member's username, a handle
(`bob@social.example`) or an actor URL; remote ones are looked up over WebFinger.
"""

from __future__ import annotations

from datetime import datetime

from fedinet.clock import as_utc
from fedinet.config import Settings
from fedinet.federation.transport import Transport
from fedinet.market import vocabulary as vocab
from fedinet.services.errors import InvalidInput
from fedinet.services.remote_actors import find_actor
from fedinet.store.database import Database
from fedinet.store.models import Actor, Status


async def find_person(db: Database, transport: Transport, settings: Settings, reference: str) -> Actor:
    """An actor by username (a member here), handle or URL."""
    name = reference.strip().lstrip("@")
    if name and "@" not in name and not name.startswith(("http://", "https://")):
        reference = f"{name}@{settings.domain}"
    return await find_actor(db, transport, settings, reference)


def object_uri(reference: str) -> str:
    """A URI given on the command line (what an acknowledgment is about)."""
    if not reference.startswith(("http://", "https://")) or any(c.isspace() for c in reference):
        raise InvalidInput(
            f"{reference!r} is not a URI: give the ask's, offer's, response's or introduction's URI"
        )
    return reference


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


def proposal_kind(status: Status) -> str:
    """`ask` or `offer` (or `post` for a status that carries no proposal)."""
    if status.proposal is None:
        return "post"
    return "ask" if status.proposal.purpose == vocab.ASK else "offer"


def proposal_title(status: Status) -> str:
    return status.proposal.name if status.proposal is not None else ""
