"""Instance information and the small endpoints every client calls at start."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedinet import __version__
from fedinet.config import Settings
from fedinet.services import instance as instance_service
from fedinet.services.statuses import MAX_CHARS
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.auth import current_account, requires

routes = web.RouteTableDef()
# Clients turn features on by the Mastodon version they see.
MASTODON_VERSION = f"4.3.0 (compatible; fedinet {__version__})"


def _statuses_configuration() -> dict[str, Any]:
    return {"max_characters": MAX_CHARS, "max_media_attachments": 4, "characters_reserved_per_url": 23}


def _limits() -> dict[str, Any]:
    return {
        "statuses": _statuses_configuration(),
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "media_attachments": {
            "supported_mime_types": [],
            "image_size_limit": 0,
            "image_matrix_limit": 0,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
    }


def _streaming_url(settings: Settings) -> str:
    return settings.base_url.replace("http", "ws", 1)


@routes.get("/api/v1/instance")
async def instance_v1(request: web.Request) -> web.Response:
    settings = settings_of(request)
    usage = await instance_service.usage(database_of(request))
    return web.json_response(
        {
            "uri": settings.domain,
            "title": settings.instance_name,
            "short_description": settings.instance_description,
            "description": settings.instance_description,
            "email": "",
            "version": MASTODON_VERSION,
            "urls": {"streaming_api": _streaming_url(settings)},
            "stats": {"user_count": usage.users_total, "status_count": usage.local_posts, "domain_count": 0},
            "thumbnail": settings.url("/static/header.png"),
            "languages": ["en"],
            "registrations": settings.registration_mode != "closed",
            "approval_required": settings.registration_mode == "approval",
            "invites_enabled": False,
            "configuration": _limits(),
            "contact_account": None,
            "rules": [],
        }
    )


@routes.get("/api/v2/instance")
async def instance_v2(request: web.Request) -> web.Response:
    settings = settings_of(request)
    usage = await instance_service.usage(database_of(request))
    return web.json_response(
        {
            "domain": settings.domain,
            "title": settings.instance_name,
            "version": MASTODON_VERSION,
            "source_url": "https://github.com/fedinet/fedinet",
            "description": settings.instance_description,
            "usage": {"users": {"active_month": usage.users_total}},
            "thumbnail": {"url": settings.url("/static/header.png")},
            "icon": [],
            "languages": ["en"],
            "configuration": {
                "urls": {"streaming": _streaming_url(settings), "status": None},
                "vapid": {"public_key": ""},
                "translation": {"enabled": False},
                **_limits(),
            },
            "registrations": {
                "enabled": settings.registration_mode != "closed",
                "approval_required": settings.registration_mode == "approval",
                "message": None,
            },
            "api_versions": {"mastodon": 2},
            "contact": {"email": "", "account": None},
            "rules": [],
        }
    )


@routes.get("/api/v1/custom_emojis")
async def custom_emojis(request: web.Request) -> web.Response:
    return web.json_response([])


@routes.get("/api/v1/preferences")
@requires("read:accounts")
async def preferences(request: web.Request) -> web.Response:
    current_account(request)
    return web.json_response(
        {
            "posting:default:visibility": "public",
            "posting:default:sensitive": False,
            "posting:default:language": None,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )
