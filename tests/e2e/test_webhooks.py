"""End to end: two bot processes in webhook mode sharing one database, as behind a load balancer."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.storage.crypto import generate_key
from tests.e2e.conftest import BOT_TOKEN, OWNER_ID
from tests.support.bot_api import BotApiServer
from tests.support.conversation import buttons, message_id_of, to_chat
from tests.support.processes import BotProcess, SandboxProcess, free_port

pytestmark = pytest.mark.e2e

SECRET = "webhook-secret_123"


class WebhookBot:
    """One bot process serving a webhook on its own port."""

    def __init__(self, tmp_path: Path, api: BotApiServer, database_url: str, key: str, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.process = BotProcess(tmp_path, bot_api_base_url=api.base_url, bot_api_file_url=api.file_url,
                                  bot_token=BOT_TOKEN, owner_ids=str(OWNER_ID), name=name, extra_env={
                                      "DATABASE_URL": database_url,
                                      "TOKEN_ENCRYPTION_KEY": key,
                                      "TELEGRAM_WEBHOOK_URL": self.url,
                                      "TELEGRAM_WEBHOOK_SECRET": SECRET,
                                      "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                                      "TELEGRAM_WEBHOOK_PORT": str(self.port),
                                  })

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.process.poll() is not None:
                raise AssertionError(f"the bot exited:\n{self.process.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no webhook server within {timeout} s:\n{self.process.log()}") from None
                time.sleep(0.1)

    def post(self, update: dict, secret: str = SECRET) -> int:
        response = httpx.post(self.url, content=json.dumps(update), timeout=10,
                              headers={"Content-Type": "application/json",
                                       "X-Telegram-Bot-Api-Secret-Token": secret})
        return response.status_code


@pytest.fixture
def webhook_bots(tmp_path: Path, bot_api: BotApiServer, database_url: str) -> Iterator[list[WebhookBot]]:
    key = generate_key()
    # The first process migrates the database; the second starts once the schema is in place.
    first = WebhookBot(tmp_path, bot_api, database_url, key, "bot-a")
    first.wait_until_serving()
    second = WebhookBot(tmp_path, bot_api, database_url, key, "bot-b")
    second.wait_until_serving()
    try:
        yield [first, second]
    finally:
        for bot in (first, second):
            bot.process.stop()


def say(api: BotApiServer, bot: WebhookBot, text: str):  # noqa: ANN201 - returns the reply Call
    mark = len(api.calls)
    assert bot.post(api.send_text(OWNER_ID, OWNER_ID, text)) == 200
    return api.wait_for("sendMessage", to_chat(OWNER_ID), after=mark, timeout=20)


def test_two_processes_share_work_and_confirm_once(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                                    webhook_bots: list[WebhookBot]) -> None:
    first, second = webhook_bots
    assert len(bot_api.calls_of("setWebhook")) == 2
    assert "متصل شد" in say(bot_api, first, f"/connect {sandbox_process.url} {sandbox_process.token}").params["text"]
    # The account linked through one process is read by the other: the state is in the database.
    assert "۵۰٬۰۰۰ تومان" in say(bot_api, second, "/credit").params["text"]

    servers = say(bot_api, first, "/vms")
    list_id = message_id_of(servers)
    card_data = next(button["callback_data"] for button in buttons(servers) if "database" in button["text"])
    mark = len(bot_api.calls)
    assert second.post(bot_api.press(OWNER_ID, OWNER_ID, list_id, card_data)) == 200
    card = bot_api.wait_for("editMessageText", lambda call: "<code>61</code>" in call.params["text"], after=mark,
                            timeout=20)
    action_data = next(button["callback_data"] for button in buttons(card) if button["text"] == "خاموش کردن")
    mark = len(bot_api.calls)
    assert first.post(bot_api.press(OWNER_ID, OWNER_ID, list_id, action_data)) == 200
    prompt = bot_api.wait_for("sendMessage", to_chat(OWNER_ID), after=mark, timeout=20)
    prompt_id = message_id_of(prompt)
    confirm_data = buttons(prompt)[0]["callback_data"]

    presses = [bot_api.press(OWNER_ID, OWNER_ID, prompt_id, confirm_data) for _ in range(20)]
    statuses: list[int] = []

    def post_to_alternating_process(index: int, update: dict) -> None:
        statuses.append(webhook_bots[index % 2].post(update))

    threads = [threading.Thread(target=post_to_alternating_process, args=(index, update))
               for index, update in enumerate(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert statuses == [200] * 20
    bot_api.wait_for("editMessageText", lambda call: "پذیرفت" in call.params["text"], timeout=20)
    answers = [bot_api.wait_for("answerCallbackQuery",
                                lambda call, query_id=update["callback_query"]["id"]:
                                call.params["callback_query_id"] == query_id, timeout=20)
               for update in presses]
    assert len(answers) == 20
    assert len(sandbox_process.posts()) == 1
    handled = [bot.process.log().count("confirmed by user") for bot in webhook_bots]
    assert sum(handled) == 1


def test_webhook_rejects_wrong_secret(bot_api: BotApiServer, webhook_bots: list[WebhookBot]) -> None:
    first, _ = webhook_bots
    mark = len(bot_api.calls)
    assert first.post(bot_api.send_text(OWNER_ID, OWNER_ID, "/help"), secret="wrong") == 403
    time.sleep(1)
    assert bot_api.calls_of("sendMessage", after=mark) == []
