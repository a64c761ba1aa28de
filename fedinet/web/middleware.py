"""Middlewares: one place that turns errors into responses, and CORS for public endpoints."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from fedinet.services.errors import (
    Conflict,
    Gone,
    InvalidInput,
    Malformed,
    NotFound,
    ServiceError,
)
from fedinet.web import negotiation

log = logging.getLogger(__name__)

_STATUS_BY_ERROR: dict[type[ServiceError], int] = {
    Malformed: 400,
    InvalidInput: 422,
    NotFound: 404,
    Gone: 410,
    Conflict: 409,
}
# Paths other sites' JavaScript may read (Mastodon sends CORS headers for the same).
CORS_PREFIXES = ("/.well-known/", "/nodeinfo/", "/api/", "/oauth/token", "/oauth/revoke")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
    "Access-Control-Expose-Headers": "Link, X-RateLimit-Reset, X-RateLimit-Limit, "
    "X-RateLimit-Remaining, X-Request-Id, Idempotency-Key",
    "Access-Control-Max-Age": "86400",
}


def error_response(request: web.Request, status: int, message: str) -> web.Response:
    """A JSON `{"error": ...}` body (Mastodon's shape), or a short page for browsers."""
    if negotiation.preferred(request) == "html" and not request.path.startswith(CORS_PREFIXES):
        return web.Response(status=status, text=f"{status}: {message}\n", content_type="text/plain")
    return web.json_response({"error": message}, status=status)


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ServiceError as error:
        return error_response(request, _STATUS_BY_ERROR.get(type(error), 400), str(error))
    except web.HTTPException as error:
        if error.status < 400 or error.empty_body:
            raise
        message = error.text if error.text and not error.text.startswith(str(error.status)) else error.reason
        response = error_response(request, error.status, message)
        response.headers.extend(
            (name, value) for name, value in error.headers.items() if name.lower() == "allow"
        )
        return response
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(request, 500, "internal server error")


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(CORS_PREFIXES):
        return await handler(request)
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return web.Response(status=204, headers=CORS_HEADERS)
    response = await handler(request)
    response.headers.update(CORS_HEADERS)
    return response
