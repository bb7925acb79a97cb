"""Figure 4: start-up time and resident memory of `hostiran-bot run` as a child process.

The child talks over HTTP on 127.0.0.1 to the stand-in Bot API server of the tests
(`tests.support.bot_api.BotApiServer`), which runs in a thread of the benchmark process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.fakes import BOT_TOKEN
from benchmarks.harness import OWNER_ID, progress
from benchmarks.results import Check, Figure
from tests.support.bot_api import BotApiServer

TITLE = "4. Start-up time and memory of `hostiran-bot run`"
EXECUTABLE = str(Path(sys.executable).parent / "hostiran-bot")
BARE_BOT = str(Path(__file__).with_name("bare_bot.py"))
USER_COUNT = 100
FIRST_OTHER_USER_ID = 2001
BATCHES_FIRST = 10  # 10 batches of USER_COUNT updates: the first 1,000
BATCHES_TOTAL = 100  # 10,000 updates in all
# Every tenth batch is /help. The others are button presses that the bot answers with answerCallbackQuery.
HELP_EVERY = 10
STALE_CANCEL_DATA = "1:n:stale000000"  # the cancel button of an action request that does not exist
TARGET_GROWTH_MB = 10.0
START_TIMEOUT_SECONDS = 60.0
BATCH_TIMEOUT_SECONDS = 60.0
# The maximum that the settings accept. The benchmark uses private chats only, where it has no effect.
GROUP_MESSAGES_PER_MINUTE = "10000"

# Variables of the caller that would change the child's settings or route its HTTP through a proxy.
_DROPPED_PREFIXES = ("TELEGRAM_", "BOT_", "DATABASE_", "TOKEN_", "HOSTIRAN_", "LOG_")
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def _child_environment(api: BotApiServer, work_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(_DROPPED_PREFIXES) and name.lower() not in _PROXY_VARIABLES}
    env.update({
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.file_url,
        "BOT_OWNER_IDS": str(OWNER_ID),
        "DATABASE_URL": f"sqlite+aiosqlite:///{work_dir / 'data' / 'bot.sqlite3'}",
        "TELEGRAM_GROUP_MESSAGES_PER_MINUTE": GROUP_MESSAGES_PER_MINUTE,
        "LOG_LEVEL": "WARNING",
    })
    return env


def resident_mb(pid: int) -> float:
    """Return the process's resident set size (VmRSS in /proc/PID/status) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS line in /proc/{pid}/status")


class Child:
    """A child process with its output in a log file, stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, arguments: list[str], env: dict[str, str], work_dir: Path, name: str) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = work_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.spawned_at = time.monotonic()
        self.process = subprocess.Popen(arguments, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                        cwd=work_dir)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, characters: int = 2000) -> str:
        return self.log()[-characters:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the child exited with {self.process.returncode}:\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                progress(f"child {self.process.pid} did not stop within 15 s of SIGTERM; killing it")
                self.process.kill()
                self.process.wait(5)
        self._log.close()


@dataclass
class StartUp:
    first_get_updates: float
    first_start_answer: float
    rss_mb: float


def _wait_for_call(api: BotApiServer, child: Child, method: str, chat_id: int | None = None) -> float:
    """Return the monotonic time of the first call of `method` (to `chat_id`), checking the child meanwhile."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        child.check_alive()
        for call in api.calls_of(method):
            if chat_id is None or int(call.params.get("chat_id", 0)) == chat_id:
                return call.time
        time.sleep(0.005)
    raise TimeoutError(f"no {method} call within {START_TIMEOUT_SECONDS:.0f} s:\n{child.tail()}")


