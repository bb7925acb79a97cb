"""`/policy`: who may run server actions in a group, changed with inline buttons."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.handlers.common import (
    answer,
    authorized_chat,
    decode_callback,
    display_name,
    edit,
    is_owner_or_chat_admin,
    reply,
    send_text,
    services,
)
from bot.views import callbacks
from bot.views.audit import policy_screen
from bot.views.catalog import text
from bot.views.format import escape, isolate
from bot.views.screen import Screen

logger = logging.getLogger(__name__)


async def show_policy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    if chat is None or update.effective_chat is None or update.effective_user is None:
        return
    if chat.type == ChatType.PRIVATE:
        await send_text(update, text(chat.language, "policy.private_only_group"))
        return
    if not await is_owner_or_chat_admin(update, context):
        await send_text(update, text(chat.language, "policy.admins_only"))
        return
    await reply(update, policy_screen(chat.language, chat.action_policy))


async def set_policy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    query, user = update.callback_query, update.effective_user
    if chat is None or query is None or user is None:
        return
    data = await decode_callback(update, chat, callbacks.SetPolicy)
    if data is None:
        return
    if chat.type == ChatType.PRIVATE:
        await answer(update, text(chat.language, "alert.invalid_button"), alert=True)
        return
    if not await is_owner_or_chat_admin(update, context):
        logger.info("user %s may not change the policy of chat %s", user.id, chat.id)
        await answer(update, text(chat.language, "policy.admins_only"), alert=True)
        return
    await answer(update)
    await services(context).access.set_policy(chat.id, data.policy, user.id)
    current = text(chat.language, f"policy.{data.policy}")
    await edit(update, Screen(text(chat.language, "policy.changed", current=current,
                                   name=isolate(escape(display_name(user))))))
