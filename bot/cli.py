"""The `hostiran-bot` command line: run the bot, serve the sandbox, and key tools."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.config import Settings
    from bot.storage.crypto import TokenCipher

ResultT = TypeVar("ResultT")

logger = logging.getLogger(__name__)

ROTATE_WITH_CONFIGURED_KEY = (
    "TOKEN_ENCRYPTION_KEY holds one key. To rotate it, make a new key with `hostiran-bot generate-key`, "
    "set TOKEN_ENCRYPTION_KEY=NEW_KEY,OLD_KEY, run `hostiran-bot rotate-key`, then set TOKEN_ENCRYPTION_KEY=NEW_KEY."
)


class StartError(Exception):
    """Start-up cannot go on; the message is one plain line for the person running the bot."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hostiran-bot", description="Telegram bot for a HostIran account.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="migrate the database, then run the bot: long polling, or a webhook server "
                                          "when TELEGRAM_WEBHOOK_URL is set")
    sandbox = commands.add_parser("sandbox", help="serve a stand-in HostIran API with the provider's sample data")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8080, help="TCP port to listen on (default 8080)")
    sandbox.add_argument("--token", default="sandbox-token", help="API token the sandbox accepts (default sandbox-token)")
    sandbox.add_argument("--servers", type=int, default=None, metavar="N",
                         help="serve N generated servers instead of the provider's two samples")
    sandbox.add_argument("--fault", action="append", default=[], metavar="ENDPOINT:KEY=VALUE[,...]",
                         help="make an endpoint (credit, invoice, cloud, action) misbehave, e.g. "
                              "credit:status=503,times=2 or action:delay=20 or invoice:preset=html; "
                              "presets: provider-sample, html, not-json, wrong-shape; repeatable")
    commands.add_parser("generate-key", help="print a new key for TOKEN_ENCRYPTION_KEY")
    commands.add_parser("rotate-key", help="re-encrypt every stored HostIran token under a new key")
    commands.add_parser("check", help="check settings, database, Telegram and every linked account")
    commands.add_parser("health", help="exit 0 if the running bot refreshed its heartbeat recently (for Docker)")
    arguments = parser.parse_args(argv)

    if arguments.command == "sandbox":
        return _serve_sandbox(arguments)
    if arguments.command == "generate-key":
        from bot.storage.crypto import generate_key

        print(generate_key())
        return 0
    try:
        if arguments.command == "rotate-key":
            return _rotate_key()
        if arguments.command == "check":
            return _check()
        if arguments.command == "health":
            return _health()
        return _run()
    except StartError as error:
        print(f"hostiran-bot: {error}", file=sys.stderr)
        return 2


def _serve_sandbox(arguments: argparse.Namespace) -> int:
    from bot.logging_setup import configure_logging
    from bot.sandbox.server import parse_fault_flag, serve

    configure_logging("INFO")
    try:
        faults = [parse_fault_flag(flag) for flag in arguments.fault]
    except ValueError as error:
        print(f"hostiran-bot sandbox: invalid --fault: {error}", file=sys.stderr)
        return 2
    try:
        serve(arguments.host, arguments.port, arguments.token, arguments.servers, faults)
    except OSError as error:
        print(f"hostiran-bot sandbox: cannot listen on {arguments.host}:{arguments.port}: {error.strerror}",
              file=sys.stderr)
        return 1
    return 0


