"""Alembic migrations on a SQLite file: upgrade, downgrade and agreement with the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage.database import (
    alembic_config,
    create_engine,
    current_revision,
    head_revision,
    upgrade_schema,
)
from bot.storage.models import Base
from tests.support.settings import sqlite_url


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def stored_revisions(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [revision for (revision,) in connection.execute("SELECT version_num FROM alembic_version")]


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


def test_upgrade_creates_tables(database_path: Path) -> None:
    upgrade_schema(sqlite_url(database_path))

    assert table_names(database_path) == set(Base.metadata.tables) | {"alembic_version"}
    assert stored_revisions(database_path) == [head_revision()]


def test_upgrade_twice_changes_nothing(database_path: Path) -> None:
    upgrade_schema(sqlite_url(database_path))
    upgrade_schema(sqlite_url(database_path))

    assert table_names(database_path) == set(Base.metadata.tables) | {"alembic_version"}
    assert stored_revisions(database_path) == [head_revision()]


def test_downgrade_then_upgrade(database_path: Path) -> None:
    url = sqlite_url(database_path)
    upgrade_schema(url)

    command.downgrade(alembic_config(url), "base")

    assert table_names(database_path) == {"alembic_version"}
    assert stored_revisions(database_path) == []

    upgrade_schema(url)

    assert table_names(database_path) == set(Base.metadata.tables) | {"alembic_version"}
    assert stored_revisions(database_path) == [head_revision()]


@pytest.fixture
def migrated_url(database_path: Path) -> str:
    url = sqlite_url(database_path)
    upgrade_schema(url)
    return url


async def test_models_match_schema(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        assert await current_revision(engine) == head_revision()
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync_connection: compare_metadata(
                    MigrationContext.configure(sync_connection, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()

    assert differences == []
