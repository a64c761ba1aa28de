"""Paged `OrderedCollection`s as Mastodon serves them: a summary with `first`, then pages."""

from __future__ import annotations

from typing import Any

from fedinet.federation.activities_out import AS_CONTEXT

PAGE_SIZE = 40


def collection_summary(collection_id: str, total: int) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if total:
        document["first"] = f"{collection_id}?page=1"
    else:
        document["orderedItems"] = []
    return document


def collection_page(collection_id: str, page: int, items: list[Any], has_next: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": f"{collection_id}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": collection_id,
        "orderedItems": items,
    }
    if has_next:
        document["next"] = f"{collection_id}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{collection_id}?page={page - 1}"
    return document
