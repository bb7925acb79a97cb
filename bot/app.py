"""Wiring: builds the PTB `Application`, its services and every handler, in one visible order."""

from __future__ import annotations

import asyncio
import logging

import httpx
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.handlers import (
    account,
    actions,
    audit,
    connect,
    errors,
    owners,
    policy,
    servers,
    settings,
    start,
)
from bot.handlers.common import Services
from bot.health import beat_forever, heartbeat_path
from bot.hostiran import create_http_client
from bot.services.access import AccessService
from bot.services.accounts import AccountService
from bot.services.actions import ActionService
from bot.services.context import ServiceContext
from bot.services.servers import ServerListService
from bot.storage.crypto import TokenCipher
from bot.storage.database import create_engine, create_session_factory
from bot.updates import PerChatUpdateProcessor
from bot.views.catalog import text
from bot.views.settings import menu_labels

logger = logging.getLogger(__name__)

PRIVATE_COMMANDS = ("start", "help", "credit", "invoices", "vms", "audit", "settings", "connect", "disconnect",
                    "cancel")
GROUP_COMMANDS = ("help", "credit", "invoices", "vms", "audit", "settings", "policy", "connect", "disconnect")
OWNER_COMMANDS = ("allow", "revoke", "chats")
# Commands ignore edited messages: editing an old /vms must not send a new reply.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def build_application(settings: Settings, cipher: TokenCipher, *, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None,
                      hostiran_transport: httpx.AsyncBaseTransport | None = None) -> Application:
    """Build the application; the optional requests and transport let tests run it offline."""
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True),
                           allow_sending_without_reply=True))
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_on_start)
        .post_shutdown(_on_stop)
    )
    if settings.telegram_proxy_url and request is None:
        # .proxy() covers sent requests only; getUpdates has a request object of its own.
        builder = builder.proxy(settings.telegram_proxy_url).get_updates_proxy(settings.telegram_proxy_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    builder = builder.rate_limiter(AIORateLimiter(
        overall_max_rate=settings.telegram_messages_per_second, overall_time_period=1,
        group_max_rate=settings.telegram_group_messages_per_minute, group_time_period=60, max_retries=3))
    application = builder.build()

    engine = create_engine(settings.database_url)
    context = ServiceContext(
        settings=settings,
        sessions=create_session_factory(engine),
        cipher=cipher,
        http=create_http_client(settings.hostiran_timeout_seconds, proxy=settings.hostiran_proxy_url,
                                transport=hostiran_transport),
    )
    application.bot_data["engine"] = engine
    application.bot_data["services"] = Services(
        context=context,
        access=AccessService(context),
        accounts=AccountService(context),
        actions=ActionService(context),
        servers=ServerListService(context),
    )
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    commands = [
        ("start", start.start),
        ("help", start.help_command),
        ("allow", owners.allow),
        ("revoke", owners.revoke),
        ("chats", owners.list_chats),
        ("connect", connect.connect),
        ("cancel", connect.cancel),
        ("disconnect", connect.disconnect),
        ("credit", account.credit),
        ("invoices", account.invoices),
        ("vms", servers.list_servers),
        ("policy", policy.show_policy),
        ("audit", audit.show_audit),
        ("settings", settings.show_settings),
    ]
    for name, callback in commands:
        application.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
    application.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & filters.Text(menu_labels()) & NEW_MESSAGES, settings.menu_button))
    application.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & NEW_MESSAGES, connect.dialog_message))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, owners.follow_migration))
    application.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, start.unknown_command))
    application.add_handler(InlineQueryHandler(account.inline_invoices))
    application.add_handler(CallbackQueryHandler(servers.show_list, pattern=r"^1:l:"))
    application.add_handler(CallbackQueryHandler(servers.show_card, pattern=r"^1:c:"))
    application.add_handler(CallbackQueryHandler(settings.change_setting, pattern=r"^1:s:"))
    application.add_handler(CallbackQueryHandler(actions.request_action, pattern=r"^1:a:"))
    application.add_handler(CallbackQueryHandler(actions.decide_request, pattern=r"^1:[yn]:"))
    application.add_handler(CallbackQueryHandler(policy.set_policy, pattern=r"^1:o:"))
    application.add_handler(CallbackQueryHandler(start.invalid_button))
    application.add_error_handler(errors.handle_error)


def build_check_bot(settings: Settings) -> Bot:
    """Build a plain `Bot` on the configured route to Telegram, for start-up waits and `check`."""
    request = HTTPXRequest(proxy=settings.telegram_proxy_url, connect_timeout=10, read_timeout=10)
    return Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url,
               base_file_url=settings.telegram_api_file_url, request=request)


def _command_list(names: tuple[str, ...], language: str) -> list[BotCommand]:
    return [BotCommand(name, text(language, f"menu.{name}")) for name in names]


async def _on_start(application: Application) -> None:
    bot = application.bot
    settings: Settings = application.bot_data["services"].context.settings
    try:
        for language_code, language in ((None, "en"), ("fa", "fa")):
            await bot.set_my_commands(_command_list(PRIVATE_COMMANDS, language),
                                      scope=BotCommandScopeAllPrivateChats(), language_code=language_code)
            await bot.set_my_commands(_command_list(GROUP_COMMANDS, language),
                                      scope=BotCommandScopeAllGroupChats(), language_code=language_code)
            for owner_id in sorted(settings.bot_owner_ids):
                await bot.set_my_commands(_command_list(PRIVATE_COMMANDS + OWNER_COMMANDS, language),
                                          scope=BotCommandScopeChat(owner_id), language_code=language_code)
    except TelegramError as error:
        # An owner who never opened a chat with the bot makes the per-chat scope fail.
        logger.warning("setting the command menu failed: %s", error)
    services: Services = application.bot_data["services"]
    heartbeat = asyncio.create_task(beat_forever(heartbeat_path(settings.data_dir)))
    services.background_tasks.add(heartbeat)
    logger.info("bot @%s (id %s) started", bot.username, bot.id)


async def _on_stop(application: Application) -> None:
    services: Services = application.bot_data["services"]
    for task in list(services.background_tasks):
        task.cancel()
    await services.context.http.aclose()
    await application.bot_data["engine"].dispose()
    logger.info("bot stopped; database and HTTP clients closed")


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