def _start(arguments: list[str], work_dir: Path, name: str) -> tuple[BotApiServer, Child, StartUp]:
    """Start a stub and a child bot with a `/start` already queued; return both and the start-up figures."""
    api = BotApiServer(token=BOT_TOKEN, bot_username="hostiran_benchmark_bot").start()
    child = None
    try:
        api.user(OWNER_ID, "Owner", "owner")
        api.send_text(OWNER_ID, OWNER_ID, "/start")
        child = Child(arguments, _child_environment(api, work_dir), work_dir, name)
        polled = _wait_for_call(api, child, "getUpdates")
        answered = _wait_for_call(api, child, "sendMessage", OWNER_ID)
        time.sleep(0.5)  # let the first answer's objects settle before reading RSS
        startup = StartUp(polled - child.spawned_at, answered - child.spawned_at, resident_mb(child.process.pid))
        return api, child, startup
    except BaseException:
        if child is not None:
            child.stop()
        api.stop()
        raise


def _wait_for_count(api: BotApiServer, child: Child, method: str, mark: int, count: int) -> None:
    deadline = time.monotonic() + BATCH_TIMEOUT_SECONDS
    while len(api.calls_of(method, after=mark)) < count:
        if time.monotonic() > deadline:
            got = len(api.calls_of(method, after=mark))
            raise TimeoutError(f"{got} of {count} {method} calls within {BATCH_TIMEOUT_SECONDS:.0f} s:\n"
                               f"{child.tail()}")
        child.check_alive()
        time.sleep(0.01)


def _send_batch(api: BotApiServer, child: Child, users: list[int], help_message_ids: dict[int, int],
                batch: int) -> None:
    """Queue one update per user and wait until the bot has replied to each of them."""
    mark = len(api.calls)
    if batch % HELP_EVERY == 0:
        for user_id in users:
            api.send_text(user_id, user_id, "/help")
        _wait_for_count(api, child, "sendMessage", mark, len(users))
    else:
        for user_id in users:
            api.press(user_id, user_id, help_message_ids[user_id], STALE_CANCEL_DATA)
        _wait_for_count(api, child, "answerCallbackQuery", mark, len(users))


