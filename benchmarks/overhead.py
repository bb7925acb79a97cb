"""Figure 1: the bot's time per command against a bare python-telegram-bot application making the same calls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, Defaults

from benchmarks.fakes import (
    BOT_TOKEN,
    HOSTIRAN_TOKEN,
    UNUSED_BASE_URL,
    HostIranMock,
    TelegramMock,
    command_update,
    press_update,
)
from benchmarks.harness import OWNER_ID, BotUnderTest, progress, reply_of
from benchmarks.results import Check, Figure, Series, milliseconds

TITLE = "1. Bot overhead per command"
TARGET_RATIO = 1.5
SERVER_COUNT = 30
PAGE_DATA = "1:l:a:2"  # page 2 of the unfiltered server list
ROUNDS = 8
UPDATES_PER_ROUND = 25
WARM_UP_UPDATES = 20
# The bot's AIORateLimiter lets 30 requests with a chat id through per second. Starting an update
# at most every 40 ms (25 a second) keeps its bucket from filling, so no update waits on it.
UPDATE_INTERVAL_SECONDS = 0.040
COMPONENT_SAMPLES = 40


def _bare_application(telegram: TelegramMock, credit_reply: tuple[str, Any],
                      page_reply: tuple[str, Any]) -> Application:
    """Build a PTB application with no logic: its handlers send the bot's replies as they are."""
    application = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .base_url(f"{UNUSED_BASE_URL}/bot")
        .base_file_url(f"{UNUSED_BASE_URL}/file/bot")
        .request(telegram.request())
        .get_updates_request(telegram.request())
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True),
                           allow_sending_without_reply=True))
        .build()
    )
    credit_text, credit_markup = credit_reply
    page_text, page_markup = page_reply

    def keyboard(markup: Any) -> InlineKeyboardMarkup | None:
        return InlineKeyboardMarkup.de_json(markup, application.bot) if markup else None

    async def credit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(credit_text, reply_markup=keyboard(credit_markup),
                                                  disable_notification=False)

    async def page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer(None, show_alert=False)
        await update.callback_query.edit_message_text(page_text, reply_markup=keyboard(page_markup))

    application.add_handler(CommandHandler("credit", credit))
    application.add_handler(CallbackQueryHandler(page))
    return application


async def _time_updates(application: Application, telegram: TelegramMock, make_update: Callable[[], dict],
                        expected_method: str, count: int) -> list[float]:
    """Process `count` updates one at a time, paced, and return the time each one took."""
    samples = []
    for _ in range(count):
        update = Update.de_json(make_update(), application.bot)
        before = telegram.count(expected_method)
        start = time.perf_counter()
        await application.process_update(update)
        elapsed = time.perf_counter() - start
        if telegram.count(expected_method) != before + 1:
            raise RuntimeError(f"an update did not lead to exactly one {expected_method} call")
        samples.append(elapsed)
        await asyncio.sleep(max(0.0, UPDATE_INTERVAL_SECONDS - elapsed))
    return samples


async def _time_components(bot: BotUnderTest) -> dict[str, list[float]]:
    """Time the steps of the bot's `/credit` in the handler's order, paced like updates, to show where its time goes."""
    services = bot.services
    account = await services.accounts.linked_account(OWNER_ID)
    if account is None:
        raise RuntimeError(f"chat {OWNER_ID} has no linked account")
    steps: dict[str, Callable[[], Awaitable[object]]] = {
        "`AccessService.see_chat` (the chat gate, from the chat cache)":
            lambda: services.access.see_chat(OWNER_ID, "private", f"User {OWNER_ID}"),
        "`AccountService.linked_account` (from the chat cache, client reused)":
            lambda: services.accounts.linked_account(OWNER_ID),
        "`HostIranClient.get_credit` through the instant mock": account.client.get_credit,
    }
    samples: dict[str, list[float]] = {label: [] for label in steps}
    for _ in range(COMPONENT_SAMPLES):
        # The steps run back to back in the handler's order, then pause like an update.
        sequence_start = time.perf_counter()
        for label, step in steps.items():
            start = time.perf_counter()
            await step()
            samples[label].append(time.perf_counter() - start)
        await asyncio.sleep(max(0.0, UPDATE_INTERVAL_SECONDS - (time.perf_counter() - sequence_start)))
    return samples


