"""fedinet protocol objects at their ids (FED-2), served only to their audience (FED-3).

Vouches and acknowledgments are public. Outcomes, introductions, requests and agreements
are served only to HTTP-signed requests from a party's host: the servers of the parties
fetch them (with their instance actor's key), nobody else. Revoked evidence answers 410.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from aiohttp import web

from fedinet.federation.market_documents import agreement_result
from fedinet.federation.request_auth import SignatureRejected, origin
from fedinet.services.errors import Gone, NotFound
from fedinet.store import market as queries
from fedinet.store.models import Actor
from fedinet.web import negotiation
from fedinet.web.actors import load_member
from fedinet.web.authorized_fetch import request_signer
from fedinet.web.context import database_of

routes = web.RouteTableDef()
EVIDENCE_PATHS = "vouches|acknowledgments|outcomes"


@routes.get("/protocol/context.jsonld")
async def context_document(request: web.Request) -> web.Response:
    """The fedinet JSON-LD context (PROTO-1); documents define the same terms inline."""
    text = resources.files("fedinet.protocol").joinpath("context.jsonld").read_text("utf-8")
    response = web.Response(text=text, content_type="application/ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


async def _object_uri(request: web.Request, path: str) -> str:
    actor = (await load_member(request)).actor
    return f"{actor.uri}/{path}/{request.match_info['id']}"


async def _signer_host(request: web.Request) -> str | None:
    """The host of the actor whose HTTP signature the request carries; None if unsigned."""
    if "Signature" not in request.headers and "Signature-Input" not in request.headers:
        return None
    try:
        signer = await request_signer(request)
    except SignatureRejected:
        return None
    return origin(signer.owner.uri)


async def _for_parties(request: web.Request, parties: list[Actor], document: dict[str, Any]) -> web.Response:
    host = await _signer_host(request)
    if host is None or host not in {origin(actor.uri) for actor in parties}:
        raise NotFound("no such object")  # not 403: its existence is not for strangers
    return negotiation.activity_response(document)


@routes.get(r"/users/{username}/{kind:" + EVIDENCE_PATHS + r"}/{id:\d+}")
async def evidence(request: web.Request) -> web.Response:
    uri = await _object_uri(request, request.match_info["kind"])
    async with database_of(request).session() as session:
        row = await queries.evidence_by_uri(session, uri)
    if row is None:
        raise NotFound("no such object")
    if row.revoked_at is not None:
        raise Gone("revoked by its author")
    document = json.loads(row.document)
    if row.kind == "outcome":
        return await _for_parties(request, [row.author, row.subject], document)
    return negotiation.activity_response(document)


@routes.get(r"/users/{username}/{kind:introductions|introduction-requests}/{id:\d+}")
async def introduction(request: web.Request) -> web.Response:
    uri = await _object_uri(request, request.match_info["kind"])
    async with database_of(request).session() as session:
        row = await queries.introduction_by_uri(session, uri)
    text = None if row is None else row.document if row.uri == uri else row.request_document
    if row is None or text is None:
        raise NotFound("no such object")
    return await _for_parties(request, [row.connector, row.introduced, row.target], json.loads(text))


@routes.get(r"/users/{username}/agreements/{id:\d+}")
async def agreement(request: web.Request) -> web.Response:
    uri = await _object_uri(request, "agreements")
    async with database_of(request).session() as session:
        row = await queries.agreement_by_uri(session, uri)
    if row is None:
        raise NotFound("no such object")
    return await _for_parties(request, [row.proposer, row.responder], agreement_result(row))
