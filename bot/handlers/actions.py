"""Server actions: the press on an action, its confirmation or cancellation, and what follows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import (
    answer,
    authorized_chat,
    decode_callback,
    display_name,
    edit,
    linked_account,
    locale_of,
    member_status,
    send_text,
    services,
)
from bot.handlers.servers import server_snapshot
from bot.hostiran import HostIranClient, HostIranError
from bot.services.access import may_act
from bot.services.actions import Decision
from bot.storage.models import ActionRequest, Chat
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.format import format_date
from bot.views.labels import power_label
from bot.views.requests import no_request_screen, outcome_screen, prompt_screen, running_screen

logger = logging.getLogger(__name__)

# Seconds after a successful POST at which the server is read again to show its new power state.
FOLLOW_UP_OFFSETS_SECONDS = (3.0, 10.0, 30.0, 60.0)


async def request_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle a press on a server's action button: check who pressed it, then ask for confirmation."""
    chat = await authorized_chat(update, context)
    data = await decode_callback(update, chat, callbacks.RequestAction)
    user = update.effective_user
    if chat is None or data is None or user is None:
        return
    if not await _may_act(update, context, chat):
        return
    await answer(update, text(chat.language, "alert.checking"))
    account = await linked_account(update, context, chat)
    if account is None:
        return
    locale = locale_of(chat)
    # The press is checked against the cached list, so it costs no request; confirming reads anew.
    snapshot = await server_snapshot(update, context, chat, account, refresh=False)
    if snapshot is None:
        return
    server = next((candidate for candidate in snapshot.servers if candidate.id == data.vm_id), None)
    result = await services(context).actions.request(
        server, chat.id, user.id, display_name(user),
        lambda action: callbacks.matches_action(data.action_key, action),
    )
    if result.request is None:
        await send_text(update, no_request_screen(locale, result.server, data.vm_id, data.action_key).text)
        return
    screen = prompt_screen(locale, result.request, services(context).context.settings.action_request_ttl_seconds)
    message = update.effective_message
    if message is None:
        return
    sent = await message.reply_text(screen.text, reply_markup=screen.keyboard)
    await services(context).actions.attach_message(result.request.id, sent.message_id)
    _start_background(context, _expire_later(context, chat, result.request.id, sent.message_id))


async def _expire_later(context: ContextTypes.DEFAULT_TYPE, chat: Chat, request_id: str, message_id: int) -> None:
    """Turn an undecided prompt into "expired" when its time is up, so its buttons do not linger.

    After a restart this task is gone; a later press still finds the request expired and says so.
    """
    await asyncio.sleep(services(context).context.settings.action_request_ttl_seconds + 0.5)
    request = await services(context).actions.expire_if_pending(request_id)
    if request is None:
        return
    screen = outcome_screen(locale_of(chat), request, "expired", now=services(context).context.clock())
    try:
        await context.bot.edit_message_text(screen.text, chat_id=chat.id, message_id=message_id)
    except TelegramError as error:
        logger.info("expiry edit of request %s in chat %s failed: %s", request_id, chat.id, error)


def _start_background(context: ContextTypes.DEFAULT_TYPE, work: Coroutine[Any, Any, None]) -> None:
    """Run work after the handler returns; the bot cancels it when it stops."""
    task = asyncio.create_task(work)
    background = services(context).background_tasks
    background.add(task)
    task.add_done_callback(background.discard)


