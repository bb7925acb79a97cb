"""The long-lived objects that services share: settings, database sessions, cipher, HTTP client."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.storage.crypto import TokenCipher
from bot.storage.models import Account, Chat

# Seconds a chat and its account are served from memory. With several processes, a change made
# in one (a /revoke, a new policy) reaches the others within this time; in its own process at once.
CHAT_CACHE_TTL_SECONDS = 5.0
CHAT_CACHE_SWEEP_THRESHOLD = 4096


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CachedChat:
    chat: Chat
    account: Account | None
    loaded_at: float


class ChatCache:
    """Chats and their account rows as last read from the database, kept for a few seconds.

    The rows are detached copies that nothing modifies. Every service that changes a chat or
    its account calls `forget`, so the process that made a change never serves the old rows.
    """

    def __init__(self, ttl: float = CHAT_CACHE_TTL_SECONDS) -> None:
        self._ttl = ttl
        self._entries: dict[int, CachedChat] = {}

    def get(self, chat_id: int) -> CachedChat | None:
        entry = self._entries.get(chat_id)
        if entry is None or time.monotonic() - entry.loaded_at >= self._ttl:
            return None
        return entry

    def put(self, chat: Chat, account: Account | None) -> None:
        now = time.monotonic()
        if len(self._entries) > CHAT_CACHE_SWEEP_THRESHOLD:
            for chat_id in [key for key, entry in self._entries.items() if now - entry.loaded_at >= self._ttl]:
                del self._entries[chat_id]
        self._entries[chat.id] = CachedChat(chat, account, now)

    def forget(self, chat_id: int) -> None:
        self._entries.pop(chat_id, None)


@dataclass
class ServiceContext:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    cipher: TokenCipher
    http: httpx.AsyncClient
    clock: Callable[[], datetime] = field(default=utc_now)
    chats: ChatCache = field(default_factory=ChatCache)

    def is_owner(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.bot_owner_ids
