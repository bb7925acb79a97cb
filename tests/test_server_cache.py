"""The per-process server list cache: fresh reads, cached pages, shared fetches and sweeping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.hostiran import HostIranClient
from bot.sandbox.server import SandboxServer
from bot.services import servers as server_lists
from bot.services.servers import ServerCache


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def cloud_reads(sandbox: SandboxServer) -> int:
    return sum(1 for entry in sandbox.requests() if entry["path"] == "/v1/cloud")


async def test_cached_until_expiry(sandbox: SandboxServer, client: HostIranClient) -> None:
    clock = Clock()
    cache = ServerCache(clock)
    first = await cache.get(1, client)
    again = await cache.get(1, client)
    assert again is first
    assert cloud_reads(sandbox) == 1
    clock.now += timedelta(seconds=21)
    await cache.get(1, client)
    assert cloud_reads(sandbox) == 2


async def test_refresh_reads_and_concurrent_reads_share(sandbox: SandboxServer, client: HostIranClient) -> None:
    cache = ServerCache(Clock())
    await cache.get(1, client)
    await cache.get(1, client, refresh=True)
    assert cloud_reads(sandbox) == 2
    sandbox.set_fault("cloud", delay=0.2)
    await asyncio.gather(*(cache.get(2, client) for _ in range(10)))
    assert cloud_reads(sandbox) == 3


async def test_expired_snapshots_swept(sandbox: SandboxServer, client: HostIranClient, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(server_lists, "SWEEP_THRESHOLD", 3)
    clock = Clock()
    cache = ServerCache(clock)
    for chat_id in range(3):
        await cache.get(chat_id, client)
    clock.now += timedelta(seconds=30)
    await cache.get(10, client)
    await cache.get(11, client)
    assert sorted(cache._snapshots) == [10, 11]
