"""A group that becomes a supergroup keeps its authorization, settings, account and audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.hostiran import create_http_client
from bot.services.access import AccessService
from bot.services.context import ServiceContext
from bot.storage import accounts, action_requests, chats
from bot.storage.crypto import TokenCipher, generate_key
from bot.storage.database import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import ActionRequest

OLD_ID = -4001
NEW_ID = -1004001
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    upgrade_schema(url)
    return url


async def test_migration_moves_everything(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    http = create_http_client()
    settings = Settings(_env_file=None, telegram_bot_token="1:abc", bot_owner_ids=frozenset({1}),
                        database_url=database_url)
    context = ServiceContext(settings=settings, sessions=sessions, cipher=TokenCipher([generate_key()]), http=http,
                             clock=lambda: NOW)
    access = AccessService(context)
    try:
        await access.authorize(OLD_ID, "group", "Ops", by_user_id=1)
        await access.set_policy(OLD_ID, "members", by_user_id=1)
        async with sessions.begin() as session:
            await accounts.link(session, OLD_ID, "https://api.example.com", b"ciphertext", 1, NOW)
            await action_requests.add(session, ActionRequest(
                id="Abcdefgh123", chat_id=OLD_ID, requested_by=1, requested_by_name="Sara", vm_id=61,
                vm_name="database", action="poweroff", state="done", created_at=NOW,
                expires_at=NOW + timedelta(minutes=1)))

        assert await access.move_chat(OLD_ID, NEW_ID) is True

        async with sessions() as session:
            new = await chats.get(session, NEW_ID)
            old = await chats.get(session, OLD_ID)
            account = await accounts.for_chat(session, NEW_ID)
            history = await action_requests.recent_for_chat(session, NEW_ID)
        assert new is not None
        assert new.authorized is True
        assert new.action_policy == "members"
        assert new.type == "supergroup"
        assert old is not None
        assert old.authorized is False
        assert account is not None
        assert account.base_url == "https://api.example.com"
        assert [request.id for request in history] == ["Abcdefgh123"]
        assert await access.move_chat(OLD_ID, NEW_ID) is False  # the new id is known now
    finally:
        await http.aclose()
        await engine.dispose()
