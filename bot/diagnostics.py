"""`hostiran-bot check` and the start-up wait for Telegram: is each part of the setup reachable?"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken, TelegramError

from bot.app import build_check_bot
from bot.config import Settings
from bot.hostiran import HostIranClient, HostIranError, create_http_client
from bot.storage import accounts
from bot.storage.crypto import EncryptionKeyError, TokenCipher, load_keys
from bot.storage.database import (
    create_engine,
    create_session_factory,
    current_revision,
    head_revision,
)
from bot.storage.models import Account
from bot.views.format import format_money

logger = logging.getLogger(__name__)

MAX_STARTUP_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def telegram_route(settings: Settings) -> str:
    host = urlsplit(settings.telegram_api_base_url).netloc
    if settings.telegram_proxy_url:
        proxy = urlsplit(settings.telegram_proxy_url)
        return f"{host} through the proxy {proxy.scheme}://{proxy.hostname}:{proxy.port}"
    return f"{host} directly"


async def wait_for_telegram(settings: Settings) -> None:
    """Call getMe until Telegram answers, with capped exponential backoff; a rejected token raises."""
    bot = build_check_bot(settings)
    attempt = 0
    while True:
        try:
            async with bot:
                me = await bot.get_me()
            logger.info("Telegram reachable via %s as @%s", telegram_route(settings), me.username)
            return
        except InvalidToken:
            raise
        except TelegramError as error:
            attempt += 1
            delay = min(MAX_STARTUP_BACKOFF_SECONDS, 2 ** min(attempt, 6)) * random.uniform(0.8, 1.2)
            logger.warning("Telegram unreachable via %s (%s: %s); retry %d in %.0f s",
                           telegram_route(settings), type(error).__name__, error, attempt, delay)
            await asyncio.sleep(delay)


async def run_checks(settings: Settings) -> list[CheckResult]:
    """Check the database, the key, Telegram and every linked account, reporting each failure as a result."""
    results = [CheckResult("settings", True, f"{len(settings.bot_owner_ids)} owner(s); database "
                                             f"{settings.database_url.split('://')[0]}; Telegram at "
                                             f"{telegram_route(settings)}")]
    engine = create_engine(settings.database_url)
    stored: list[Account] = []
    try:
        try:
            revision = await current_revision(engine)
            latest = head_revision()
            if revision == latest:
                results.append(CheckResult("database", True, f"reachable, at the latest revision {latest}"))
            else:
                results.append(CheckResult("database", False, f"at revision {revision or 'none'}, the latest is "
                                                              f"{latest}; `hostiran-bot run` migrates it"))
            if revision is not None:
                async with create_session_factory(engine)() as session:
                    stored = await accounts.all_accounts(session)
        except (SQLAlchemyError, OSError) as error:
            results.append(CheckResult("database", False, f"unreachable: {type(error).__name__}: {error}"))
    finally:
        await engine.dispose()

    results.append(await _check_telegram(settings))

    cipher = None
    try:
        cipher = TokenCipher(load_keys(settings.token_encryption_key, settings.data_dir, may_create=False))
    except EncryptionKeyError as error:
        if stored:
            results.append(CheckResult("encryption key", False, str(error)))
    if cipher is not None and stored:
        results.append(CheckResult("encryption key", True, f"found; {len(stored)} linked account(s)"))
    http = create_http_client(min(settings.hostiran_timeout_seconds, 10), proxy=settings.hostiran_proxy_url)
    try:
        for account in stored:
            results.append(await _check_account(account, cipher, http))
    finally:
        await http.aclose()
    return results


async def _check_telegram(settings: Settings) -> CheckResult:
    bot = build_check_bot(settings)
    try:
        async with bot:
            me = await bot.get_me()
    except InvalidToken:
        return CheckResult("Telegram", False, "the bot token was rejected; check TELEGRAM_BOT_TOKEN")
    except TelegramError as error:
        return CheckResult("Telegram", False, f"unreachable via {telegram_route(settings)}: "
                                              f"{type(error).__name__}: {error}")
    return CheckResult("Telegram", True, f"@{me.username} via {telegram_route(settings)}")


async def _check_account(account: Account, cipher: TokenCipher | None, http: httpx.AsyncClient) -> CheckResult:
    name = f"account of chat {account.chat_id} ({account.base_url})"
    if cipher is None:
        return CheckResult(name, False, "no key to decrypt its token")
    try:
        token = cipher.decrypt(account.token_ciphertext)
        credit = await HostIranClient(account.base_url, token, http, read_retries=0).get_credit()
    except EncryptionKeyError as error:
        return CheckResult(name, False, str(error))
    except HostIranError as error:
        return CheckResult(name, False, f"{type(error).__name__}: {error}")
    return CheckResult(name, True, f"the API answers; credit {format_money(credit.credit, 'rial', 'en')}")
