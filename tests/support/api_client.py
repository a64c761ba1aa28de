"""A member's API client over plain HTTP: one registered app per instance, a token per
member (the password grant), and calls that return status, JSON body and headers — for the
Mastodon API and the fedinet API alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
from support.instances import TEST_PASSWORD, RunningInstance

from fedinet.store.models import Account


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: CIMultiDictProxy[str]


@dataclass
class Api:
    http: aiohttp.ClientSession
    base_url: str
    token: str

    async def call(self, method: str, path: str, **options: Any) -> Reply:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.http.request(method, self.base_url + path, headers=headers, **options) as response:
            body = await response.json() if response.content_type == "application/json" else await response.text()
            return Reply(response.status, body, response.headers)

    async def get(self, path: str, **params: Any) -> Reply:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, **data: Any) -> Reply:
        return await self.call("POST", path, data=data)


@dataclass
class Apps:
    """Logs members of one instance in through a single registered app."""

    http: aiohttp.ClientSession
    instance: RunningInstance
    client: dict[str, Any] | None = None

    async def log_in(self, username: str, scope: str = "read write follow") -> Api:
        base_url = self.instance.base_url
        if self.client is None:
            async with self.http.post(f"{base_url}/api/v1/apps", data={
                "client_name": "tests", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow",
            }) as response:
                self.client = await response.json()
        async with self.http.post(f"{base_url}/oauth/token", data={
            "grant_type": "password", "client_id": self.client["client_id"],
            "client_secret": self.client["client_secret"], "username": username,
            "password": TEST_PASSWORD, "scope": scope,
        }) as response:
            token = (await response.json())["access_token"]
        return Api(self.http, base_url, token)

    def anonymous(self) -> Api:
        return Api(self.http, self.instance.base_url, "")


FEDINET_API = "/api/fedinet/v1"


async def members(http: aiohttp.ClientSession, instance: RunningInstance, *names: str) -> tuple[dict[str, Account], dict[str, Api]]:
    """New members of `instance`, and an API client logged in as each."""
    apps = Apps(http, instance)
    accounts = {name: await instance.create_member(name) for name in names}
    return accounts, {name: await apps.log_in(name) for name in names}


async def fedinet_post(api: Api, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """POST a JSON body to the fedinet API (`path` below /api/fedinet/v1): status and body."""
    reply = await api.call("POST", FEDINET_API + path, json=body or {})
    return reply.status, reply.body
