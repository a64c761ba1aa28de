"""The URL layout of a fedinet instance: the one place that decides where things live.

Remote servers store these URLs, so they must never change for existing objects.
"""

from __future__ import annotations

from fedinet.config import Settings

INSTANCE_ACTOR_PATH = "/actor"
SHARED_INBOX_PATH = "/inbox"
RSA_KEY_FRAGMENT = "#main-key"
ED25519_KEY_FRAGMENT = "#ed25519-key"


def actor_uri(settings: Settings, username: str) -> str:
    return settings.url(f"/users/{username}")


def profile_url(settings: Settings, username: str) -> str:
    return settings.url(f"/@{username}")


def instance_actor_uri(settings: Settings) -> str:
    return settings.url(INSTANCE_ACTOR_PATH)


def shared_inbox_url(settings: Settings) -> str:
    return settings.url(SHARED_INBOX_PATH)


def local_actor_urls(settings: Settings, actor_uri: str) -> dict[str, str]:
    """Collection and inbox URLs of a local actor, as stored on its row."""
    return {
        "inbox_url": f"{actor_uri}/inbox",
        "outbox_url": f"{actor_uri}/outbox",
        "followers_url": f"{actor_uri}/followers",
        "following_url": f"{actor_uri}/following",
        "shared_inbox_url": shared_inbox_url(settings),
    }
