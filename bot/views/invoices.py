"""Screens of unpaid invoices: the list with pay buttons, and one invoice's card to forward."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from num2words import num2words
from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup

from bot.hostiran.models import Invoice
from bot.views.catalog import text
from bot.views.format import (
    RIALS_PER_TOMAN,
    escape,
    format_money,
    format_number,
    isolate,
)
from bot.views.labels import Locale
from bot.views.screen import Screen

INVOICES_PER_MESSAGE = 20


def is_payable_link(link: str) -> bool:
    """Return whether Telegram accepts the link on a URL button: an absolute https URL."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not any(c.isspace() for c in link)


def _pay_row(locale: Locale, invoice: Invoice, amount: str, *, with_copy: bool) -> list[InlineKeyboardButton]:
    label = text(locale.language, "invoices.pay_button", invoice_id=invoice.id, amount=amount)
    row = [InlineKeyboardButton(label, url=invoice.link)]
    if with_copy:
        row.append(InlineKeyboardButton(text(locale.language, "invoices.copy_button"),
                                        copy_text=CopyTextButton(invoice.link)))
    return row


def invoices_screens(locale: Locale, invoices: Sequence[Invoice]) -> list[Screen]:
    """Return the unpaid invoices as one or more messages, each with pay and copy buttons for its invoices.

    The total comes first; invoices of amount zero are folded into one line that counts them.
    """
    language = locale.language
    if not invoices:
        return [Screen(text(language, "invoices.none"))]
    payable = [invoice for invoice in invoices if invoice.amount != 0]
    zero_count = len(invoices) - len(payable)
    total = sum(invoice.amount for invoice in payable)
    header = [
        text(language, "invoices.title", count=format_number(len(invoices), language)),
        text(language, "invoices.total", total=format_money(total, locale.money_unit, language)),
    ]
    if zero_count:
        header.append(text(language, "invoices.zero_line", count=format_number(zero_count, language)))
    screens: list[Screen] = []
    chunks = [payable[start:start + INVOICES_PER_MESSAGE] for start in range(0, len(payable), INVOICES_PER_MESSAGE)]
    for index, chunk in enumerate(chunks or [[]]):
        lines = list(header) if index == 0 else []
        rows: list[list[InlineKeyboardButton]] = []
        for invoice in chunk:
            amount = format_money(invoice.amount, locale.money_unit, language)
            lines.append(text(language, "invoices.line", invoice_id=invoice.id, amount=amount))
            if is_payable_link(invoice.link):
                rows.append(_pay_row(locale, invoice, amount, with_copy=True))
            elif invoice.link:
                # Telegram rejects a URL button that is not https, so such a link is shown as text.
                lines.append(text(language, "invoices.link_line", link=isolate(escape(invoice.link))))
        if index == len(chunks) - 1 or not chunks:
            lines += ["", text(language, "invoice_card.hint")]
        screens.append(Screen("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None))
    return screens


def amount_in_words(rials: int, unit: str, language: str) -> str:
    """Spell an amount out with its unit; tomans that are not whole are spelled in rials instead."""
    if unit == "toman" and rials % RIALS_PER_TOMAN == 0:
        value, unit_key = rials // RIALS_PER_TOMAN, "unit.toman"
    else:
        value, unit_key = rials, "unit.rial"
    words = num2words(value, lang="fa" if language == "fa" else "en")
    unit_name = text(language, unit_key)
    if language == "en" and value != 1:
        unit_name += "s"
    return f"{words} {unit_name}"


def invoice_card(locale: Locale, invoice: Invoice, *, with_copy: bool = True) -> Screen:
    """Return one invoice made to be forwarded to whoever pays: amount in digits and words, pay button."""
    language = locale.language
    amount = format_money(invoice.amount, locale.money_unit, language)
    lines = [
        text(language, "invoice_card.title", invoice_id=invoice.id),
        text(language, "invoice_card.amount", amount=amount),
        text(language, "invoice_card.words", words=amount_in_words(invoice.amount, locale.money_unit, language)),
    ]
    keyboard = None
    if is_payable_link(invoice.link):
        lines.append(text(language, "invoice_card.pay_hint"))
        keyboard = InlineKeyboardMarkup([_pay_row(locale, invoice, amount, with_copy=with_copy)])
    elif invoice.link:
        lines.append(text(language, "invoice_card.link_hint", link=isolate(escape(invoice.link))))
    return Screen("\n".join(lines), keyboard)
