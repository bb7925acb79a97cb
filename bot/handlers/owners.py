"""Owner commands: `/allow`, `/revoke` and `/chats`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import authorized_chat, reply, see_chat, send_text, services
from bot.views.catalog import text
from bot.views.help import chats_screen


async def _owner_chat_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """Return the chat's language if the sender is an owner; otherwise stay silent or explain."""
    user = update.effective_user
    chat = await see_chat(update, context)
    if chat is None or user is None:
        return None
    if not services(context).context.is_owner(user.id):
        # In an unauthorized chat this sends only the usual notice that names the chat's id.
        if await authorized_chat(update, context) is not None:
            await send_text(update, text(chat.language, "access.owner_only"))
        return None
    return chat.language


def _target_chat_id(context: ContextTypes.DEFAULT_TYPE, current_chat_id: int) -> int | None:
    if not context.args:
        return current_chat_id
    try:
        return int(context.args[0])
    except ValueError:
        return None


async def _owner_command_target(update: Update, context: ContextTypes.DEFAULT_TYPE,
                                command: str) -> tuple[str, int] | None:
    """Return the chat's language and the target chat id of an owner's /allow or /revoke, or None."""
    language = await _owner_chat_language(update, context)
    chat = update.effective_chat
    if language is None or chat is None:
        return None
    target = _target_chat_id(context, chat.id)
    if target is None:
        await send_text(update, text(language, "access.invalid_chat_id", command=command))
        return None
    return language, target


async def allow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await _owner_command_target(update, context, "allow")
    chat, user = update.effective_chat, update.effective_user
    if found is None or chat is None or user is None:
        return
    language, target = found
    if target == chat.id:
        await services(context).access.authorize(chat.id, chat.type, chat.title or chat.full_name, user.id)
        await send_text(update, text(language, "access.allowed_here"))
        return
    # A chat the bot has not seen yet is recorded as a group until its first update fills in the truth.
    chat_type = "private" if target > 0 else "supergroup"
    await services(context).access.authorize(target, chat_type, None, user.id)
    await send_text(update, text(language, "access.allowed_other", chat_id=target))


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await _owner_command_target(update, context, "revoke")
    chat, user = update.effective_chat, update.effective_user
    if found is None or chat is None or user is None:
        return
    language, target = found
    if not await services(context).access.revoke(target, user.id):
        await send_text(update, text(language, "access.not_known", chat_id=target))
        return
    key = "access.revoked_here" if target == chat.id else "access.revoked_other"
    await send_text(update, text(language, key, chat_id=target))


async def list_chats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = await _owner_chat_language(update, context)
    if language is None:
        return
    await reply(update, chats_screen(language, await services(context).access.list_chats()))


async def follow_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Move a group's authorization and account when Telegram turns it into a supergroup with a new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await services(context).access.move_chat(message.chat_id, message.migrate_to_chat_id)
