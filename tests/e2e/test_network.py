"""End to end: Telegram through a real HTTP proxy process, and `hostiran-bot check`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN_ID, BOT_TOKEN, OWNER_ID
from tests.support.bot_api import BotApiServer
from tests.support.conversation import Person
from tests.support.processes import EXECUTABLE, BotProcess, SandboxProcess, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def link(person: Person, sandbox: SandboxProcess) -> None:
    reply = person.send(f"/connect {sandbox.url} {sandbox.token}")
    assert "متصل شد" in reply.params["text"]


@pytest.fixture
def proxy(tmp_path: Path):  # noqa: ANN201 - yields (url, path of the request record)
    port = free_port()
    record = tmp_path / "proxy-requests.jsonl"
    record.touch()
    process = subprocess.Popen([sys.executable, "-m", "tests.support.http_proxy", "--port", str(port),
                                "--record", str(record)], cwd=ROOT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", record
    finally:
        process.terminate()
        process.wait(10)


def test_telegram_traffic_goes_through_proxy(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                             start_bot: Callable[..., BotProcess], proxy) -> None:  # noqa: ANN001
    proxy_url, record = proxy
    # Proxy variables in the environment, as a shell inside Iran might have, must not reach HostIran.
    bot = start_bot(extra_env={"TELEGRAM_PROXY_URL": proxy_url, "HTTP_PROXY": proxy_url,
                               "HTTPS_PROXY": proxy_url, "ALL_PROXY": proxy_url})
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link(owner, sandbox_process)
    assert "۵۰٬۰۰۰ تومان" in owner.send("/credit").params["text"]
    assert "database" in owner.send("/vms").params["text"]
    assert bot.stop() == 0

    proxied = [json.loads(line) for line in record.read_text().splitlines()]
    stub_target = f"127.0.0.1:{bot_api.port}"
    sandbox_target = f"127.0.0.1:{sandbox_process.port}"
    assert proxied, "no request went through the proxy"
    assert {entry["target"] for entry in proxied} == {stub_target}
    assert len(proxied) == len(bot_api.calls)
    assert {entry["target"] for entry in proxied}.isdisjoint({sandbox_target})
    assert len(sandbox_process.requests()) >= 3


def test_check_reports_each_account(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                    start_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    bot = start_bot()
    healthy = Person(bot_api, OWNER_ID, OWNER_ID)
    link(healthy, sandbox_process)
    (tmp_path / "second").mkdir()
    second_sandbox = SandboxProcess(tmp_path / "second", token="second-token")
    bot_api.send_text(OWNER_ID, OWNER_ID, f"/allow {ADMIN_ID}")
    failing = Person(bot_api, ADMIN_ID, ADMIN_ID)
    bot.wait_for_log(f"chat {ADMIN_ID} authorized")
    link(failing, second_sandbox)
    second_sandbox.stop()
    bot.stop()

    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "BOT_", "DATABASE_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "BOT_OWNER_IDS": str(OWNER_ID),
        "DATABASE_URL": f"sqlite+aiosqlite:///{bot.database_path}",
        "TELEGRAM_API_BASE_URL": bot_api.base_url,
        "TELEGRAM_API_FILE_URL": bot_api.file_url,
    })
    result = subprocess.run([EXECUTABLE, "check"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert any(line.startswith("ok") and "database" in line and "latest" in line for line in lines)
    assert any(line.startswith("ok") and "@hostiran_test_bot" in line for line in lines)
    assert any(line.startswith("ok") and f"chat {OWNER_ID}" in line and sandbox_process.url in line for line in lines)
    assert any(line.startswith("FAIL") and f"chat {ADMIN_ID}" in line and "Unreachable" in line for line in lines)
    assert BOT_TOKEN not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
