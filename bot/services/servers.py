"""Server lists: a short-lived per-account cache, filters and the renewal summary."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.hostiran import HostIranClient, Server
from bot.services.context import ServiceContext
from bot.storage import server_list_views

logger = logging.getLogger(__name__)

CACHE_TTL = timedelta(seconds=20)
DUE_WINDOW = timedelta(days=7)
FILTERS = ("all", "on", "off", "due")
# Number of cached accounts above which expired snapshots are swept out.
SWEEP_THRESHOLD = 256


@dataclass(frozen=True)
class ServerSnapshot:
    """Every server of an account as read at `fetched_at`."""

    servers: tuple[Server, ...]
    fetched_at: datetime


@dataclass(frozen=True)
class ServerSummary:
    count: int
    on: int
    off: int
    due_count: int
    due_amount: int


def is_due(server: Server, now: datetime) -> bool:
    """Return whether the server's renewal is overdue or falls within the next seven days."""
    return server.next_payment is not None and server.next_payment <= now + DUE_WINDOW


def summarize(servers: Sequence[Server], now: datetime) -> ServerSummary:
    due = [server for server in servers if is_due(server, now)]
    return ServerSummary(
        count=len(servers),
        on=sum(1 for server in servers if server.power_status.lower() == "on"),
        off=sum(1 for server in servers if server.power_status.lower() == "off"),
        due_count=len(due),
        due_amount=sum(server.next_payment_amount or 0 for server in due),
    )


def select_servers(servers: Sequence[Server], server_filter: str, now: datetime,
                   name_query: str | None = None) -> list[Server]:
    """Return the servers that pass the filter and contain `name_query` in their name, case-insensitively."""
    selected = list(servers)
    if name_query:
        needle = name_query.casefold()
        selected = [server for server in selected if needle in server.name.casefold()]
    if server_filter == "on":
        selected = [server for server in selected if server.power_status.lower() == "on"]
    elif server_filter == "off":
        selected = [server for server in selected if server.power_status.lower() == "off"]
    elif server_filter == "due":
        selected = sorted((server for server in selected if is_due(server, now)),
                          key=lambda server: server.next_payment or now)
    return selected


class ServerCache:
    """Per-process cache of server lists; the 20-second limit bounds how stale a page or card can be.

    A shared cache would need a shared store such as Redis, which the bot does not require. Pages
    and cards read from here, so paging sends no API request; refresh and `/vms` always read anew.
    Concurrent reads of one account share a single fetch.
    """

    def __init__(self, clock: Callable[[], datetime], ttl: timedelta = CACHE_TTL) -> None:
        self._clock = clock
        self._ttl = ttl
        self._snapshots: dict[int, ServerSnapshot] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._fetch_counts: dict[int, int] = {}

    async def get(self, chat_id: int, client: HostIranClient, *, refresh: bool = False) -> ServerSnapshot:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        fetches_before = self._fetch_counts.get(chat_id, 0)
        async with lock:
            cached = self._snapshots.get(chat_id)
            # A fetch that finished while this call waited for the lock is fresh enough even for a refresh.
            fetched_meanwhile = self._fetch_counts.get(chat_id, 0) != fetches_before
            if cached is not None and (fetched_meanwhile
                                       or (not refresh and self._clock() - cached.fetched_at < self._ttl)):
                return cached
            servers = await client.list_servers()
            snapshot = ServerSnapshot(tuple(servers), self._clock())
            self._snapshots[chat_id] = snapshot
            self._fetch_counts[chat_id] = self._fetch_counts.get(chat_id, 0) + 1
            if len(self._snapshots) > SWEEP_THRESHOLD:
                self._drop_expired()
            logger.debug("server list of chat %s read: %d servers", chat_id, len(servers))
            return snapshot

    def invalidate(self, chat_id: int) -> None:
        self._snapshots.pop(chat_id, None)

    def _drop_expired(self) -> None:
        """Forget snapshots past their time limit, so a bot serving many chats keeps only recent ones."""
        now = self._clock()
        for chat_id in [key for key, snapshot in self._snapshots.items() if now - snapshot.fetched_at >= self._ttl]:
            del self._snapshots[chat_id]
            lock = self._locks.get(chat_id)
            if lock is not None and not lock.locked():
                del self._locks[chat_id]
                self._fetch_counts.pop(chat_id, None)


class ServerListService:
    """Server lists of a chat: snapshots from the cache and the name filter of each list message."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self.cache = ServerCache(context.clock)

    async def remember_name_query(self, chat_id: int, message_id: int, name_query: str) -> None:
        async with self._context.sessions.begin() as session:
            await server_list_views.save(session, chat_id, message_id, name_query, self._context.clock())

    async def name_query(self, chat_id: int, message_id: int) -> str | None:
        async with self._context.sessions() as session:
            return await server_list_views.name_query(session, chat_id, message_id)
