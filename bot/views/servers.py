"""Screens of cloud servers: a list page with summary, filters and paging, and a server's card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.hostiran.models import Server
from bot.services.servers import FILTERS, ServerSummary
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.format import (
    escape,
    format_date,
    format_money,
    format_number,
    format_time,
    isolate,
    relative_day,
)
from bot.views.labels import (
    Locale,
    action_button_label,
    action_label,
    power_emoji,
    power_label,
    server_name,
    shorten,
    status_label,
)
from bot.views.screen import Screen, rows_of

SERVERS_PER_PAGE = 10


def page_count(server_count: int) -> int:
    return max(1, -(-server_count // SERVERS_PER_PAGE))


def _due_text(locale: Locale, server: Server, now: datetime) -> str:
    assert server.next_payment is not None
    date = format_date(server.next_payment, locale.language, with_time=False)
    return f"{date} ({relative_day(server.next_payment, now, locale.language)})"


def _amount_text(locale: Locale, server: Server) -> str:
    if server.next_payment_amount is None:
        return text(locale.language, "vms.unknown")
    return format_money(server.next_payment_amount, locale.money_unit, locale.language)


def server_list_screen(locale: Locale, summary: ServerSummary, selected: Sequence[Server], *, server_filter: str,
                       page: int, now: datetime, fetched_at: datetime, name_query: str | None = None) -> Screen:
    """Return one page: the summary, up to ten one-line servers, then server, page and filter buttons."""
    language = locale.language
    named = name_query is not None
    if summary.count == 0:
        return Screen(text(language, "vms.none"))
    pages = page_count(len(selected))
    page = min(max(page, 1), pages)
    lines = [text(language, "vms.summary", count=format_number(summary.count, language),
                  on=format_number(summary.on, language), off=format_number(summary.off, language))]
    if summary.due_count:
        lines.append(text(language, "vms.due_summary", count=format_number(summary.due_count, language),
                          amount=format_money(summary.due_amount, locale.money_unit, language)))
    else:
        lines.append(text(language, "vms.due_none"))
    if name_query:
        lines.append(text(language, "vms.filtered_by_name", query=isolate(escape(name_query)),
                          count=format_number(len(selected), language)))
    lines.append(text(language, "vms.filter_shown", filter=text(language, f"filter.{server_filter}"),
                      page=format_number(page, language), pages=format_number(pages, language)))
    lines.append("")
    shown = selected[(page - 1) * SERVERS_PER_PAGE:page * SERVERS_PER_PAGE]
    if not shown:
        key = "vms.no_name_match" if name_query and server_filter == "all" else "vms.no_match"
        lines.append(text(language, key, query=isolate(escape(name_query or ""))))
    for server in shown:
        if server.next_payment is None:
            lines.append(text(language, "vms.line_no_payment", emoji=power_emoji(server.power_status),
                              name=server_name(server.name)))
        else:
            lines.append(text(language, "vms.line", emoji=power_emoji(server.power_status),
                              name=server_name(server.name), due=_due_text(locale, server, now),
                              amount=_amount_text(locale, server)))
    lines += ["", text(language, "vms.fetched_at", time=format_time(fetched_at, language))]

    server_buttons = [
        InlineKeyboardButton(f"{power_emoji(server.power_status)} {isolate(shorten(server.name, 24))}",
                             callback_data=callbacks.encode(
                                 callbacks.ShowServerCard(server.id, server_filter, page, named=named)))
        for server in shown
    ]
    rows = rows_of(server_buttons, 2)
    navigation = []
    if page > 1:
        navigation.append(InlineKeyboardButton(
            "◀️", callback_data=callbacks.encode(callbacks.ShowServerList(server_filter, page - 1, named=named))))
    navigation.append(InlineKeyboardButton(
        "🔄 " + text(language, "vms.page_button", page=format_number(page, language),
                    pages=format_number(pages, language)),
        callback_data=callbacks.encode(callbacks.ShowServerList(server_filter, page, refresh=True, named=named))))
    if page < pages:
        navigation.append(InlineKeyboardButton(
            "▶️", callback_data=callbacks.encode(callbacks.ShowServerList(server_filter, page + 1, named=named))))
    rows.append(navigation)
    rows.append([
        InlineKeyboardButton(("✅ " if choice == server_filter else "") + text(language, f"filter.{choice}"),
                             callback_data=callbacks.encode(callbacks.ShowServerList(choice, 1, named=named)))
        for choice in FILTERS
    ])
    return Screen("\n".join(lines), InlineKeyboardMarkup(rows))


def server_card_screen(locale: Locale, server: Server | None, vm_id: int, *, server_filter: str, page: int,
                       now: datetime, fetched_at: datetime, named: bool = False) -> Screen:
    """Return one server's card: its details, its allowed actions as buttons, refresh and back."""
    language = locale.language
    back = InlineKeyboardButton(text(language, "vms.back_button"),
                                callback_data=callbacks.encode(callbacks.ShowServerList(server_filter, page, named=named)))
    if server is None:
        return Screen(text(language, "card.gone", vm_id=vm_id), InlineKeyboardMarkup([[back]]))
    lines = [
        text(language, "card.title", emoji=power_emoji(server.power_status), name=server_name(server.name)),
        text(language, "card.id", vm_id=server.id),
        text(language, "card.status", status=status_label(language, server.status)),
        text(language, "card.power", power=power_label(language, server.power_status)),
    ]
    if server.next_payment is not None:
        lines.append(text(language, "card.next_payment", date=format_date(server.next_payment, language, now)))
    else:
        lines.append(text(language, "vms.no_next_payment").strip())
    lines.append(text(language, "card.amount", amount=_amount_text(locale, server)))
    separator = "، " if language == "fa" else ", "
    actions = separator.join(action_label(language, action) for action in server.actions)
    lines.append(text(language, "card.actions_title", actions=actions or text(language, "request.none")))
    lines += ["", text(language, "vms.fetched_at", time=format_time(fetched_at, language))]
    action_buttons = [
        InlineKeyboardButton(action_button_label(language, action),
                             callback_data=callbacks.encode(callbacks.RequestAction(server.id,
                                                                                     callbacks.action_key(action))))
        for action in server.actions
    ]
    rows = rows_of(action_buttons, 2)
    refresh = InlineKeyboardButton(
        text(language, "vms.refresh_button"),
        callback_data=callbacks.encode(
            callbacks.ShowServerCard(server.id, server_filter, page, refresh=True, named=named)))
    rows.append([refresh, back])
    return Screen("\n".join(lines), InlineKeyboardMarkup(rows))