async def decide_request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle confirm and cancel: only the requester, at most once, before the request expires."""
    chat = await authorized_chat(update, context)
    data = await decode_callback(update, chat, (callbacks.ConfirmRequest, callbacks.CancelRequest))
    user = update.effective_user
    if chat is None or data is None or user is None:
        return
    confirm = isinstance(data, callbacks.ConfirmRequest)
    # The policy is checked again at confirm time: the person may have lost their admin rights.
    if confirm and not await _may_act(update, context, chat):
        return
    actions = services(context).actions
    result = await actions.decide(data.request_id, chat.id, user.id, display_name(user), confirm=confirm)
    locale = locale_of(chat)
    request = result.request
    match result.decision:
        case Decision.NOT_FOUND | Decision.OTHER_CHAT:
            logger.warning("press on request %s by user %s in chat %s rejected: %s",
                           data.request_id, user.id, chat.id, result.decision.value)
            await answer(update, text(chat.language, "alert.invalid_button"), alert=True)
        case Decision.NOT_REQUESTER:
            await answer(update, text(chat.language, "alert.not_your_request",
                                      requester=request.requested_by_name if request else "?"), alert=True)
        case Decision.RUNNING:
            await answer(update, text(chat.language, "alert.running"))
        case Decision.FINISHED if request is not None and request.state == "expired":
            await answer(update, text(chat.language, "alert.expired"))
            await edit(update, outcome_screen(locale, request, "expired", now=services(context).context.clock()))
        case Decision.FINISHED:
            await answer(update, text(chat.language, "alert.finished"))
        case Decision.EXPIRED:
            await answer(update, text(chat.language, "alert.expired"))
            await edit(update, outcome_screen(locale, request, "expired", now=services(context).context.clock()))
        case Decision.PROCEED if not confirm:
            await answer(update)
            await edit(update, outcome_screen(locale, request, "cancelled", now=services(context).context.clock()))
        case Decision.PROCEED:
            await answer(update)
            await _run(update, context, chat, request)


async def _run(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: Chat, request: ActionRequest) -> None:
    locale = locale_of(chat)
    actions = services(context).actions
    await edit(update, running_screen(locale, request))
    account = await linked_account(update, context, chat)
    if account is None:
        await actions.abandon(request, "no account linked")
        await edit(update, outcome_screen(locale, request, "failed", now=services(context).context.clock()))
        return
    outcome = await actions.run(account.client, request)
    services(context).servers.cache.invalidate(chat.id)
    screen = outcome_screen(locale, request, outcome.kind, now=services(context).context.clock(),
                            server=outcome.server, show_state=outcome.show_state,
                            error=outcome.error, detail=outcome.detail)
    await edit(update, screen)
    if outcome.kind == "done" and outcome.server is not None and request.message_id is not None:
        _start_background(context, _follow_up(context, chat, request, account.client,
                                              outcome.server.power_status, screen.text))


async def _follow_up(context: ContextTypes.DEFAULT_TYPE, chat: Chat, request: ActionRequest,
                     client: HostIranClient, power_before: str, result_text: str) -> None:
    """Re-read the server a few times after a successful POST and show when its power state changes."""
    locale = locale_of(chat)
    clock = services(context).context.clock
    elapsed = 0.0
    power = power_before
    for offset in FOLLOW_UP_OFFSETS_SECONDS:
        await asyncio.sleep(offset - elapsed)
        elapsed = offset
        try:
            server = await client.get_server(request.vm_id)
        except HostIranError as error:
            logger.info("follow-up read of vm %s for request %s failed: %s", request.vm_id, request.id, error)
            continue
        if server is None:
            return
        power = server.power_status
        if power != power_before:
            line = text(locale.language, "request.followup_changed", power=power_label(locale.language, power),
                        time=format_date(clock(), locale.language))
            await _append_line(context, chat.id, request, result_text, line)
            return
    line = text(locale.language, "request.followup_unchanged", power=power_label(locale.language, power),
                time=format_date(clock(), locale.language))
    await _append_line(context, chat.id, request, result_text, line)


async def _append_line(context: ContextTypes.DEFAULT_TYPE, chat_id: int, request: ActionRequest,
                       result_text: str, line: str) -> None:
    try:
        await context.bot.edit_message_text(f"{result_text}\n{line}", chat_id=chat_id,
                                            message_id=request.message_id)
    except TelegramError as error:
        logger.info("follow-up edit of request %s in chat %s failed: %s", request.id, chat_id, error)


async def _may_act(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: Chat) -> bool:
    """Check the chat's action policy for the person who pressed; answer with an alert if not allowed."""
    user = update.effective_user
    if user is None:
        return False
    is_owner = services(context).context.is_owner(user.id)
    status = None
    if not is_owner and chat.type != "private" and chat.action_policy in ("admins", "members"):
        status = await member_status(context, chat.id, user.id)
        if status is None:
            await answer(update, text(chat.language, "access.admin_check_failed"), alert=True)
            return False
    if may_act(chat.action_policy, is_owner=is_owner, chat_type=chat.type, member_status=status):
        return True
    logger.info("user %s may not act in chat %s under policy %s", user.id, chat.id, chat.action_policy)
    await answer(update, text(chat.language, f"access.denied_action.{chat.action_policy}"), alert=True)
    return False
