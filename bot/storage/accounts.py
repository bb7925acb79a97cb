"""Repository functions for the `accounts` table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Account


async def for_chat(session: AsyncSession, chat_id: int) -> Account | None:
    return await session.scalar(select(Account).where(Account.chat_id == chat_id))


async def link(session: AsyncSession, chat_id: int, base_url: str, token_ciphertext: bytes,
               linked_by: int, now: datetime) -> Account:
    """Link the chat to an account, replacing any account it had."""
    account = await for_chat(session, chat_id)
    if account is None:
        account = Account(chat_id=chat_id)
        session.add(account)
    account.base_url = base_url
    account.token_ciphertext = token_ciphertext
    account.linked_by = linked_by
    account.linked_at = now
    await session.flush()
    return account


async def unlink(session: AsyncSession, chat_id: int) -> bool:
    result = await session.execute(delete(Account).where(Account.chat_id == chat_id))
    return result.rowcount > 0


async def all_accounts(session: AsyncSession) -> list[Account]:
    return list(await session.scalars(select(Account).order_by(Account.id)))
