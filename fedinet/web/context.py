"""Typed application keys and accessors for what handlers need."""

from __future__ import annotations

from aiohttp import web

from fedinet.config import Settings
from fedinet.store.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)


def settings_of(request: web.Request) -> Settings:
    return request.app[SETTINGS]


def database_of(request: web.Request) -> Database:
    return request.app[DATABASE]
