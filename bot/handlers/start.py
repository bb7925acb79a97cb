"""`/start` and `/help`: what the bot does and the commands this person can use here."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.handlers import connect
from bot.handlers.common import authorized_chat, reply, services
from bot.views.catalog import text
from bot.views.format import escape, isolate
from bot.views.help import help_screen
from bot.views.screen import Screen
from bot.views.settings import menu_keyboard

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
