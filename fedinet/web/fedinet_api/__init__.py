"""The fedinet REST API (`/api/fedinet/v1/`): what Mastodon's API has no place for.

Authenticated with the OAuth tokens and scopes of the client API (`web/mastodon/auth.py`).
Each module has its own `routes`; `ROUTES` gathers them for `create_app`.
"""

from __future__ import annotations

from aiohttp import web

from fedinet.web.fedinet_api import (
    evidence,
    introductions,
    nudges,
    openapi,
    profiles,
    proposals,
    reputation,
    ties,
    whom_to_ask,
)

ROUTES: list[web.RouteTableDef] = [
    reputation.routes,
    proposals.routes,
    evidence.routes,
    introductions.routes,
    openapi.routes,
    nudges.routes,
    profiles.routes,
    whom_to_ask.routes,
    ties.routes,
]
