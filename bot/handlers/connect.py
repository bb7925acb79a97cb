"""Linking accounts: `/connect` (dialog or one message), deep links from groups, `/cancel`, `/disconnect`."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import (
    authorized_chat,
    is_owner_or_chat_admin,
    reply,
    see_chat,
    send_text,
    services,
)
from bot.hostiran import (
    AuthenticationError,
    HostIranError,
    InvalidBaseURLError,
    UnreachableError,
    normalize_base_url,
)
from bot.services.accounts import CONNECT_LINK_TTL, STEP_BASE_URL, STEP_TOKEN
from bot.views.catalog import text
from bot.views.errors import hostiran_error_text
from bot.views.format import escape, format_money, format_number, isolate
from bot.views.help import help_screen
from bot.views.labels import person_name, shorten
from bot.views.screen import Screen

logger = logging.getLogger(__name__)


async def connect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or update.effective_user is None:
        return
    if chat.type != ChatType.PRIVATE and context.args:
        await _reject_token_in_group(update, context)
        return
    row = await authorized_chat(update, context)
    if row is None:
        return
    if chat.type != ChatType.PRIVATE:
        await _offer_private_chat(update, context, row.language)
        return
    if len(context.args or []) >= 2:
        # `/connect BASE_URL TOKEN` in one message: the message carries a token, so it goes first.
        await _delete_token_message(update)
        await _check_and_link(update, context, chat.id, chat.id, context.args[0], context.args[1], row.language)
        return
    accounts = services(context).accounts
    await accounts.start_dialog(chat.id, update.effective_user.id, chat.id)
    if context.args:
        # `/connect BASE_URL`: keep the address and go on to the token.
        try:
            await accounts.set_dialog_base_url(chat.id, context.args[0])
        except InvalidBaseURLError as error:
            logger.info("connect in chat %s: invalid base URL (%s)", chat.id, error)
            await send_text(update, text(row.language, "connect.invalid_base_url"))
            return
        await send_text(update, text(row.language, "connect.ask_token"))
        return
    await send_text(update, text(row.language, "connect.ask_base_url"))


async def continue_from_group(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """Start the dialog in a private chat for the group named by a deep-link payload."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    row = await see_chat(update, context)
    language = row.language if row else "fa"
    link = await services(context).accounts.claim_link(payload, user.id)
    if link is None:
        await send_text(update, text(language, "connect.link_invalid"))
        return
    await services(context).accounts.start_dialog(chat.id, user.id, link.group_chat_id)
    title = await _chat_title(context, link.group_chat_id)
    await send_text(update, text(language, "connect.for_group", title=title) + "\n\n"
                    + text(language, "connect.ask_base_url"))


async def dialog_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take the next answer of a `/connect` dialog in a private chat: the address, then the token."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or message.text is None:
        return
    accounts = services(context).accounts
    dialog = await accounts.dialog(chat.id)
    row = await see_chat(update, context)
    language = row.language if row else "fa"
    if dialog is None:
        # Plain text outside a dialog is answered only where the bot is in use.
        if await authorized_chat(update, context) is not None:
            owner = services(context).context.is_owner(update.effective_user.id if update.effective_user else None)
            await reply(update, help_screen(language, private=True, owner=owner, include_intro=False))
        return
    if dialog.step == STEP_BASE_URL:
        try:
            await accounts.set_dialog_base_url(chat.id, message.text)
        except InvalidBaseURLError as error:
            logger.info("connect dialog in chat %s: invalid base URL (%s)", chat.id, error)
            await send_text(update, text(language, "connect.invalid_base_url"))
            return
        await send_text(update, text(language, "connect.ask_token"))
        return
    if dialog.step == STEP_TOKEN and dialog.base_url:
        await _delete_token_message(update)
        await _check_and_link(update, context, chat.id, dialog.target_chat_id, dialog.base_url, message.text,
                              language)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    accounts = services(context).accounts
    row = await see_chat(update, context)
    language = row.language if row else "fa"
    if await accounts.dialog(chat.id) is None:
        if await authorized_chat(update, context) is not None:
            await send_text(update, text(language, "connect.nothing_to_cancel"))
        return
    await accounts.end_dialog(chat.id)
    await send_text(update, text(language, "connect.cancelled"))


