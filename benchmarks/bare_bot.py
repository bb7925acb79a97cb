"""A python-telegram-bot application that only replies to `/start`, for the start-up comparison of figure 4.

It reads TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL and TELEGRAM_API_FILE_URL like the bot, and polls
until SIGTERM.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Hello.")


def main() -> None:
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .base_file_url(os.environ["TELEGRAM_API_FILE_URL"])
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.run_polling(allowed_updates=[Update.MESSAGE])


if __name__ == "__main__":
    main()
