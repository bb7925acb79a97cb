"""`/start`, `/help`, and the answers to unknown commands and buttons."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.handlers import connect
from bot.handlers.common import answer, authorized_chat, reply, services
from bot.views.catalog import text
from bot.views.format import escape, isolate
from bot.views.help import help_screen
from bot.views.screen import Screen
from bot.views.settings import menu_keyboard

logger = logging.getLogger(__name__)

CONNECT_PAYLOAD_PREFIX = "c_"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.args and context.args[0].startswith(CONNECT_PAYLOAD_PREFIX) \
            and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        # A deep link from a group's /connect works in a private chat that is not authorized itself.
        await connect.continue_from_group(update, context, context.args[0].removeprefix(CONNECT_PAYLOAD_PREFIX))
        return
    await _send_help(update, context, include_intro=True)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _send_help(update, context, include_intro=False)


async def _send_help(update: Update, context: ContextTypes.DEFAULT_TYPE, *, include_intro: bool) -> None:
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    user = update.effective_user
    owner = services(context).context.is_owner(user.id if user else None)
    screen = help_screen(chat.language, private=chat.type == ChatType.PRIVATE, owner=owner,
                         include_intro=include_intro)
    if chat.type == ChatType.PRIVATE:
        screen = Screen(screen.text, menu_keyboard(chat.language))
    await reply(update, screen)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help after a command the bot does not have, in a private chat or when addressed by name.

    In a group, a bare `/something` may be meant for another bot, so it is left alone.
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    command = message.text.split()[0]
    addressed = command.lower().endswith(f"@{(context.bot.username or '').lower()}")
    if chat.type != ChatType.PRIVATE and not addressed:
        return
    row = await authorized_chat(update, context)
    if row is None:
        return
    await reply(update, Screen(text(row.language, "help.unknown_command", command=isolate(escape(command)))))


async def invalid_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refuse callback data that no other handler matched: malformed, of an old version or forged."""
    query = update.callback_query
    chat_id = update.effective_chat.id if update.effective_chat else None
    logger.warning("callback query %s with invalid data %r from user %s in chat %s rejected",
                   query.id if query else None, (query.data or "")[:64] if query else None,
                   update.effective_user.id if update.effective_user else None, chat_id)
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    await answer(update, text(chat.language, "alert.invalid_button"), alert=True)
