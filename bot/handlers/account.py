"""`/credit`, `/invoices [ID]` and inline mode, which shares an invoice's pay card in any chat."""

from __future__ import annotations

import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.handlers.common import (
    authorized_chat,
    call_api,
    linked_account,
    locale_of,
    reply,
    send_text,
    services,
)
from bot.hostiran import HostIranError
from bot.services.accounts import StoredTokenError
from bot.views.account import credit_screen
from bot.views.catalog import text
from bot.views.format import format_money
from bot.views.invoices import invoice_card, invoices_screens
from bot.views.labels import Locale

logger = logging.getLogger(__name__)

MAX_INLINE_RESULTS = 50


async def credit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    account = await linked_account(update, context, chat)
    if account is None:
        return
    balance = await call_api(update, chat, account.client.get_credit(), "credit")
    if balance is None:
        return
    await reply(update, credit_screen(locale_of(chat), balance))


async def invoices(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/invoices`: every unpaid invoice; `/invoices ID`: that invoice's card, made to be forwarded."""
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    invoice_id = None
    if context.args:
        try:
            invoice_id = int(context.args[0].lstrip("#"))
        except ValueError:
            await send_text(update, text(chat.language, "invoice_card.invalid_id"))
            return
    account = await linked_account(update, context, chat)
    if account is None:
        return
    unpaid = await call_api(update, chat, account.client.list_invoices(), "invoices")
    if unpaid is None:
        return
    locale = locale_of(chat)
    if invoice_id is None:
        for screen in invoices_screens(locale, unpaid):
            await reply(update, screen)
        return
    invoice = next((candidate for candidate in unpaid if candidate.id == invoice_id), None)
    if invoice is None:
        await send_text(update, text(chat.language, "invoice_card.not_found", invoice_id=invoice_id))
        return
    await reply(update, invoice_card(locale, invoice))


async def inline_invoices(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline mode: the unpaid invoices of the account linked to the person's private chat.

    Only a person whose private chat is authorized and linked gets results; everyone else gets
    an empty answer with a button that opens the private chat.
    """
    query = update.inline_query
    if query is None:
        return
    user_id = query.from_user.id
    chat = await services(context).access.known_chat(user_id)
    if chat is not None:
        language = chat.language
    elif (query.from_user.language_code or "").startswith("en"):
        language = "en"
    else:
        language = "fa"
    hint = InlineQueryResultsButton(text(language, "inline.connect_button"), start_parameter="inline")
    account = None
    if chat is not None and chat.authorized:
        try:
            account = await services(context).accounts.linked_account(user_id)
        except StoredTokenError:
            account = None
    if account is None:
        logger.info("inline query %s from user %s without an authorized, linked private chat", query.id, user_id)
        await query.answer([], cache_time=0, is_personal=True, button=hint)
        return
    try:
        unpaid = await account.client.list_invoices()
    except HostIranError as error:
        logger.warning("inline invoices of user %s failed: %s: %s", user_id, type(error).__name__, error)
        await query.answer([], cache_time=0, is_personal=True, button=hint)
        return
    locale = Locale(chat.language, chat.money_unit)
    wanted = query.query.strip().lstrip("#")
    results = []
    for invoice in unpaid:
        if wanted and not str(invoice.id).startswith(wanted):
            continue
        card = invoice_card(locale, invoice, with_copy=False)
        amount = format_money(invoice.amount, locale.money_unit, locale.language)
        results.append(InlineQueryResultArticle(
            id=str(invoice.id),
            title=text(locale.language, "inline.title", invoice_id=invoice.id, amount=amount),
            description=text(locale.language, "inline.description"),
            input_message_content=InputTextMessageContent(card.text, parse_mode=ParseMode.HTML),
            reply_markup=card.keyboard,
        ))
    await query.answer(results[:MAX_INLINE_RESULTS], cache_time=0, is_personal=True,
                       button=None if results else hint)
