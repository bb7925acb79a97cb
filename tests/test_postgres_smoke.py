"""The schema and the at-most-once state change on every supported database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.storage import action_requests
from bot.storage.database import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import ActionRequest


async def test_conditional_update_wins_once(database_url: str) -> None:
    await asyncio.to_thread(upgrade_schema, database_url)
    engines = [create_engine(database_url), create_engine(database_url)]
    factories = [create_session_factory(engine) for engine in engines]
    now = datetime.now(UTC)
    async with factories[0].begin() as session:
        await action_requests.add(session, ActionRequest(
            id="Abcdefgh123", chat_id=1, requested_by=1, requested_by_name="a", vm_id=61, vm_name="db",
            action="poweroff", state="pending", created_at=now, expires_at=now + timedelta(minutes=1)))

    async def press(index: int) -> bool:
        async with factories[index % 2].begin() as session:
            return await action_requests.transition(session, "Abcdefgh123", "pending", "running", now,
                                                    require_unexpired=True, decided_by=index)

    try:
        results = await asyncio.gather(*(press(index) for index in range(20)))
    finally:
        for engine in engines:
            await engine.dispose()
    assert results.count(True) == 1