async def disconnect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    row = await authorized_chat(update, context)
    chat, user = update.effective_chat, update.effective_user
    if row is None or chat is None or user is None:
        return
    if chat.type != ChatType.PRIVATE and not await is_owner_or_chat_admin(update, context):
        await send_text(update, text(row.language, "access.connect_admins_only"))
        return
    removed = await services(context).accounts.unlink(chat.id, user.id)
    services(context).servers.cache.invalidate(chat.id)
    await send_text(update, text(row.language, "connect.disconnected" if removed else "connect.not_linked"))


async def _check_and_link(update: Update, context: ContextTypes.DEFAULT_TYPE, private_chat_id: int,
                          target_chat_id: int, base_url: str, token: str, language: str) -> None:
    user = update.effective_user
    if user is None:
        return
    accounts = services(context).accounts
    try:
        credit = await accounts.check_and_link(target_chat_id, base_url, token, user.id)
    except InvalidBaseURLError as error:
        logger.info("connect in chat %s: invalid base URL (%s)", private_chat_id, error)
        await accounts.restart_dialog_at_base_url(private_chat_id)
        await send_text(update, text(language, "connect.invalid_base_url"))
        return
    except AuthenticationError:
        logger.info("connect in chat %s: the API rejected the token", private_chat_id)
        await send_text(update, text(language, "connect.bad_token"))
        return
    except UnreachableError as error:
        logger.info("connect in chat %s: %s", private_chat_id, error)
        await accounts.restart_dialog_at_base_url(private_chat_id)
        tried = isolate(escape(normalize_base_url(base_url)))
        await send_text(update, text(language, "connect.unreachable", base_url=tried))
        return
    except HostIranError as error:
        logger.warning("connect in chat %s failed: %s", private_chat_id, error)
        await send_text(update, text(language, "connect.failed",
                                     error=hostiran_error_text(language, error).removeprefix("❌ ")))
        return
    await accounts.end_dialog(private_chat_id)
    services(context).servers.cache.invalidate(target_chat_id)
    row = await see_chat(update, context)
    unit = row.money_unit if row else "toman"
    amount = format_money(credit.credit, unit, language)
    shown_url = isolate(escape(accounts.client(base_url, token).base_url))
    if target_chat_id == private_chat_id:
        await send_text(update, text(language, "connect.linked", base_url=shown_url, credit=amount))
        return
    title = await _chat_title(context, target_chat_id)
    await send_text(update, text(language, "connect.linked_group", base_url=shown_url, credit=amount, title=title))
    try:
        await context.bot.send_message(target_chat_id, text(language, "connect.linked_group_notice",
                                                             name=person_name(user.first_name, user.last_name),
                                                             base_url=shown_url))
    except TelegramError as error:
        logger.warning("could not tell group %s that it was linked: %s", target_chat_id, error)


async def _offer_private_chat(update: Update, context: ContextTypes.DEFAULT_TYPE, language: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if not await is_owner_or_chat_admin(update, context):
        await send_text(update, text(language, "access.connect_admins_only"))
        return
    payload = await services(context).accounts.create_link(chat.id, user.id)
    url = f"https://t.me/{context.bot.username}?start=c_{payload}"
    minutes = format_number(int(CONNECT_LINK_TTL.total_seconds() // 60), language)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(text(language, "connect.group_button"), url=url)]])
    await reply(update, Screen(text(language, "connect.group_prompt",
                                    name=person_name(user.first_name, user.last_name), minutes=minutes),
                               keyboard))


async def _reject_token_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refuse a token sent in a group: store nothing, delete the message if possible, and warn."""
    chat = update.effective_chat
    row = await see_chat(update, context)
    language = row.language if row else "fa"
    deleted = await _delete_token_message(update)
    logger.warning("token sent in group %s by user %s; not stored, message deleted: %s",
                   chat.id if chat else None, update.effective_user.id if update.effective_user else None, deleted)
    suffix = text(language, "connect.token_deleted" if deleted else "connect.token_not_deleted")
    if chat is not None:
        await chat.send_message(text(language, "connect.token_in_group", deleted=suffix))


async def _delete_token_message(update: Update) -> bool:
    message = update.effective_message
    if message is None:
        return False
    try:
        await message.delete()
    except TelegramError as error:
        logger.warning("could not delete message %s carrying a token in chat %s: %s",
                       message.message_id, message.chat_id, error)
        return False
    return True


async def _chat_title(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> str:
    try:
        chat = await context.bot.get_chat(chat_id)
    except TelegramError as error:
        logger.info("getChat failed for chat %s: %s", chat_id, error)
        return isolate(str(chat_id))
    return isolate(escape(shorten(chat.title or chat.full_name or str(chat_id), 40)))
