"""Helpers for tests that build settings, migrate a SQLite file or run the command line."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage.database import upgrade_schema
from tests.support.processes import EXECUTABLE, free_port

BOT_TOKEN = "1:abc"
OWNER_ID = 1

# Every environment variable that Settings reads, so a test starts from none of them.
SETTING_NAMES = tuple(name.upper() for name in Settings.model_fields)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def isolate_settings(monkeypatch: pytest.MonkeyPatch, working_dir: Path) -> None:
    """Remove every setting from the environment and move to a folder without a `.env` file."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(working_dir)


def build_settings(database_url: str, **overrides: object) -> Settings:
    """Build Settings with the two required values. Call `isolate_settings` first."""
    return Settings(telegram_bot_token=BOT_TOKEN, bot_owner_ids=frozenset({OWNER_ID}),
                    database_url=database_url, **overrides)


def migrated_sqlite(path: Path) -> str:
    """Create a SQLite file at `path`, migrate it to the latest revision and return its URL.

    Call it outside a running event loop, e.g. from a sync fixture, because alembic runs its own.
    """
    url = sqlite_url(path)
    upgrade_schema(url)
    return url


class FakeClock:
    """A clock for `ServiceContext.clock` that moves only when a test advances it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str
    stderr: str

    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def error_lines(self) -> list[str]:
        """Return the lines that the command line prints itself when it stops, without log lines."""
        return [line for line in self.stderr_lines() if line.startswith("hostiran-bot:")]


def command_env(database_url: str, **settings: str) -> dict[str, str]:
    """Build the environment for `hostiran-bot`: this process's, without any setting, plus `settings`.

    The Bot API URLs point at a closed port on 127.0.0.1, so a bot that got past its start
    checks would fail there instead of reaching Telegram.
    """
    env = {name: value for name, value in os.environ.items() if name not in SETTING_NAMES}
    closed_port = free_port()
    env.update({
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "BOT_OWNER_IDS": str(OWNER_ID),
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{closed_port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{closed_port}/file/bot",
    })
    env.update(settings)
    return env


def run_command(arguments: list[str], env: dict[str, str], cwd: Path, timeout: float = 30) -> CommandResult:
    """Run `hostiran-bot ARGUMENTS` to its end, or raise `subprocess.TimeoutExpired` after `timeout` seconds."""
    completed = subprocess.run([EXECUTABLE, *arguments], env=env, cwd=cwd, capture_output=True, text=True,
                               timeout=timeout, check=False)
    return CommandResult(completed.returncode, completed.stdout, completed.stderr)