def _prepare() -> Settings:
    """Read the settings, configure logging and migrate the database."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.config import SettingsError, load_settings
    from bot.logging_setup import configure_logging, redactor
    from bot.storage.database import upgrade_schema

    try:
        settings = load_settings()
    except SettingsError as error:
        raise StartError(str(error)) from None
    configure_logging(settings.log_level)
    redactor.add(settings.telegram_bot_token)
    try:
        upgrade_schema(settings.database_url)
    except (SQLAlchemyError, OSError, ImportError) as error:  # ImportError: the URL's database driver is not installed
        raise StartError(f"cannot migrate the database at DATABASE_URL: {type(error).__name__}: {error}") from None
    return settings


def _load_cipher(settings: Settings) -> TokenCipher:
    """Load the keys and check that they decrypt a stored token, so a wrong key stops the start."""
    from bot.storage.crypto import EncryptionKeyError, TokenCipher, load_keys

    stored: bytes | None = None
    try:
        from bot.services.keys import first_stored_ciphertext

        stored = asyncio.run(_with_sessions(settings.database_url, first_stored_ciphertext))
        keys = load_keys(settings.token_encryption_key, settings.data_dir, may_create=stored is None)
        cipher = TokenCipher(keys)
        if stored is not None:
            cipher.decrypt(stored)
    except EncryptionKeyError as error:
        source = "TOKEN_ENCRYPTION_KEY" if settings.token_encryption_key else "the key file in the data folder"
        hint = ("Use the key the tokens were stored with" if stored is not None
                else "Make a key with `hostiran-bot generate-key`, or unset the variable to keep one in the data folder")
        raise StartError(f"{source} cannot be used: {error}. {hint}.") from None
    except OSError as error:
        raise StartError(f"cannot read or create the key file in {settings.data_dir}: {error.strerror}") from None
    return cipher


def _run() -> int:
    settings = _prepare()
    cipher = _load_cipher(settings)

    from telegram.error import InvalidToken

    from bot.app import ALLOWED_UPDATES, build_application
    from bot.diagnostics import wait_for_telegram

    try:
        asyncio.run(wait_for_telegram(settings))
    except InvalidToken:
        raise StartError("Telegram rejected TELEGRAM_BOT_TOKEN: copy the token from @BotFather again") from None
    except KeyboardInterrupt:
        return 130
    application = build_application(settings, cipher)
    if settings.telegram_webhook_url:
        url_path = urlsplit(settings.telegram_webhook_url).path.lstrip("/")
        logger.info("starting the webhook server on %s:%s for %s", settings.telegram_webhook_listen,
                    settings.telegram_webhook_port, settings.telegram_webhook_url)
        application.run_webhook(
            listen=settings.telegram_webhook_listen, port=settings.telegram_webhook_port, url_path=url_path,
            webhook_url=settings.telegram_webhook_url, secret_token=settings.telegram_webhook_secret,
            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1,
        )
        return 0
    logger.info("starting long polling against %s", settings.telegram_api_base_url)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
    return 0


def _health() -> int:
    from bot.config import DEFAULT_DATABASE_URL, SettingsError, data_dir_for, load_settings
    from bot.health import HEARTBEAT_MAX_AGE_SECONDS, heartbeat_age, heartbeat_path

    try:
        data_dir = load_settings().data_dir
    except SettingsError:
        # The heartbeat needs only the data folder, which DATABASE_URL or the default gives.
        data_dir = data_dir_for(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    age = heartbeat_age(heartbeat_path(data_dir))
    if age is None or age > HEARTBEAT_MAX_AGE_SECONDS:
        print("unhealthy: no heartbeat" if age is None else f"unhealthy: last heartbeat {age:.0f} s ago")
        return 1
    print(f"healthy: last heartbeat {age:.0f} s ago")
    return 0


def _check() -> int:
    from bot.config import SettingsError, load_settings
    from bot.diagnostics import run_checks

    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"FAIL  settings: {error}")
        return 1
    from bot.logging_setup import configure_logging, redactor

    configure_logging("ERROR")
    redactor.add(settings.telegram_bot_token)
    results = asyncio.run(run_checks(settings))
    for result in results:
        print(result.line())
    return 0 if all(result.ok for result in results) else 1


def _rotate_key() -> int:
    from bot.storage.crypto import (
        EncryptionKeyError,
        TokenCipher,
        generate_key,
        key_file,
        parse_keys,
        write_key_file,
    )

    settings = _prepare()
    if settings.token_encryption_key:
        keys = parse_keys(settings.token_encryption_key)
        if len(keys) < 2:
            raise StartError(ROTATE_WITH_CONFIGURED_KEY)
        try:
            count = asyncio.run(_rotate(settings.database_url, TokenCipher(keys)))
        except EncryptionKeyError as error:
            raise StartError(f"nothing was changed: {error}. Check the keys in TOKEN_ENCRYPTION_KEY.") from None
        print(f"Re-encrypted {count} stored tokens under the first key. "
              "TOKEN_ENCRYPTION_KEY can now be set to the first key alone.")
        return 0
    path = key_file(settings.data_dir)
    if not path.exists():
        raise StartError(f"the key file {path} is missing; there is no key to rotate")
    old_keys = parse_keys(path.read_text(encoding="ascii"))
    keys = [generate_key(), *old_keys]
    # The file contains the new and the old keys while tokens are re-encrypted, so a crash at any
    # point leaves every token readable.
    write_key_file(path, keys)
    try:
        count = asyncio.run(_rotate(settings.database_url, TokenCipher(keys)))
    except EncryptionKeyError as error:
        write_key_file(path, old_keys)
        raise StartError(f"nothing was changed: {error}. The key file was restored.") from None
    write_key_file(path, keys[:1])
    print(f"Re-encrypted {count} stored tokens under a new key, now the only key in {path}.")
    return 0


async def _with_sessions(database_url: str,
                         work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[ResultT]]) -> ResultT:
    """Run `work` with a session factory on a short-lived engine, outside the bot's event loop."""
    from bot.storage.database import create_engine, create_session_factory

    engine = create_engine(database_url)
    try:
        return await work(create_session_factory(engine))
    finally:
        await engine.dispose()


async def _rotate(database_url: str, cipher: TokenCipher) -> int:
    from bot.services.keys import rotate_tokens

    return await _with_sessions(database_url, lambda sessions: rotate_tokens(sessions, cipher))


if __name__ == "__main__":
    sys.exit(main())
