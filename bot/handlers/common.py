"""Helpers shared by the handlers: the services, the chat gate, locale, replies and member checks."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

from telegram import Chat as TelegramChat
from telegram import Message, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.hostiran import HostIranError
from bot.services.access import AccessService
from bot.services.accounts import AccountService, LinkedAccount, StoredTokenError
from bot.services.actions import ActionService
from bot.services.context import ServiceContext
from bot.services.servers import ServerListService
from bot.storage.models import Chat
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.errors import hostiran_error_text
from bot.views.labels import Locale
from bot.views.messages import split_text
from bot.views.screen import Screen

logger = logging.getLogger(__name__)

CallbackT = TypeVar("CallbackT")
ResultT = TypeVar("ResultT")

MEMBER_STATUS_TTL_SECONDS = 30.0
# Number of cached member statuses above which expired ones are swept out.
MEMBER_STATUS_SWEEP_THRESHOLD = 1024

# Whether replies to the update being handled go out without a notification (a group's silent
# setting). Each update runs in its own task, so the value set by the chat gate stays with it.
silent_replies: ContextVar[bool] = ContextVar("silent_replies", default=False)


@dataclass
class Services:
    """Everything handlers reach through `context.bot_data["services"]`."""

    context: ServiceContext
    access: AccessService
    accounts: AccountService
    actions: ActionService
    servers: ServerListService
    # (chat id, user id) -> (monotonic time, status): a short cache of getChatMember answers
    member_statuses: dict[tuple[int, int], tuple[float, str]] = field(default_factory=dict)
    # Follow-up reads after actions; cancelled when the bot stops.
    background_tasks: set[asyncio.Task[None]] = field(default_factory=set)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]


def locale_of(chat: Chat | None) -> Locale:
    if chat is None:
        return Locale()
    return Locale(chat.language, chat.money_unit)


def display_name(user: User) -> str:
    name = user.full_name.strip() or (f"@{user.username}" if user.username else str(user.id))
    return name


async def see_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Chat | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await services(context).access.see_chat(chat.id, chat.type, chat.title or chat.full_name)


async def authorized_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Chat | None:
    """Return the chat's row if it is authorized; otherwise send the rate-limited notice and return None."""
    chat = await see_chat(update, context)
    if chat is None:
        return None
    if chat.authorized:
        silent_replies.set(chat.silent and chat.type != ChatType.PRIVATE)
        return chat
    logger.info("update %s from unauthorized chat %s ignored", update.update_id, chat.id)
    if update.callback_query is not None:
        await answer(update, text(chat.language, "alert.unauthorized_chat"), alert=True)
        return None
    if update.effective_message is not None and await services(context).access.claim_unauthorized_notice(chat.id):
        await update.effective_message.reply_text(text(chat.language, "access.unauthorized", chat_id=chat.id))
    return None


async def reply(update: Update, screen: Screen) -> Message | None:
    """Send a screen as a reply; text over Telegram's limit goes out in parts, the keyboard on the last."""
    message = update.effective_message
    if message is None:
        return None
    silent = silent_replies.get()
    parts = split_text(screen.text)
    for part in parts[:-1]:
        await message.reply_text(part, disable_notification=silent)
    return await message.reply_text(parts[-1], reply_markup=screen.keyboard, disable_notification=silent)


async def answer(update: Update, message: str | None = None, *, alert: bool = False) -> None:
    """Answer the button press; an old press that Telegram no longer accepts is not an error."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(message, show_alert=alert)
    except BadRequest as error:
        logger.debug("callback query %s could not be answered: %s", query.id, error)


async def edit(update: Update, screen: Screen) -> None:
    """Edit the message of the pressed button; "message is not modified" is expected, not an error."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(screen.text, reply_markup=screen.keyboard)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            logger.debug("message of callback query %s not modified", query.id)
            return
        raise


async def member_status(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> str | None:
    """Return the person's status in the chat from getChatMember, cached briefly; None if the check failed."""
    cache = services(context).member_statuses
    now = time.monotonic()
    cached = cache.get((chat_id, user_id))
    if cached is not None and now - cached[0] < MEMBER_STATUS_TTL_SECONDS:
        return cached[1]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        logger.warning("getChatMember failed for user %s in chat %s: %s", user_id, chat_id, error)
        return None
    if len(cache) > MEMBER_STATUS_SWEEP_THRESHOLD:
        for key in [key for key, (checked_at, _) in cache.items() if now - checked_at >= MEMBER_STATUS_TTL_SECONDS]:
            del cache[key]
    cache[(chat_id, user_id)] = (now, member.status)
    return member.status


async def is_chat_admin(context: ContextTypes.DEFAULT_TYPE, chat: TelegramChat, user_id: int) -> bool:
    if chat.type == ChatType.PRIVATE:
        return chat.id == user_id
    return await member_status(context, chat.id, user_id) in ("creator", "administrator")


async def is_owner_or_chat_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Return whether the sender may manage this chat: a bot owner, or an admin of the group."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return False
    return services(context).context.is_owner(user.id) or await is_chat_admin(context, chat, user.id)


async def linked_account(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: Chat) -> LinkedAccount | None:
    """Return the chat's account, or tell the chat how to link one and return None."""
    language = chat.language
    try:
        account = await services(context).accounts.linked_account(chat.id)
    except StoredTokenError:
        await send_text(update, text(language, "error.stored_token"))
        return None
    if account is None:
        key = "account.missing_private" if chat.type == ChatType.PRIVATE else "account.missing_group"
        await send_text(update, text(language, key))
    return account


async def decode_callback(update: Update, chat: Chat | None,
                          expected: type[CallbackT] | tuple[type, ...]) -> CallbackT | None:
    """Parse the pressed button's data in an authorized chat.

    Data that is malformed, forged or not of the `expected` kind gets a short alert and a log line
    with the ids involved, and None is returned so that nothing runs.
    """
    query = update.callback_query
    if query is None or chat is None:
        return None
    try:
        data = callbacks.decode(query.data)
    except callbacks.InvalidCallbackData as error:
        data, reason = None, str(error)
    else:
        reason = f"unexpected {type(data).__name__}"
    if data is None or not isinstance(data, expected):
        logger.warning("callback query %s from user %s in chat %s rejected: %s",
                       query.id, query.from_user.id, chat.id, reason)
        await answer(update, text(chat.language, "alert.invalid_button"), alert=True)
        return None
    return data  # type: ignore[return-value]


async def call_api(update: Update, chat: Chat, request: Awaitable[ResultT], what: str) -> ResultT | None:
    """Await a HostIran request; on failure log it, tell the chat what happened in its language, return None."""
    try:
        return await request
    except HostIranError as error:
        logger.warning("%s for chat %s failed: %s: %s", what, chat.id, type(error).__name__, error)
        await send_text(update, hostiran_error_text(chat.language, error))
        return None


async def send_text(update: Update, message: str) -> None:
    """Send a message to the update's chat, in the same forum topic, honouring silent replies."""
    await reply(update, Screen(message))
