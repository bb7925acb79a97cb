"""Figure 3: 200 private chats send `/credit` at once while every HostIran request takes 200 ms."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from benchmarks.fakes import HOSTIRAN_TOKEN, UNUSED_BASE_URL, HostIranMock, SentCall, command_update
from benchmarks.harness import OWNER_ID, BotUnderTest, progress
from benchmarks.results import Check, Figure, Series
from bot.hostiran import HostIranClient

TITLE = "3. 200 chats send `/credit` at once, 200 ms API latency"
CHAT_COUNT = 200
FIRST_CHAT_ID = 10_001
LATENCY_SECONDS = 0.2
TARGET_MULTIPLE = 3.0
BURST_TIMEOUT_SECONDS = 60.0
DEFAULT_RATE = 30  # TELEGRAM_MESSAGES_PER_SECOND's default, Telegram's guidance for most bots
HIGH_RATE = 1000  # the most Telegram allows, for bots with paid broadcasts


async def _burst(bot: BotUnderTest, chat_ids: list[int]) -> list[float]:
    """Enqueue one `/credit` per chat and return, per chat, the seconds until its sendMessage."""
    updates = {chat_id: bot.update(command_update(chat_id, "/credit")) for chat_id in chat_ids}
    enqueued: dict[int, float] = {}
    answered: dict[int, float] = {}
    all_answered = asyncio.Event()

    def record(call: SentCall) -> None:
        chat_id = int(call.params["chat_id"])
        if call.method == "sendMessage" and chat_id in enqueued and chat_id not in answered:
            answered[chat_id] = call.time
            if len(answered) == len(chat_ids):
                all_answered.set()

    bot.telegram.on_call = record
    try:
        for chat_id, update in updates.items():
            enqueued[chat_id] = time.perf_counter()
            await bot.application.update_queue.put(update)
        await asyncio.wait_for(all_answered.wait(), BURST_TIMEOUT_SECONDS)
    except TimeoutError:
        raise RuntimeError(f"only {len(answered)} of {len(chat_ids)} chats got a reply within "
                           f"{BURST_TIMEOUT_SECONDS:.0f} s") from None
    finally:
        bot.telegram.on_call = None
    replies = [call for call in bot.telegram.calls if call.method == "sendMessage"
               and int(call.params["chat_id"]) in answered][-len(chat_ids):]
    wrong = [call for call in replies if "تومان" not in str(call.params.get("text", ""))]
    if wrong:
        raise RuntimeError(f"{len(wrong)} replies are not a credit balance, e.g. {wrong[0].params.get('text')!r}")
    return [answered[chat_id] - enqueued[chat_id] for chat_id in chat_ids]


async def _one_request(client: HostIranClient) -> float:
    start = time.perf_counter()
    await client.get_credit()
    return time.perf_counter() - start


async def _measure(work_dir: Path, name: str, **setting_overrides: int) -> tuple[list[float], list[float]]:
    """Run one burst on a fresh bot; return the answer latencies and single-request latencies."""
    hostiran = HostIranMock(server_count=2)
    bot = BotUnderTest(work_dir / f"burst-{name}.sqlite3", hostiran.transport(), **setting_overrides)
    chat_ids = list(range(FIRST_CHAT_ID, FIRST_CHAT_ID + CHAT_COUNT))
    try:
        await bot.initialize()
        progress(f"figure 3 ({name}): authorizing and linking {CHAT_COUNT} private chats")
        for chat_id in chat_ids:
            await bot.services.access.authorize(chat_id, "private", f"User {chat_id}", OWNER_ID)
            await bot.services.accounts.check_and_link(chat_id, UNUSED_BASE_URL, HOSTIRAN_TOKEN, chat_id)
        hostiran.delay = LATENCY_SECONDS
        client = HostIranClient(UNUSED_BASE_URL, HOSTIRAN_TOKEN, bot.services.context.http)
        single = [await _one_request(client) for _ in range(3)]
        await bot.application.start()
        progress(f"figure 3 ({name}): {CHAT_COUNT} chats send /credit at once")
        latencies = await _burst(bot, chat_ids)
        single += [await _one_request(client) for _ in range(3)]
    finally:
        await bot.shutdown()
    return latencies, single


async def run(work_dir: Path) -> Figure:
    default_rate, single = await _measure(work_dir, "default")
    high_rate, more_single = await _measure(work_dir, "high-rate", telegram_messages_per_second=HIGH_RATE)
    progress("figure 3: done")

    one_request = statistics.median(single + more_single)
    default_series = Series(f"answer latency, TELEGRAM_MESSAGES_PER_SECOND={DEFAULT_RATE} (default)",
                            tuple(default_rate))
    high_series = Series(f"answer latency, TELEGRAM_MESSAGES_PER_SECOND={HIGH_RATE}", tuple(high_rate))
    figure = Figure(TITLE, METHOD, series=[
        high_series, default_series, Series("one HostIran request (credit)", tuple(single + more_single))])
    # AIORateLimiter lets a burst of `rate` requests through, then `rate` a second (aiolimiter's leaky bucket).
    limiter_bound = one_request + (CHAT_COUNT - DEFAULT_RATE) / DEFAULT_RATE
    figure.values.append((f"lower bound of the max under the default {DEFAULT_RATE} messages a second: "
                          f"one request + ({CHAT_COUNT} − {DEFAULT_RATE}) / {DEFAULT_RATE} s",
                          f"{limiter_bound * 1000:.0f} ms"))
    figure.checks.append(Check(
        f"max answer latency / one request, TELEGRAM_MESSAGES_PER_SECOND={HIGH_RATE}",
        f"{high_series.max / one_request:.2f}×", f"≤ {TARGET_MULTIPLE:.0f}×",
        high_series.max / one_request <= TARGET_MULTIPLE))
    figure.checks.append(Check(
        f"max answer latency / one request, default {DEFAULT_RATE} messages a second",
        f"{default_series.max / one_request:.2f}×", "bounded by the send rate", None))
    return figure


METHOD = "\n".join([
    "- The bot runs in-process after `initialize()` and `start()`, without an updater. Updates go from "
    "`application.update_queue` through its `PerChatUpdateProcessor`.",
    f"- {CHAT_COUNT} private chats are authorized and linked beforehand through the services.",
    f"- The HostIran mock transport sleeps {LATENCY_SECONDS * 1000:.0f} ms (asyncio) before each response. "
    "One request's latency is the median of six `get_credit` calls through the bot's HTTP client in the "
    "same run.",
    f"- All {CHAT_COUNT} `/credit` updates are put on the queue in one loop. A chat's latency runs from its "
    "`put` to its sendMessage at the Telegram mock.",
    f"- The burst runs on two bots built by `build_application`: one with TELEGRAM_MESSAGES_PER_SECOND={HIGH_RATE}, "
    "as a deployment serving many chats would set it, which carries the target, and one with the default "
    f"{DEFAULT_RATE}, where the send rate alone bounds how soon the last of {CHAT_COUNT} replies can leave.",
])