async def run(work_dir: Path) -> Figure:
    hostiran = HostIranMock(SERVER_COUNT)
    bot = BotUnderTest(work_dir / "overhead.sqlite3", hostiran.transport())
    bare: Application | None = None
    try:
        await bot.initialize()
        await bot.connect(OWNER_ID, UNUSED_BASE_URL, HOSTIRAN_TOKEN)
        await bot.send_command(OWNER_ID, "/vms")
        vms_message_id = bot.telegram.last("sendMessage").message_id

        def credit_update() -> dict:
            return command_update(OWNER_ID, "/credit")

        def page_update() -> dict:
            return press_update(OWNER_ID, vms_message_id, PAGE_DATA)

        progress(f"figure 1: warming up with {WARM_UP_UPDATES} updates of each kind")
        await _time_updates(bot.application, bot.telegram, credit_update, "sendMessage", WARM_UP_UPDATES)
        await _time_updates(bot.application, bot.telegram, page_update, "editMessageText", WARM_UP_UPDATES)
        credit_reply = reply_of(bot.telegram, "sendMessage")
        page_reply = reply_of(bot.telegram, "editMessageText")

        bare_telegram = TelegramMock()
        bare = _bare_application(bare_telegram, credit_reply, page_reply)
        await bare.initialize()
        await _time_updates(bare, bare_telegram, credit_update, "sendMessage", WARM_UP_UPDATES)
        await _time_updates(bare, bare_telegram, page_update, "editMessageText", WARM_UP_UPDATES)

        samples: dict[tuple[str, str], list[float]] = {(kind, side): [] for kind in ("credit", "page")
                                                       for side in ("bot", "bare")}
        sides = {"bot": (bot.application, bot.telegram), "bare": (bare, bare_telegram)}
        kinds = {"credit": (credit_update, "sendMessage"), "page": (page_update, "editMessageText")}
        for round_number in range(ROUNDS):
            # A fresh /vms keeps the bot's 20-second server cache warm, so every page press is served from it.
            await bot.send_command(OWNER_ID, "/vms")
            order = ("bot", "bare") if round_number % 2 == 0 else ("bare", "bot")
            for kind, (make_update, method) in kinds.items():
                for side in order:
                    application, telegram = sides[side]
                    samples[(kind, side)] += await _time_updates(application, telegram, make_update, method,
                                                                 UPDATES_PER_ROUND)
            progress(f"figure 1: round {round_number + 1} of {ROUNDS} done")
        components = await _time_components(bot)
    finally:
        if bare is not None:
            await bare.shutdown()
        await bot.shutdown()

    figure = Figure(TITLE, METHOD)
    labels = {"credit": "`/credit`", "page": "`/vms` page button (from the cache)"}
    for kind in ("credit", "page"):
        bot_series = Series(f"{labels[kind]}, hostiran-bot", tuple(samples[(kind, "bot")]))
        bare_series = Series(f"{labels[kind]}, bare PTB", tuple(samples[(kind, "bare")]))
        figure.series += [bot_series, bare_series]
        ratio = bot_series.p50 / bare_series.p50
        figure.checks.append(Check(f"{labels[kind]}: bot p50 / bare p50", f"{ratio:.2f}×",
                                   f"≤ {TARGET_RATIO}×", ratio <= TARGET_RATIO))
    step_series = [Series(f"step of `/credit`: {label}", tuple(values)) for label, values in components.items()]
    figure.series += step_series
    figure.notes.append(_credit_note(figure.series[0], figure.series[1], step_series))
    return figure


def _credit_note(bot_credit: Series, bare_credit: Series, steps: list[Series]) -> str:
    """Relate the `/credit` gap between bot and bare application to the steps measured in the same run."""
    see_chat, linked_account, get_credit = steps
    gap = bot_credit.p50 - bare_credit.p50
    database = see_chat.p50 + linked_account.p50
    note = (f"For `/credit`, the p50 of bot and bare application differ by {milliseconds(gap)}. The chat "
            f"gate and the account lookup take {milliseconds(database)} of it at p50, served from the chat "
            f"cache. Most of the rest is the HostIran request, which the bare application does not make: "
            f"timed alone, after the rounds, it takes {milliseconds(get_credit.p50)} at p50.")
    return note


METHOD = "\n".join([
    "- Both applications run in the benchmark's event loop and take updates through "
    "`await application.process_update(update)`.",
    "- Telegram is an `httpx.MockTransport` that responds at once, one instance per application.",
    "- The bot is built by `build_application` with a migrated SQLite file and an owner's private chat, "
    "linked by `/connect`. Its HostIran mock transport responds at once with the sandbox's sample credit and "
    f"{SERVER_COUNT} generated servers.",
    "- The bare application has the same `Defaults`. Its handlers send the bot's own reply text and keyboard: "
    f"`reply_text` for `/credit`, and `answer` then `edit_message_text` for the page button (`{PAGE_DATA}`).",
    f"- Each side gets {WARM_UP_UPDATES} warm-up updates of each kind. Then {ROUNDS} rounds of "
    f"{UPDATES_PER_ROUND} updates per kind alternate bot and bare: A/B in even rounds, B/A in odd ones.",
    "- Each round starts with an unmeasured `/vms`, so every page press is served from the bot's 20-second cache.",
    "- The chat and its account come from the bot's five-second chat cache after the first update.",
    f"- An update starts at most every {UPDATE_INTERVAL_SECONDS * 1000:.0f} ms, which keeps the bot's "
    "AIORateLimiter (30 messages a second by default) from delaying any update. The time shown is the time spent in "
    "`process_update`.",
    "- The rows \"step of `/credit`\" time three service calls that `/credit` makes, back to back in the "
    f"handler's order, {COMPONENT_SAMPLES} times with the same pacing, after the rounds.",
])
