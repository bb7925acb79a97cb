"""Screens of an account: credit, unpaid invoices and the server list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.hostiran.models import Credit, Invoice, Server
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.format import escape, format_date, format_money, format_number, isolate
from bot.views.labels import (
    Locale,
    action_button_label,
    power_emoji,
    power_label,
    server_name,
    shorten,
    status_label,
)

SERVERS_PER_PAGE = 10
INVOICES_PER_MESSAGE = 20


@dataclass(frozen=True)
class Screen:
    """One message to send: HTML text and an optional inline keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    link_preview: bool = False


@dataclass
class _Rows:
    rows: list[list[InlineKeyboardButton]] = field(default_factory=list)

    def markup(self) -> InlineKeyboardMarkup | None:
        return InlineKeyboardMarkup(self.rows) if self.rows else None


def credit_screen(locale: Locale, credit: Credit) -> Screen:
    amount = format_money(credit.credit, locale.money_unit, locale.language)
    return Screen(text(locale.language, "credit.balance", amount=amount))


def is_payable_link(link: str) -> bool:
    """Return whether Telegram accepts the link on a URL button: an absolute https URL."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not any(c.isspace() for c in link)


def invoices_screens(locale: Locale, invoices: Sequence[Invoice]) -> list[Screen]:
    """Return the unpaid invoices as one or more messages, each with pay buttons for its invoices.

    Invoices of amount zero are folded into one line that counts them.
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
        rows = _Rows()
        for invoice in chunk:
            amount = format_money(invoice.amount, locale.money_unit, language)
            lines.append(text(language, "invoices.line", invoice_id=invoice.id, amount=amount))
            if is_payable_link(invoice.link):
                label = text(language, "invoices.pay_button", invoice_id=invoice.id, amount=amount)
                rows.rows.append([InlineKeyboardButton(label, url=invoice.link)])
            elif invoice.link:
                # Telegram rejects a URL button that is not https, so such a link is shown as text.
                lines.append(text(language, "invoices.link_line", link=isolate(escape(invoice.link))))
        screens.append(Screen("\n".join(lines), rows.markup()))
    return screens


def page_count(server_count: int) -> int:
    return max(1, -(-server_count // SERVERS_PER_PAGE))


def servers_screen(locale: Locale, servers: Sequence[Server], page: int, now: datetime) -> Screen:
    """Return one page of the server list with a row of action buttons per server and paging."""
    language = locale.language
    if not servers:
        return Screen(text(language, "vms.none"))
    pages = page_count(len(servers))
    page = min(max(page, 1), pages)
    on = sum(1 for server in servers if server.power_status.lower() == "on")
    off = sum(1 for server in servers if server.power_status.lower() == "off")
    lines = [
        text(language, "vms.title", count=format_number(len(servers), language),
             on=format_number(on, language), off=format_number(off, language)),
    ]
    if pages > 1:
        lines.append(text(language, "vms.page", page=format_number(page, language),
                          pages=format_number(pages, language)))
    rows = _Rows()
    shown = servers[(page - 1) * SERVERS_PER_PAGE:page * SERVERS_PER_PAGE]
    for server in shown:
        lines.append("")
        lines.extend(server_lines(locale, server, now))
        buttons = [
            InlineKeyboardButton(
                text(language, "vms.action_button", action=action_button_label(language, action),
                     name=isolate(shorten(server.name, 24))),
                callback_data=callbacks.encode(callbacks.RequestAction(server.id, callbacks.action_key(action))),
            )
            for action in server.actions
        ]
        # Two buttons a row keep the labels readable on a phone.
        rows.rows.extend(buttons[start:start + 2] for start in range(0, len(buttons), 2))
    navigation = []
    if page > 1:
        navigation.append(InlineKeyboardButton("◀️", callback_data=callbacks.encode(callbacks.ShowServerPage(page - 1))))
    navigation.append(InlineKeyboardButton(text(language, "vms.refresh_button"),
                                           callback_data=callbacks.encode(callbacks.ShowServerPage(page))))
    if page < pages:
        navigation.append(InlineKeyboardButton("▶️", callback_data=callbacks.encode(callbacks.ShowServerPage(page + 1))))
    rows.rows.append(navigation)
    return Screen("\n".join(lines), rows.markup())


def server_lines(locale: Locale, server: Server, now: datetime) -> list[str]:
    language = locale.language
    lines = [
        text(language, "vms.server", emoji=power_emoji(server.power_status), name=server_name(server.name),
             vm_id=server.id),
        text(language, "vms.state", status=status_label(language, server.status),
             power=power_label(language, server.power_status)),
    ]
    if server.next_payment is not None:
        amount = (format_money(server.next_payment_amount, locale.money_unit, language)
                  if server.next_payment_amount is not None else text(language, "vms.unknown"))
        lines.append(text(language, "vms.next_payment", date=format_date(server.next_payment, language, now),
                          amount=amount))
    else:
        lines.append(text(language, "vms.no_next_payment"))
    if not server.actions:
        lines.append(text(language, "vms.no_actions"))
    return lines
