"""The OpenAPI document of /api/fedinet/v1/: served as docs/openapi.json has it, naming exactly
the routes the app registers there, and describing what the endpoints really answer (each
answer of a short walk through the API is validated against the documented schema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from support.api_client import Api, Apps
from support.federation import settle

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/api/fedinet/v1/"
METHODS = ("get", "put", "post", "delete", "patch")
DOCUMENT_URI = "urn:fedinet:openapi"


def document() -> dict[str, Any]:
    return json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))


def documented_operations(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in METHODS if method in item}


async def test_the_document_is_served_and_names_every_route(instance, http) -> None:  # type: ignore[no-untyped-def]
    served_file = ROOT / "fedinet" / "web" / "fedinet_api" / "openapi.json"
    assert served_file.read_bytes() == (ROOT / "docs" / "openapi.json").read_bytes()
    async with http.get(f"{instance.base_url}/api/fedinet/v1/openapi.json") as response:
        assert response.status == 200 and response.content_type == "application/json"
        assert await response.read() == served_file.read_bytes()

    registered = {
        (route.method, route.resource.canonical)
        for route in instance.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith(PREFIX) and route.method != "HEAD"
    }
    doc = document()
    assert sorted(registered - documented_operations(doc)) == [], "routes missing from docs/openapi.json"
    assert sorted(documented_operations(doc) - registered) == [], "documented operations with no route"

    assert doc["openapi"].startswith("3.1")
    for path, item in doc["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert declared == {part[1:-1] for part in path.split("/") if part.startswith("{")}, path
        for method in METHODS:
            if method in item:
                operation = item[method]
                assert operation["operationId"] and operation["summary"] and "security" in operation, (method, path)
                assert "200" in operation["responses"], (method, path)
                for requirement in operation["security"]:
                    assert set(requirement) <= set(doc["components"]["securitySchemes"]), (method, path)


class Checked:
    """Calls through `Api` whose answers must match the documented schema of their status."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(doc))
        self.seen: set[tuple[str, str]] = set()

    def schema(self, method: str, template: str, status: int) -> dict[str, Any]:
        answer = self.doc["paths"][template][method.lower()]["responses"][str(status)]
        if "$ref" in answer:
            answer = self.doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
        schema = answer["content"]["application/json"]["schema"]
        return json.loads(json.dumps(schema).replace('"#/components/', f'"{DOCUMENT_URI}#/components/'))

    async def __call__(
        self, api: Api, method: str, template: str, status: int = 200, body: dict[str, Any] | None = None, **ids: str
    ) -> Any:
        path = template.format(**ids)
        if method == "GET":
            reply = await api.get(path, **(body or {}))
        else:
            reply = await api.call(method, path, json=body or {})
        assert reply.status == status, (method, path, reply.body)
        Draft202012Validator(self.schema(method, template, status), registry=self.registry).validate(reply.body)
        self.seen.add((method, template))
        return reply.body


