"""`/credit` and `/invoices`."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import authorized_chat, linked_account, locale_of, reply, send_text
from bot.hostiran import HostIranError
from bot.views.account import credit_screen, invoices_screens
from bot.views.errors import hostiran_error_text

logger = logging.getLogger(__name__)


async def credit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    account = await linked_account(update, context, chat)
    if account is None:
        return
    try:
        balance = await account.client.get_credit()
    except HostIranError as error:
        logger.warning("credit of chat %s failed: %s: %s", chat.id, type(error).__name__, error)
        await send_text(update, hostiran_error_text(chat.language, error))
        return
    await reply(update, credit_screen(locale_of(chat), balance))


async def invoices(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    account = await linked_account(update, context, chat)
    if account is None:
        return
    try:
        unpaid = await account.client.list_invoices()
    except HostIranError as error:
        logger.warning("invoices of chat %s failed: %s: %s", chat.id, type(error).__name__, error)
        await send_text(update, hostiran_error_text(chat.language, error))
        return
    for screen in invoices_screens(locale_of(chat), unpaid):
        await reply(update, screen)
