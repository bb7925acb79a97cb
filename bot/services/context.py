"""The long-lived objects that services share: settings, database sessions, cipher, HTTP client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.storage.crypto import TokenCipher


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    cipher: TokenCipher
    http: httpx.AsyncClient
    clock: Callable[[], datetime] = field(default=utc_now)

    def is_owner(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.bot_owner_ids