async def test_answers_match_the_document(instance, http) -> None:  # type: ignore[no-untyped-def]
    check = Checked(document())
    apps = Apps(http, instance)
    ids = {name: str((await instance.create_member(name)).actor_id) for name in ("alice", "bob", "carol")}
    alice, bob, carol = [await apps.log_in(name) for name in ("alice", "bob", "carol")]
    v1 = "/api/fedinet/v1"

    ask = await check(alice, "POST", v1 + "/proposals", body={
        "kind": "ask", "title": "Pitch review", "topics": ["pitching"], "in_return": "money", "amount": "20",
        "currency": "EUR", "ends_at": "2099-01-01T00:00:00Z",
    })
    direct = await check(alice, "POST", v1 + "/proposals", body={"kind": "offer", "title": "Desk", "target_account_ids": [ids["bob"]]})
    await check(alice, "POST", v1 + "/proposals", 422, body={"kind": "ask"})
    await check(bob, "GET", v1 + "/proposals", body={"kind": "ask"})
    await check(carol, "GET", v1 + "/proposals/{id}", 404, id=direct["id"])
    await check(bob, "GET", v1 + "/proposals/{id}", id=direct["id"])
    response = await check(bob, "POST", v1 + "/proposals/{id}/responses", body={"message": "Me"}, id=ask["id"])
    other = await check(carol, "POST", v1 + "/proposals/{id}/responses", id=ask["id"])
    await check(carol, "POST", v1 + "/proposals/{id}/responses", 409, id=ask["id"])
    await settle(instance)
    await check(alice, "GET", v1 + "/responses", body={"state": "offered"})
    await check(alice, "POST", v1 + "/responses/{id}/accept", id=response["id"])
    await check(alice, "POST", v1 + "/responses/{id}/reject", body={"reason": "Found someone"}, id=other["id"])
    await check(alice, "POST", v1 + "/proposals/{id}/state", body={"state": "fulfilled", "helper_account_ids": [ids["bob"]]}, id=ask["id"])
    await check(alice, "GET", v1 + "/proposals/{id}", id=ask["id"])
    await check(alice, "DELETE", v1 + "/proposals/{id}", id=direct["id"])

    vouch = await check(carol, "POST", v1 + "/vouches", body={"account_id": ids["alice"], "relationship": "mentored", "topics": ["pitching"]})
    await check(carol, "POST", v1 + "/acknowledgments", body={"account_id": ids["alice"], "about": ask["uri"]})
    await check(carol, "GET", v1 + "/accounts/{id}/evidence", id=ids["alice"])
    await check(alice, "GET", v1 + "/accounts/{id}/ledger", id=ids["alice"])
    await check(carol, "DELETE", v1 + "/evidence/{id}", id=vouch["id"])
    await check(carol, "DELETE", v1 + "/evidence/{id}", 409, id=vouch["id"])

    asked = await check(alice, "POST", v1 + "/introductions/requests", body={
        "connector_id": ids["bob"], "target_id": ids["carol"], "what": "Pitching advice", "why": "She judged pitches", "benefit": "Early access",
    })
    declined = await check(alice, "POST", v1 + "/introductions/requests", body={
        "connector_id": ids["carol"], "target_id": ids["bob"], "what": "x", "why": "y", "benefit": "z",
    })
    await settle(instance)
    await check(bob, "POST", v1 + "/introductions/{id}/ask-more", body={"question": "Which stage are you at?"}, id=asked["id"])
    await check(bob, "POST", v1 + "/introductions/{id}/ask-more", 422, body={"question": ""}, id=asked["id"])
    await check(carol, "POST", v1 + "/introductions/{id}/decline", id=declined["id"])
    await check(bob, "POST", v1 + "/introductions", body={"request_id": asked["id"]})
    started = await check(bob, "POST", v1 + "/introductions", body={
        "introduced_id": ids["carol"], "target_id": ids["alice"], "who": "Carol", "why": "y", "benefit": "z",
    })
    await settle(instance)
    await check(carol, "POST", v1 + "/introductions/{id}/consent", body={"accept": False}, id=started["id"])
    await check(carol, "GET", v1 + "/introductions", body={"role": "target"})
    await check(carol, "POST", v1 + "/introductions/{id}/answer", body={"accept": True}, id=asked["id"])
    await settle(instance)
    await check(alice, "POST", v1 + "/introductions/{id}/outcome", body={"outcome": "helped"}, id=asked["id"])
    await check(bob, "GET", v1 + "/accounts/{id}/evidence", body={"kind": "outcome"}, id=ids["bob"])

    ours = {(m, p) for m, p in documented_operations(check.doc) if p.split("/")[4] in (
        "proposals", "responses", "vouches", "acknowledgments", "evidence", "introductions",
    ) or p.endswith("/evidence")}
    ours.discard(("GET", v1 + "/proposals/{id}/whom-to-ask"))
    assert sorted(ours - check.seen) == []
