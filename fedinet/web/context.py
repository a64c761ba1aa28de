"""Typed application keys and accessors for what handlers need."""

from __future__ import annotations

from aiohttp import web

from fedinet.config import Settings
from fedinet.federation.transport import Transport
from fedinet.store.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
TRANSPORT = web.AppKey("transport", Transport)


def settings_of(request: web.Request) -> Settings:
    return request.app[SETTINGS]


def database_of(request: web.Request) -> Database:
    return request.app[DATABASE]


def transport_of(request: web.Request) -> Transport:
    """The outbound client, for handlers that look things up on other servers."""
    return request.app[TRANSPORT]
