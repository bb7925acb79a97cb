"""Figure 2: `/vms` on an account with 1,000 servers behind 50 ms of API latency, against one page's GET."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from benchmarks.fakes import command_update
from benchmarks.harness import OWNER_ID, BotUnderTest, progress
from benchmarks.results import Check, Figure, Series
from bot.hostiran import create_http_client
from bot.hostiran.client import MAX_PER_PAGE
from bot.sandbox.server import SandboxServer

TITLE = "2. `/vms` with 1,000 servers and 50 ms API latency"
SERVER_COUNT = 1000
LATENCY_SECONDS = 0.05
REPEATS = 10
WARM_UP_REPEATS = 2
TARGET_RATIO = 3.0


async def run(work_dir: Path) -> Figure:
    sandbox = SandboxServer(server_count=SERVER_COUNT).start()
    bot = BotUnderTest(work_dir / "paging.sqlite3", hostiran_transport=None)
    http = create_http_client(timeout=15)
    vms_times: list[float] = []
    get_times: list[float] = []
    cloud_requests: list[int] = []
    try:
        await bot.initialize()
        await bot.connect(OWNER_ID, sandbox.url, sandbox.token)
        sandbox.set_fault("cloud", delay=LATENCY_SECONDS)
        page_url = f"{sandbox.url}/v1/cloud"
        page_params = {"perPage": MAX_PER_PAGE, "page": 1}

        async def single_get() -> float:
            start = time.perf_counter()
            response = await http.get(page_url, params=page_params, headers={"token": sandbox.token})
            response.json()
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise RuntimeError(f"GET of one page returned HTTP {response.status_code}")
            return elapsed

        async def vms() -> float:
            update = bot.update(command_update(OWNER_ID, "/vms"))
            before = bot.telegram.count("sendMessage")
            logged = len(sandbox.requests())
            start = time.perf_counter()
            await bot.application.process_update(update)
            elapsed = time.perf_counter() - start
            if bot.telegram.count("sendMessage") == before:
                raise RuntimeError("/vms sent no message")
            text = str(bot.telegram.last("sendMessage").params.get("text", ""))
            if "vm-" not in text:
                raise RuntimeError(f"/vms did not send a server list: {text[:200]}")
            cloud_requests.append(sum(1 for entry in sandbox.requests()[logged:] if entry["path"] == "/v1/cloud"))
            return elapsed

        progress(f"figure 2: {SERVER_COUNT} servers in the sandbox at {sandbox.url}, "
                 f"{LATENCY_SECONDS * 1000:.0f} ms per cloud request")
        for _ in range(WARM_UP_REPEATS):
            await single_get()
            await vms()
        cloud_requests.clear()
        for repeat in range(REPEATS):
            # Alternate which one goes first, so a slow moment of the machine hits both alike.
            if repeat % 2 == 0:
                get_times.append(await single_get())
                vms_times.append(await vms())
            else:
                vms_times.append(await vms())
                get_times.append(await single_get())
            await asyncio.sleep(0.05)
    finally:
        await http.aclose()
        await bot.shutdown()
        sandbox.stop()
    progress("figure 2: done")

    vms_series = Series("`/vms` update, end to end", tuple(vms_times))
    get_series = Series(f"one GET of a page ({MAX_PER_PAGE} servers)", tuple(get_times))
    ratio = vms_series.p50 / get_series.p50
    figure = Figure(TITLE, METHOD, series=[vms_series, get_series])
    figure.values.append(("cloud GET requests per `/vms`", ", ".join(sorted({str(n) for n in cloud_requests}))))
    figure.checks.append(Check("`/vms` p50 / one GET p50", f"{ratio:.2f}×", f"≤ {TARGET_RATIO:.0f}×",
                               ratio <= TARGET_RATIO))
    return figure


METHOD = "\n".join([
    f"- The sandbox API (`SandboxServer(server_count={SERVER_COUNT})`) serves over HTTP on 127.0.0.1 from a "
    f"thread of the benchmark process. `set_fault(\"cloud\", delay={LATENCY_SECONDS})` delays every cloud "
    f"request by {LATENCY_SECONDS * 1000:.0f} ms.",
    "- The bot uses its real HostIran HTTP client and is linked by `/connect`.",
    f"- One `/vms` update is timed around `process_update`. It reads every page of {MAX_PER_PAGE} servers, "
    "parses them, renders the first list page and sends it to the Telegram mock.",
    "- The reference is one GET of one page with the bot's client settings (`create_http_client`), "
    "with the JSON decoded.",
    f"- After {WARM_UP_REPEATS} warm-up pairs, {REPEATS} pairs alternate which of the two goes first.",
    f"- Reading the {SERVER_COUNT // MAX_PER_PAGE} pages one after another would take about "
    f"{SERVER_COUNT // MAX_PER_PAGE} times one GET.",
])
