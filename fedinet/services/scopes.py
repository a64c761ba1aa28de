"""OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `profile`, and
granular ones such as `read:statuses`; a broad scope covers its granular forms."""

from __future__ import annotations

from fedinet.services.errors import InvalidInput

TOP_LEVEL = ("read", "write", "follow", "push", "profile")
GRANULAR = {
    "read": (
        "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
        "mutes", "notifications", "search", "statuses",
    ),
    "write": (
        "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
        "lists", "media", "mutes", "notifications", "reports", "statuses",
    ),
}
# The legacy `follow` scope grants these (Mastodon keeps it for old clients).
FOLLOW_COVERS = frozenset(
    {"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"}
)
KNOWN = frozenset(TOP_LEVEL) | {f"{top}:{name}" for top, names in GRANULAR.items() for name in names}


def parse_scopes(text: str | None, default: str = "read") -> frozenset[str]:
    """Scopes from a space- (or `+`-) separated string; InvalidInput for unknown ones."""
    scopes = frozenset((text or default).replace("+", " ").split())
    unknown = sorted(scopes - KNOWN)
    if unknown:
        raise InvalidInput(f"unknown scope(s): {', '.join(unknown)}")
    return scopes


def covers(granted: frozenset[str], required: str) -> bool:
    """Whether the granted scopes allow an endpoint that needs `required`."""
    if required in granted:
        return True
    top = required.split(":", 1)[0]
    if ":" in required and top in granted:
        return True
    if required in FOLLOW_COVERS and "follow" in granted:
        return True
    return required == "profile" and bool({"read", "read:accounts"} & granted)


def format_scopes(scopes: frozenset[str]) -> str:
    """Top-level scopes in Mastodon's order (read write follow …), then granular ones."""
    order = {scope: index for index, scope in enumerate(TOP_LEVEL)}
    return " ".join(sorted(scopes, key=lambda scope: (order.get(scope, len(order)), scope)))
