"""Repository functions for the `action_requests` table, which is also the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ActionRequest

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
UNKNOWN = "unknown"
CANCELLED = "cancelled"
EXPIRED = "expired"
REJECTED = "rejected"  # refused before the POST: the action was withdrawn or the server is gone


async def get(session: AsyncSession, request_id: str) -> ActionRequest | None:
    return await session.get(ActionRequest, request_id)


async def add(session: AsyncSession, request: ActionRequest) -> None:
    session.add(request)
    await session.flush()


async def transition(session: AsyncSession, request_id: str, from_state: str, to_state: str,
                     now: datetime, *, require_unexpired: bool = False, require_expired: bool = False,
                     **values: object) -> bool:
    """Move a request from one state to another; return False if another update moved it first.

    This conditional UPDATE is what makes a confirmation run at most once: of any number of
    concurrent presses, across processes sharing the database, exactly one gets rowcount 1.
    """
    statement = (
        update(ActionRequest)
        .where(ActionRequest.id == request_id, ActionRequest.state == from_state)
        .values(state=to_state, **values)
        .execution_options(synchronize_session=False)
    )
    if require_unexpired:
        statement = statement.where(ActionRequest.expires_at > now)
    if require_expired:
        statement = statement.where(ActionRequest.expires_at <= now)
    result = await session.execute(statement)
    return result.rowcount == 1


async def recent_for_chat(session: AsyncSession, chat_id: int, limit: int = 20) -> list[ActionRequest]:
    result = await session.scalars(
        select(ActionRequest)
        .where(ActionRequest.chat_id == chat_id)
        .order_by(ActionRequest.created_at.desc())
        .limit(limit)
    )
    return list(result)
