"""Shared fixtures: the sandbox HostIran API and an HTTP client for the HostIran client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

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
