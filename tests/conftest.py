"""Shared fixtures: the sandbox HostIran API and an HTTP client for the HostIran client."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bot.hostiran import HostIranClient, create_http_client
from bot.sandbox.server import SandboxServer

SANDBOX_TOKEN = "sandbox-token"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(token=SANDBOX_TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    client = create_http_client(timeout=5.0)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def client(sandbox: SandboxServer, http: httpx.AsyncClient) -> HostIranClient:
    return HostIranClient(sandbox.url, SANDBOX_TOKEN, http, backoff_seconds=0.01)


POSTGRES_URL = os.environ.get("HOSTIRAN_TEST_POSTGRES_URL")
POSTGRES_SKIP_REASON = (
    "PostgreSQL is not available: set HOSTIRAN_TEST_POSTGRES_URL to a server's URL "
    "(.ci/run starts one on 127.0.0.1)"
)


async def _postgres_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP_REASON)
    name = f"hostiran_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each supported kind: a SQLite file, and PostgreSQL when it is available."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    return request.getfixturevalue("postgres_url")
