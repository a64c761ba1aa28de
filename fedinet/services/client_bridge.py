"""The Mastodon-client bridge: what plain posts mean for the market (issue #6 item 9).

A member's post that starts with `#ask` or `#offer` becomes an ask or an offer: the rest of
its first line is the title, the other lines the description, and its other hashtags the
topics. A reply to an open ask or offer, from any client and any server, counts as a
response to it (an `Agreement` offered, with the reply as its message), so that the
proposer can accept it as if it came through the protocol's `Offer`.
"""

from __future__ import annotations

import re

from fedinet.config import Settings
from fedinet.federation.sanitize import html_to_plain_text
from fedinet.market import vocabulary as vocab
from fedinet.services import proposals, statuses
from fedinet.services.errors import InvalidInput
from fedinet.store import market as market_queries
from fedinet.store import statuses as status_queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Agreement, Status

_KIND_TAG = re.compile(r"\A\s*#(ask|offer)\b[ \t]*", re.IGNORECASE)
_TRAILING_TAGS = re.compile(r"(\s+#\w+)+\s*\Z")


def proposal_from_text(text: str) -> tuple[str, str, str, list[str]] | None:
    """(kind, title, description, topics) of a `#ask …`/`#offer …` post, else None."""
    found = _KIND_TAG.match(text)
    if found is None:
        return None
    first, _, rest = text[found.end() :].partition("\n")
    title = _TRAILING_TAGS.sub("", " " + first).strip()
    if not title:
        raise InvalidInput(f"#{found[1].lower()} needs a title on its first line, e.g. '#{found[1].lower()} SEO help for our launch #seo'")
    topics = [tag.lower() for tag in statuses.HASHTAG.findall(text) if tag.lower() not in ("ask", "offer")]
    return found[1].lower(), title[: vocab.MAX_NAME], rest.strip(), list(dict.fromkeys(topics))[: vocab.MAX_TOPICS]


async def post(
    db: Database,
    settings: Settings,
    account: Account,
    text: str,
    *,
    visibility: str = "public",
    in_reply_to: Status | None = None,
    **options: object,
) -> Status:
    """Post as a Mastodon client asks; `#ask`/`#offer` posts become proposals, replies to
    open proposals become responses."""
    parsed = proposal_from_text(text) if in_reply_to is None else None
    if parsed is not None:
        kind, title, description, topics = parsed
        return await proposals.publish(
            db, settings, account, kind=kind, name=title, description=description, topics=topics, visibility=visibility
        )
    status = await statuses.post(db, settings, account, text, visibility=visibility, in_reply_to=in_reply_to, **options)  # type: ignore[arg-type]
    await reply_as_response(db, status)
    return status


async def reply_as_response(db: Database, reply: Status) -> Agreement | None:
    """Record a reply to an open ask or offer as a response to it (once per person while one is
    pending), when the proposer or the replier is a member here; None otherwise."""
    if reply.in_reply_to_uri is None:
        return None
    async with db.transaction() as session:
        proposal_status = await status_queries.status_by_uri(session, reply.in_reply_to_uri)
        if (
            proposal_status is None
            or proposal_status.proposal is None
            or not (proposal_status.is_local or reply.is_local)
            or proposal_status.actor_id == reply.actor_id
            or not proposals.is_open(proposal_status.proposal)
            or await market_queries.pending_agreement(session, proposal_status.id, reply.actor_id) is not None
            or await market_queries.agreement_by_offer(session, reply.uri) is not None
        ):
            return None
        responder = await session.get(Actor, reply.actor_id)
    assert responder is not None
    return await proposals.receive_offer(
        db, responder, reply.uri, proposal_status.uri, html_to_plain_text(reply.content)
    )
