"""`/settings` (language, money unit, silent replies) and the reply keyboard of private chats."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.handlers import account, servers
from bot.handlers.common import (
    answer,
    authorized_chat,
    decode_callback,
    edit,
    is_owner_or_chat_admin,
    reply,
    send_text,
    services,
)
from bot.storage.models import Chat
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.labels import Locale
from bot.views.screen import Screen
from bot.views.settings import menu_command, menu_keyboard, settings_screen

logger = logging.getLogger(__name__)


async def show_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    if not await is_owner_or_chat_admin(update, context):
        await send_text(update, text(chat.language, "settings.admins_only"))
        return
    await reply(update, _screen(chat))


async def change_setting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    query, user = update.callback_query, update.effective_user
    if chat is None or query is None or user is None:
        return
    data = await decode_callback(update, chat, callbacks.SetSetting)
    if data is None:
        return
    if not await is_owner_or_chat_admin(update, context):
        logger.info("user %s may not change the settings of chat %s", user.id, chat.id)
        await answer(update, text(chat.language, "settings.admins_only"), alert=True)
        return
    access = services(context).access
    if data.key == "l":
        await access.update_settings(chat.id, user.id, language=data.value)
    elif data.key == "u":
        await access.update_settings(chat.id, user.id, money_unit="toman" if data.value == "t" else "rial")
    else:
        await access.update_settings(chat.id, user.id, silent=data.value == "1")
    updated = await access.known_chat(chat.id)
    if updated is None:
        return
    await answer(update, text(updated.language, "settings.saved"))
    await edit(update, _screen(updated))
    if data.key == "l" and data.value != chat.language and updated.type == ChatType.PRIVATE:
        # The reply keyboard's labels follow the language, and only a new message can replace it.
        await reply(update, Screen(text(updated.language, "settings.language_changed"),
                                   menu_keyboard(updated.language)))


async def menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat a reply-keyboard button's text in a private chat as the command it names."""
    message = update.effective_message
    command = menu_command(message.text or "") if message else None
    context.args = []
    if command == "credit":
        await account.credit(update, context)
    elif command == "invoices":
        await account.invoices(update, context)
    elif command == "vms":
        await servers.list_servers(update, context)
    elif command == "settings":
        await show_settings(update, context)


def _screen(chat: Chat) -> Screen:
    return settings_screen(Locale(chat.language, chat.money_unit), silent=chat.silent,
                           group=chat.type != ChatType.PRIVATE)
