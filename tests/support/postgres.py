"""Throwaway PostgreSQL databases for tests, on the server at FEDINET_TEST_POSTGRES_URL.

Where no server answers, PostgreSQL tests skip with the reason — except in CI (CI=true),
where they fail: CI must prove the PostgreSQL path works.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("FEDINET_TEST_POSTGRES_URL", DEFAULT_SERVER_URL)


async def require_server() -> None:
    try:
        connection = await asyncpg.connect(server_url(), timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        reason = f"no PostgreSQL server at {server_url()} ({error.__class__.__name__}: {error})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    await connection.close()


@asynccontextmanager
async def scratch_database() -> AsyncIterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    await require_server()
    name = f"fedinet_test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(server_url())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = server_url().rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(server_url())
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
