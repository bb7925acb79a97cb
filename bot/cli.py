"""The `hostiran-bot` command line: run the bot, serve the sandbox, and key tools."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hostiran-bot", description="Telegram bot for a HostIran account.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="migrate the database, then run the bot with long polling")
    sandbox = commands.add_parser("sandbox", help="serve a stand-in HostIran API with the provider's sample data")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8080, help="TCP port to listen on (default 8080)")
    sandbox.add_argument("--token", default="sandbox-token", help="API token the sandbox accepts (default sandbox-token)")
    sandbox.add_argument("--servers", type=int, default=None, metavar="N",
                         help="serve N generated servers instead of the provider's two samples")
    commands.add_parser("generate-key", help="print a new key for TOKEN_ENCRYPTION_KEY")
    arguments = parser.parse_args(argv)

    if arguments.command == "sandbox":
        return _serve_sandbox(arguments)
    if arguments.command == "generate-key":
        from bot.storage.crypto import generate_key

        print(generate_key())
        return 0
    return _run()


def _serve_sandbox(arguments: argparse.Namespace) -> int:
    from bot.logging_setup import configure_logging
    from bot.sandbox.server import serve

    configure_logging("INFO")
    try:
        serve(arguments.host, arguments.port, arguments.token, arguments.servers)
    except OSError as error:
        print(f"hostiran-bot sandbox: cannot listen on {arguments.host}:{arguments.port}: {error.strerror}",
              file=sys.stderr)
        return 1
    return 0


def _fail(message: str) -> int:
    print(f"hostiran-bot: {message}", file=sys.stderr)
    return 2


def _run() -> int:
    from bot.config import SettingsError, load_settings
    from bot.logging_setup import configure_logging, redactor

    try:
        settings = load_settings()
    except SettingsError as error:
        return _fail(str(error))
    configure_logging(settings.log_level)
    redactor.add(settings.telegram_bot_token)

    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage.crypto import EncryptionKeyError, TokenCipher, load_or_create_key
    from bot.storage.database import upgrade_schema

    try:
        upgrade_schema(settings.database_url)
    except (SQLAlchemyError, OSError) as error:
        return _fail(f"cannot migrate the database at DATABASE_URL: {error.__class__.__name__}: {error}")
    try:
        key = load_or_create_key(settings.token_encryption_key, settings.data_dir)
        cipher = TokenCipher([key])
        asyncio.run(_check_stored_tokens(settings.database_url, cipher))
    except EncryptionKeyError as error:
        return _fail(f"TOKEN_ENCRYPTION_KEY is invalid: {error}. Set the key the tokens were stored with, "
                     "or unset it to use the key file in the data folder.")
    except OSError as error:
        return _fail(f"cannot read or create the encryption key file in {settings.data_dir}: {error.strerror}")

    from bot.app import ALLOWED_UPDATES, build_application

    application = build_application(settings, cipher)
    logger.info("starting long polling against %s", settings.telegram_api_base_url)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
    return 0


async def _check_stored_tokens(database_url: str, cipher: object) -> None:
    """Decrypt one stored token, so a wrong key stops the bot at start rather than at the first command."""
    from bot.storage import accounts
    from bot.storage.database import create_engine, create_session_factory

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            stored = await accounts.all_accounts(session)
        if stored:
            cipher.decrypt(stored[0].token_ciphertext)  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
