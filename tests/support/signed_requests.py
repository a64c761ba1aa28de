"""Sending signed activities by hand, as a remote server (honest or not) would."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiohttp

from fedinet.clock import utc_now
from fedinet.federation.signing import http_cavage, http_rfc9421
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import SigningKey
from fedinet.store.models import Actor


def signing_key(actor: Actor) -> SigningKey:
    key = actor.key("rsa")
    assert key is not None and key.private_key_pem is not None
    return SigningKey.from_pem(key.key_id, key.private_key_pem)


def signed_headers(
    url: str,
    body: bytes,
    key: SigningKey,
    *,
    scheme: str = "cavage",
    now: datetime | None = None,
) -> dict[str, str]:
    message = HttpMessage("POST", url, {"Content-Type": "application/activity+json"}, body)
    sign = http_rfc9421.sign_request if scheme == "rfc9421" else http_cavage.sign_request
    return {"Content-Type": "application/activity+json", **sign(message, key.key_id, key.private_key, now or utc_now())}


async def post_signed(
    http: aiohttp.ClientSession,
    url: str,
    activity: dict[str, Any] | bytes,
    key: SigningKey,
    **options: Any,
) -> tuple[int, Any]:
    body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    headers = signed_headers(url, body, key, **options)
    async with http.post(url, data=body, headers=headers) as response:
        text = await response.text()
        return response.status, (json.loads(text) if text.startswith("{") else text)


def follow_activity(actor: Actor, target_uri: str, suffix: str = "1") -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.uri}#follows/{suffix}",
        "type": "Follow",
        "actor": actor.uri,
        "object": target_uri,
    }
