"""End to end: `hostiran-bot run` and `hostiran-bot sandbox` as processes, users played over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import ADMIN_ID, OWNER_ID
from tests.support.bot_api import BotApiServer
from tests.support.conversation import (
    Person,
    buttons,
    message_id_of,
    request_action,
    to_chat,
)
from tests.support.processes import BotProcess, SandboxProcess

pytestmark = pytest.mark.e2e

ZWNJ = "\u200c"


def link_private_account(api: BotApiServer, person: Person, sandbox: SandboxProcess) -> None:
    asked = person.send("/connect")
    assert "نشانی" in asked.params["text"]
    asked_token = person.send(sandbox.url)
    assert "توکن" in asked_token.params["text"]
    mark = len(api.calls)
    token_update = api.send_text(person.chat_id, person.user_id, sandbox.token)
    linked = api.wait_for("sendMessage", to_chat(person.chat_id), after=mark, timeout=20)
    assert "متصل شد" in linked.params["text"]
    deleted = api.calls_of("deleteMessage", after=mark)
    assert [int(call.params["message_id"]) for call in deleted] == [token_update["message"]["message_id"]]


def test_private_session(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                         start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot()
    admin = Person(bot_api, ADMIN_ID, ADMIN_ID)
    owner = Person(bot_api, OWNER_ID, OWNER_ID)

    # An unauthorized chat gets one reply that names its id, then silence for a minute.
    notice = admin.send("/credit")
    assert str(ADMIN_ID) in notice.params["text"]
    mark = len(bot_api.calls)
    second = bot_api.send_text(ADMIN_ID, ADMIN_ID, "/vms")["update_id"]
    bot.wait_for_log(f"update {second} from unauthorized chat {ADMIN_ID} ignored")
    assert [call for call in bot_api.calls_of("sendMessage", after=mark)
            if int(call.params["chat_id"]) == ADMIN_ID] == []

    owner_help = owner.send("/help")  # the owner's private chat is authorized without asking
    assert "/allow" in owner_help.params["text"]

    allowed = owner.send(f"/allow {ADMIN_ID}")
    assert str(ADMIN_ID) in allowed.params["text"]

    link_private_account(bot_api, admin, sandbox_process)

    credit = admin.send("/credit")
    assert "۵۰٬۰۰۰ تومان" in credit.params["text"]

    invoices = admin.send("/invoices")
    assert "۵۶٬۵۶۵٫۶ تومان" in invoices.params["text"]
    assert f"۴ صورت{ZWNJ}حساب با مبلغ صفر" in invoices.params["text"]
    pay_buttons = [button for button in buttons(invoices) if "url" in button]
    assert [button["url"] for button in pay_buttons] == ["https://hostiran.net/pay/505022"]

    servers = admin.send("/vms")
    text = servers.params["text"]
    assert "database" in text
    assert "۱ روشن" in text
    assert "۶ تیر ۱۴۰۱" in text
    labels = [button["text"] for button in buttons(servers)]
    assert "🟢 \u2068database\u2069" in labels

    # Power off the server that is on, from its card, and confirm.
    list_id = message_id_of(servers)
    prompt = request_action(admin, list_id, "database", "خاموش کردن")
    assert "تأیید فرمان" in prompt.params["text"]
    prompt_id = message_id_of(prompt)
    mark, query = admin.press(prompt_id, "تأیید")
    result = admin.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])
    assert "database" in result.params["text"]
    posts = sandbox_process.posts()
    assert len(posts) == 1
    assert posts[0]["body"] == {"vm_id": 61, "action": "poweroff"}
    assert sandbox_process.token not in bot.log()


def test_cancel_sends_nothing(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                              start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link_private_account(bot_api, owner, sandbox_process)
    servers = owner.send("/vms")
    prompt = request_action(owner, message_id_of(servers), "web", "روشن کردن")
    prompt_id = message_id_of(prompt)
    mark, _ = owner.press(prompt_id, "انصراف")
    cancelled = owner.edit_of(prompt_id, mark)
    assert "لغو شد" in cancelled.params["text"]
    assert sandbox_process.posts() == []
    # A second press on the same confirm button runs nothing either.
    confirm_data = buttons(prompt)[0]["callback_data"]
    mark, query = owner.press_data(prompt_id, confirm_data)
    answer = owner.answer_to(query, mark)
    assert "پیش" in answer.params.get("text", "")
    assert sandbox_process.posts() == []


def test_connect_mistakes_explained(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                    start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    assert "معتبر نیست" in owner.send("/connect htp//127.0.0.1 sandbox-token").params["text"]
    # A bare host gets https://, which the sandbox does not speak: the reply names what was tried.
    unreachable = owner.send(f"/connect 127.0.0.1:{sandbox_process.port} sandbox-token").params["text"]
    assert f"https://127.0.0.1:{sandbox_process.port}" in unreachable
    assert "در دسترس نیست" in unreachable
    # The address alone is kept, and the token is asked for next.
    assert "توکن" in owner.send(f"/connect {sandbox_process.url}").params["text"]
    assert "متصل شد" in owner.send(sandbox_process.token).params["text"]
    unknown = owner.send("/foo").params["text"]
    assert "/help" in unknown
    assert "\u2068/foo\u2069" in unknown
