"""Walk every migration with data in place, up and down, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.storage.database import alembic_config, create_engine

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC).replace(tzinfo=None)


def revisions(url: str) -> list[str]:
    """Return every revision id from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


async def execute(url: str, statement: str, **values: object) -> list[tuple]:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


def run(url: str, statement: str, **values: object) -> list[tuple]:
    return asyncio.run(execute(url, statement, **values))


def seed_first_revision(url: str) -> None:
    run(url, "INSERT INTO chats (id, type, title, authorized, authorized_by, authorized_at, language, money_unit, "
             "action_policy, created_at) VALUES (-100, 'supergroup', 'Ops', true, 1, :now, 'fa', 'toman', "
             "'admins', :now)", now=NOW)
    run(url, "INSERT INTO accounts (chat_id, base_url, token_ciphertext, linked_by, linked_at) "
             "VALUES (-100, 'https://api.example.com', :token, 1, :now)", token=b"ciphertext", now=NOW)
    run(url, "INSERT INTO action_requests (id, chat_id, requested_by, requested_by_name, vm_id, vm_name, action, "
             "state, created_at, expires_at) VALUES ('Abcdefgh123', -100, 1, 'Sara', 61, 'database', 'poweroff', "
             "'done', :now, :now)", now=NOW)


def check_seed_intact(url: str) -> None:
    assert run(url, "SELECT id, title, authorized FROM chats") == [(-100, "Ops", True)]
    assert run(url, "SELECT chat_id, base_url, token_ciphertext FROM accounts") == [
        (-100, "https://api.example.com", b"ciphertext")]
    assert run(url, "SELECT id, state FROM action_requests") == [("Abcdefgh123", "done")]


def test_walk_up_and_down_with_data(database_url: str) -> None:
    config = alembic_config(database_url)
    steps = revisions(database_url)
    assert len(steps) >= 2

    command.upgrade(config, steps[0])
    seed_first_revision(database_url)
    # Up one revision at a time: the data of every earlier revision survives each step.
    for revision in steps[1:]:
        command.upgrade(config, revision)
        check_seed_intact(database_url)
    assert run(database_url, "SELECT silent FROM chats") == [(False,)]

    # Down again, one revision at a time, to the first, and then to an empty database.
    for revision in reversed(steps[:-1]):
        command.downgrade(config, revision)
        check_seed_intact(database_url)
    command.downgrade(config, "base")
    assert run(database_url, "SELECT count(*) FROM alembic_version") == [(0,)]