def run(work_dir: Path) -> Figure:
    progress("figure 4: starting a bare python-telegram-bot polling script for comparison")
    bare_api, bare_child, bare = _start([sys.executable, BARE_BOT], work_dir / "bare", "bare")
    bare_child.stop()
    bare_api.stop()

    progress("figure 4: starting hostiran-bot run")
    api, child, bot = _start([EXECUTABLE, "run"], work_dir / "bot", "bot")
    try:
        users = [OWNER_ID] + list(range(FIRST_OTHER_USER_ID, FIRST_OTHER_USER_ID + USER_COUNT - 1))
        for user_id in users[1:]:
            api.user(user_id, f"User {user_id}", language_code="en")
        progress(f"figure 4: the owner allows {USER_COUNT - 1} private chats; each user sends /help once")
        mark = len(api.calls)
        for user_id in users[1:]:
            api.send_text(OWNER_ID, OWNER_ID, f"/allow {user_id}")
        _wait_for_count(api, child, "sendMessage", mark, USER_COUNT - 1)
        mark = len(api.calls)
        for user_id in users:
            api.send_text(user_id, user_id, "/help")
        _wait_for_count(api, child, "sendMessage", mark, USER_COUNT)
        help_message_ids = {user_id: api.last_message(user_id)["message_id"] for user_id in users}

        rss: dict[int, float] = {}
        press_rates: list[float] = []
        for batch in range(BATCHES_TOTAL):
            started = time.monotonic()
            _send_batch(api, child, users, help_message_ids, batch)
            if batch % HELP_EVERY != 0:
                press_rates.append(len(users) / (time.monotonic() - started))
            handled = (batch + 1) * len(users)
            if batch + 1 in (BATCHES_FIRST, BATCHES_TOTAL):
                time.sleep(0.5)
                rss[handled] = resident_mb(child.process.pid)
                progress(f"figure 4: {handled} updates answered, VmRSS {rss[handled]:.1f} MB")
            elif (batch + 1) % 20 == 0:
                progress(f"figure 4: {handled} updates answered")
        errors = [line for line in child.log().splitlines() if " ERROR " in line]
    finally:
        child.stop()
        api.stop()
    progress("figure 4: done")

    first, total = BATCHES_FIRST * USER_COUNT, BATCHES_TOTAL * USER_COUNT
    growth = rss[total] - rss[first]
    figure = Figure(TITLE, METHOD)
    figure.values += [
        ("spawn to first getUpdates, hostiran-bot", f"{bot.first_get_updates * 1000:.0f} ms"),
        ("spawn to first getUpdates, bare PTB script", f"{bare.first_get_updates * 1000:.0f} ms"),
        ("spawn to the answer of a queued /start, hostiran-bot", f"{bot.first_start_answer * 1000:.0f} ms"),
        ("spawn to the answer of a queued /start, bare PTB script", f"{bare.first_start_answer * 1000:.0f} ms"),
        ("VmRSS after start (first /start answered), hostiran-bot", f"{bot.rss_mb:.1f} MB"),
        ("VmRSS after start (first /start answered), bare PTB script", f"{bare.rss_mb:.1f} MB"),
        (f"VmRSS after {first:,} updates", f"{rss[first]:.1f} MB"),
        (f"VmRSS after {total:,} updates", f"{rss[total]:.1f} MB"),
        ("button presses handled per second (median of the press batches)",
         f"{sorted(press_rates)[len(press_rates) // 2]:.0f}"),
        ("ERROR lines in the bot's log", str(len(errors))),
    ]
    figure.checks.append(Check(f"VmRSS growth from {first:,} to {total:,} updates", f"{growth:+.1f} MB",
                               f"≤ {TARGET_GROWTH_MB:.0f} MB", growth <= TARGET_GROWTH_MB))
    figure.checks.append(Check("start-up, spawn to first getUpdates, hostiran-bot / bare PTB",
                               f"{bot.first_get_updates / bare.first_get_updates:.1f}×", "none", None))
    return figure


METHOD = "\n".join([
    "- `hostiran-bot run` (the console script next to the interpreter) runs as a child process against "
    "`tests.support.bot_api.BotApiServer` on 127.0.0.1. It has a fresh SQLite file, `LOG_LEVEL=WARNING` and "
    "a temporary folder as its working directory.",
    "- A `/start` from the owner is queued before the spawn. Start-up is the time from `Popen` to the stub's "
    "first getUpdates, and to the sendMessage that replies to that `/start`.",
    "- `benchmarks/bare_bot.py`, a PTB application with one `/start` handler, is spawned the same way against "
    "its own stub.",
    "- Resident size is VmRSS from `/proc/PID/status`, read 0.5 s after the last reply of a step.",
    f"- Before counting, the owner sends `/allow` for {USER_COUNT - 1} other users, and each of the "
    f"{USER_COUNT} users sends `/help` once.",
    "- Then updates go in batches of one per user, and the bot replies to a whole batch before the next is "
    f"queued. Every {HELP_EVERY}th batch is `/help` (sendMessage). The other batches press the cancel button "
    f"of an action request that does not exist (`{STALE_CANCEL_DATA}`). The bot answers such a press with an "
    "alert (answerCallbackQuery) and logs a WARNING.",
    "- A press passes the same chat check as a command, served from the five-second chat cache, and then reads the "
    "action request from the database.",
    "- The mix is not all `/help` because the bot's AIORateLimiter sends at most 30 messages a second, so "
    f"{BATCHES_TOTAL * USER_COUNT:,} `/help` replies would take at least "
    f"{BATCHES_TOTAL * USER_COUNT / 30:.0f} s.",
    f"- TELEGRAM_GROUP_MESSAGES_PER_MINUTE is {GROUP_MESSAGES_PER_MINUTE}, the maximum that the settings "
    "accept. It has no effect on private chats.",
])
