"""The error handler: log what no handler caught, with ids, and tell the user plainly."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import BadRequest, Conflict, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.views.catalog import text

logger = logging.getLogger(__name__)

CONFLICT_LOG_INTERVAL_SECONDS = 60.0
_last_conflict_log = {"at": float("-inf"), "suppressed": 0}

async def handle_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, Conflict):
        _log_conflict()
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest) and not isinstance(update, Update):
        logger.warning("Telegram request failed: %s", error)
        return
    update_id = chat_id = user_id = None
    if isinstance(update, Update):
        update_id = update.update_id
        chat_id = update.effective_chat.id if update.effective_chat else None
        user_id = update.effective_user.id if update.effective_user else None
    logger.error("update %s in chat %s from user %s failed", update_id, chat_id, user_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = "fa"
    services = context.bot_data.get("services")
    if services is not None:
        try:
            language = await services.access.language_of(update.effective_chat.id)
        except Exception:  # noqa: BLE001 - the database may be what failed; the reply still goes out
            logger.debug("chat language unavailable while reporting an error", exc_info=True)
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text(language, "error.internal").removeprefix("❌ "),
                                                   show_alert=True)
                return
            except BadRequest as answer_error:
                # The handler may have answered the query already, and Telegram is reported to reject a
                # second answer, so the message goes to the chat instead.
                logger.info("alert for failed update %s in chat %s rejected (%s); sending a message instead",
                            update_id, chat_id, answer_error)
        await update.effective_chat.send_message(text(language, "error.internal"))
    except TelegramError as reply_error:
        logger.warning("could not report the failure of update %s to chat %s: %s", update_id, chat_id, reply_error)


def _log_conflict() -> None:
    """Log Telegram's 409 Conflict at most once a minute, with the number of repeats in between."""
    now = time.monotonic()
    if now - _last_conflict_log["at"] < CONFLICT_LOG_INTERVAL_SECONDS:
        _last_conflict_log["suppressed"] += 1
        return
    repeats = _last_conflict_log["suppressed"]
    logger.error("another process is polling Telegram with this bot token (409 Conflict): updates are split "
                 "between them; stop the other process%s", f" ({repeats} repeats not logged)" if repeats else "")
    _last_conflict_log.update(at=now, suppressed=0)
