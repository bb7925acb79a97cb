"""Repository functions for `/connect`: dialogs in private chats and deep-link payloads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ConnectDialog, ConnectLink


async def get_dialog(session: AsyncSession, chat_id: int) -> ConnectDialog | None:
    return await session.get(ConnectDialog, chat_id)


async def save_dialog(session: AsyncSession, dialog: ConnectDialog) -> None:
    await session.merge(dialog)
    await session.flush()


async def end_dialog(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(ConnectDialog).where(ConnectDialog.chat_id == chat_id))


async def add_link(session: AsyncSession, link: ConnectLink) -> None:
    session.add(link)
    await session.flush()


async def claim_link(session: AsyncSession, payload: str, user_id: int, now: datetime) -> ConnectLink | None:
    """Mark an unused, unexpired payload of this user as used and return it, or return None."""
    result = await session.execute(
        update(ConnectLink)
        .where(
            ConnectLink.payload == payload,
            ConnectLink.user_id == user_id,
            ConnectLink.used_at.is_(None),
            ConnectLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return await session.get(ConnectLink, payload)
