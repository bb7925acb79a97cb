"""Building the bot in-process for the benchmarks: settings, a migrated SQLite file and linked chats."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from telegram import Update
from telegram.ext import Application

from benchmarks.fakes import BOT_TOKEN, UNUSED_BASE_URL, TelegramMock, command_update
from bot.app import build_application
from bot.config import Settings
from bot.handlers.common import Services
from bot.storage.crypto import TokenCipher, generate_key
from bot.storage.database import upgrade_schema

OWNER_ID = 1001


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def make_settings(database_path: Path, owner_ids: frozenset[int] = frozenset({OWNER_ID}),
                  **overrides: Any) -> Settings:
    """Return settings for an offline bot. Proxies are None, so proxy variables of the caller do not apply."""
    return Settings(
        _env_file=None,
        telegram_bot_token=BOT_TOKEN,
        bot_owner_ids=owner_ids,
        database_url=f"sqlite+aiosqlite:///{database_path}",
        telegram_api_base_url=f"{UNUSED_BASE_URL}/bot",
        telegram_api_file_url=f"{UNUSED_BASE_URL}/file/bot",
        token_encryption_key=generate_key(),
        log_level="WARNING",
        telegram_proxy_url=None,
        hostiran_proxy_url=None,
        telegram_webhook_url=None,
        **overrides,
    )


class BotUnderTest:
    """Full bot application with a mock Telegram and a migrated SQLite file of its own."""

    def __init__(self, database_path: Path, hostiran_transport: httpx.AsyncBaseTransport | None,
                 owner_ids: frozenset[int] = frozenset({OWNER_ID}), **setting_overrides: Any) -> None:
        self.settings = make_settings(database_path, owner_ids, **setting_overrides)
        self.telegram = TelegramMock()
        self.application: Application = build_application(
            self.settings,
            TokenCipher([self.settings.token_encryption_key]),
            request=self.telegram.request(),
            get_updates_request=self.telegram.request(),
            hostiran_transport=hostiran_transport,
        )

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    async def initialize(self) -> None:
        """Migrate the database and initialize the application."""
        # Alembic's env.py runs its own event loop, which cannot nest in the running one.
        await asyncio.to_thread(upgrade_schema, self.settings.database_url)
        await self.application.initialize()

    async def shutdown(self) -> None:
        """Stop the application and close what `post_shutdown` closes when the bot runs on its own."""
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.services.context.http.aclose()
        await self.application.bot_data["engine"].dispose()

    def update(self, payload: dict[str, Any]) -> Update:
        return Update.de_json(payload, self.application.bot)

    async def send_command(self, user_id: int, text: str) -> None:
        """Process one command update to the end and check that the bot replied."""
        before = len(self.telegram.calls)
        await self.application.process_update(self.update(command_update(user_id, text)))
        if len(self.telegram.calls) == before:
            raise RuntimeError(f"the bot sent nothing for {text.split(' ', 1)[0]} from user {user_id}")

    async def connect(self, user_id: int, base_url: str, token: str) -> None:
        """Link the account through the bot, as a person does with `/connect BASE_URL TOKEN`."""
        await self.send_command(user_id, f"/connect {base_url} {token}")
        linked = await self.services.accounts.linked_account(user_id)
        if linked is None:
            reply = self.telegram.last("sendMessage").params.get("text", "")
            raise RuntimeError(f"/connect did not link chat {user_id}; the bot replied: {reply[:200]}")


def reply_of(telegram: TelegramMock, method: str) -> tuple[str, Any]:
    """Return the text and reply markup of the newest call of `method`."""
    call = telegram.last(method)
    return str(call.params["text"]), call.params.get("reply_markup")
