"""Repository functions for the `chats` table."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Account, ActionRequest, Chat, ConnectDialog, ConnectLink


async def get(session: AsyncSession, chat_id: int) -> Chat | None:
    return await session.get(Chat, chat_id)


async def with_account(session: AsyncSession, chat_id: int) -> tuple[Chat, Account | None] | None:
    """Return the chat and its account, if any, in one query; None for a chat never seen."""
    row = (await session.execute(
        select(Chat, Account).outerjoin(Account, Account.chat_id == Chat.id).where(Chat.id == chat_id)
    )).first()
    return None if row is None else (row[0], row[1])


async def get_or_create(session: AsyncSession, chat_id: int, chat_type: str, title: str | None, now: datetime) -> Chat:
    """Return the chat's row, inserting it on first sight and refreshing its type and title."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, type=chat_type, title=title, authorized=False, created_at=now,
                    language="fa", money_unit="toman", action_policy="admins")
        session.add(chat)
        await session.flush()
    elif chat.type != chat_type or chat.title != title:
        chat.type = chat_type
        chat.title = title
    return chat


async def authorize(session: AsyncSession, chat: Chat, by_user_id: int, now: datetime) -> None:
    chat.authorized = True
    chat.authorized_by = by_user_id
    chat.authorized_at = now
    chat.revoked_by = None
    chat.revoked_at = None


async def revoke(session: AsyncSession, chat: Chat, by_user_id: int, now: datetime) -> None:
    chat.authorized = False
    chat.revoked_by = by_user_id
    chat.revoked_at = now


async def list_known(session: AsyncSession) -> list[Chat]:
    """Return every chat that is or was authorized, authorized ones first."""
    result = await session.scalars(
        select(Chat)
        .where(or_(Chat.authorized.is_(True), Chat.revoked_at.is_not(None)))
        .order_by(Chat.authorized.desc(), Chat.id)
    )
    return list(result)


async def claim_unauthorized_notice(session: AsyncSession, chat_id: int, now: datetime, interval: timedelta) -> bool:
    """Record a "not authorized" reply unless one was sent within `interval`; return whether to send it.

    A conditional UPDATE, so two updates racing for the same chat send one reply.
    """
    result = await session.execute(
        update(Chat)
        .where(Chat.id == chat_id)
        .where(or_(Chat.unauthorized_notice_at.is_(None), Chat.unauthorized_notice_at <= now - interval))
        .values(unauthorized_notice_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def move(session: AsyncSession, old_id: int, new_id: int, chat_type: str, now: datetime) -> bool:
    """Move a group's row, account, audit log and pending links to the id of its new supergroup.

    Telegram gives a group a new id when it becomes a supergroup. Returns False if the old id
    is unknown or the new one already has a row, in which case nothing changes.
    """
    old = await session.get(Chat, old_id)
    if old is None or await session.get(Chat, new_id) is not None:
        return False
    session.add(Chat(
        id=new_id, type=chat_type, title=old.title, authorized=old.authorized, authorized_by=old.authorized_by,
        authorized_at=old.authorized_at, revoked_by=old.revoked_by, revoked_at=old.revoked_at,
        language=old.language, money_unit=old.money_unit, action_policy=old.action_policy, silent=old.silent,
        created_at=now,
    ))
    await session.flush()
    await session.execute(update(Account).where(Account.chat_id == old_id).values(chat_id=new_id))
    await session.execute(update(ActionRequest).where(ActionRequest.chat_id == old_id).values(chat_id=new_id))
    await session.execute(update(ConnectLink).where(ConnectLink.group_chat_id == old_id).values(group_chat_id=new_id))
    await session.execute(update(ConnectDialog).where(ConnectDialog.target_chat_id == old_id)
                          .values(target_chat_id=new_id))
    old.authorized = False
    return True
