"""`/vms`, its page, filter and refresh buttons, and server cards."""

from __future__ import annotations

import logging
from typing import TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import (
    answer,
    authorized_chat,
    call_api,
    decode_callback,
    edit,
    linked_account,
    locale_of,
    reply,
    services,
)
from bot.services.accounts import LinkedAccount
from bot.services.servers import ServerSnapshot, select_servers, summarize
from bot.storage.models import Chat
from bot.views import callbacks
from bot.views.screen import Screen
from bot.views.servers import server_card_screen, server_list_screen

logger = logging.getLogger(__name__)

MAX_NAME_QUERY_LENGTH = 64
ViewT = TypeVar("ViewT", callbacks.ShowServerList, callbacks.ShowServerCard)


async def list_servers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/vms [NAME]`: the first page of the server list, read anew, filtered by a part of the name."""
    chat = await authorized_chat(update, context)
    if chat is None:
        return
    account = await linked_account(update, context, chat)
    if account is None:
        return
    name_query = " ".join(context.args or []).strip()[:MAX_NAME_QUERY_LENGTH] or None
    snapshot = await server_snapshot(update, context, chat, account, refresh=True)
    if snapshot is None:
        return
    sent = await reply(update, _list_screen(context, chat, snapshot, "all", 1, name_query))
    if sent is not None and name_query:
        await services(context).servers.remember_name_query(chat.id, sent.message_id, name_query)


async def show_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the page a list button asks for: from the cache, or read anew for a refresh."""
    opened = await _open_snapshot(update, context, callbacks.ShowServerList)
    if opened is None:
        return
    chat, data, snapshot = opened
    message = update.effective_message
    name_query = None
    if data.named and message is not None:
        name_query = await services(context).servers.name_query(chat.id, message.message_id)
    await edit(update, _list_screen(context, chat, snapshot, data.server_filter, data.page, name_query))


async def show_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a server's card in place of the list, from the cache or read anew for a refresh."""
    opened = await _open_snapshot(update, context, callbacks.ShowServerCard)
    if opened is None:
        return
    chat, data, snapshot = opened
    server = next((candidate for candidate in snapshot.servers if candidate.id == data.vm_id), None)
    now = services(context).context.clock()
    await edit(update, server_card_screen(locale_of(chat), server, data.vm_id, server_filter=data.server_filter,
                                          page=data.page, now=now, fetched_at=snapshot.fetched_at,
                                          named=data.named))


async def _open_snapshot(update: Update, context: ContextTypes.DEFAULT_TYPE,
                         expected: type[ViewT]) -> tuple[Chat, ViewT, ServerSnapshot] | None:
    """Check and answer a list or card button, then return the chat, the button and the servers."""
    chat = await authorized_chat(update, context)
    data = await decode_callback(update, chat, expected)
    if chat is None or data is None:
        return None
    await answer(update)
    account = await linked_account(update, context, chat)
    if account is None:
        return None
    snapshot = await server_snapshot(update, context, chat, account, refresh=data.refresh)
    return None if snapshot is None else (chat, data, snapshot)


async def server_snapshot(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: Chat, account: LinkedAccount,
                    *, refresh: bool) -> ServerSnapshot | None:
    """Return the account's servers from the cache or the API; on failure tell the chat and return None."""
    return await call_api(update, chat, services(context).servers.cache.get(chat.id, account.client, refresh=refresh),
                          "server list")


def _list_screen(context: ContextTypes.DEFAULT_TYPE, chat: Chat, snapshot: ServerSnapshot, server_filter: str,
                 page: int, name_query: str | None) -> Screen:
    now = services(context).context.clock()
    named = select_servers(snapshot.servers, "all", now, name_query)
    selected = select_servers(named, server_filter, now)
    return server_list_screen(locale_of(chat), summarize(snapshot.servers, now), selected,
                              server_filter=server_filter, page=page, now=now, fetched_at=snapshot.fetched_at,
                              name_query=name_query)
