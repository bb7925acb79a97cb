"""Repository functions for the `server_list_views` table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ServerListView


async def save(session: AsyncSession, chat_id: int, message_id: int, name_query: str, now: datetime) -> None:
    await session.merge(ServerListView(chat_id=chat_id, message_id=message_id, name_query=name_query,
                                       created_at=now))


async def name_query(session: AsyncSession, chat_id: int, message_id: int) -> str | None:
    view = await session.get(ServerListView, (chat_id, message_id))
    return view.name_query if view else None
