"""`/audit`: the chat's latest action requests; owners may name another chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import authorized_chat, locale_of, reply, send_text, services
from bot.views.audit import audit_screen
from bot.views.catalog import text


async def show_audit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await authorized_chat(update, context)
    user = update.effective_user
    if chat is None or user is None:
        return
    target = chat.id
    if context.args:
        if not services(context).context.is_owner(user.id):
            await send_text(update, text(chat.language, "access.owner_only"))
            return
        try:
            target = int(context.args[0])
        except ValueError:
            await send_text(update, text(chat.language, "access.invalid_chat_id", command="audit"))
            return
    requests = await services(context).actions.recent(target)
    await reply(update, audit_screen(locale_of(chat), requests, target, other_chat=target != chat.id))
