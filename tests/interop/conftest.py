"""Fixtures for tests against real third-party ActivityPub servers on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from support.fedify_peer import FedifyPeer, fedify_peer


@pytest.fixture
async def fedify() -> AsyncIterator[FedifyPeer]:
    """A running Fedify peer (tests/interop/fedify/peer.mjs) with the actor /users/fedi.

    Skips where Node/npm cannot be had, fails in CI instead.
    """
    async with fedify_peer() as peer:
        yield peer
