"""`GET /api/fedinet/v1/proposals/{id}/whom-to-ask?limit=20`: for one of the caller's asks,
the people of their first and second degree most likely to help (docs/whom-to-ask.md).

Only the ask's author may call it; to anyone else the ask has no suggestions (404). The
answer is a list, best first, of `{account, score, reasons, path, approach}`: `path` is
`{"degree": 1, "via": []}` for someone the asker knows, or `{"degree": 2, "via": [accounts]}`
with the bridges, best first; `approach` is their "how I like to be approached", if any.
"""

from __future__ import annotations

from aiohttp import web

from fedinet.services import whom_to_ask
from fedinet.services.errors import NotFound
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.params import params
from fedinet.web.mastodon.status_entities import render_accounts

routes = web.RouteTableDef()
MAX_STATUS_ID = 2**63 - 1


@routes.get(r"/api/fedinet/v1/proposals/{id:\d+}/whom-to-ask")
@requires("read")
async def suggestions(request: web.Request) -> web.Response:
    status_id = int(request.match_info["id"])
    if status_id > MAX_STATUS_ID:
        raise NotFound("Record not found")
    limit = (await params(request)).integer("limit", 20, low=1, high=whom_to_ask.MAX_LIMIT)
    assert limit is not None
    db = database_of(request)
    result = await whom_to_ask.suggest(db, current_account(request), status_id, limit)
    actors = list({actor.id: actor for found in result.found for actor in (found.actor, *found.via)}.values())
    async with db.session() as session:
        entities = dict(zip([a.id for a in actors], await render_accounts(session, settings_of(request), actors), strict=True))
    return web.json_response(
        [
            {
                "account": entities[found.actor.id],
                "score": round(found.suggestion.score, 4),
                "reasons": list(found.suggestion.reasons),
                "path": {"degree": found.suggestion.degree, "via": [entities[b.id] for b in found.via]},
                "approach": found.approach,
            }
            for found in result.found
        ]
    )
