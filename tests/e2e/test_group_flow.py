"""End to end in a group: authorize, link through the deep link, read as a member, act as an admin."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.e2e.conftest import ADMIN_ID, GROUP_ID, MEMBER_ID, OWNER_ID
from tests.support.bot_api import BotApiServer
from tests.support.conversation import (
    Person,
    buttons,
    message_id_of,
    open_card,
    to_chat,
)
from tests.support.processes import BotProcess, SandboxProcess

pytestmark = pytest.mark.e2e


def test_group_linked_through_deep_link(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                        start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner_in_group = Person(bot_api, GROUP_ID, OWNER_ID)
    admin_in_group = Person(bot_api, GROUP_ID, ADMIN_ID)
    member_in_group = Person(bot_api, GROUP_ID, MEMBER_ID)
    admin_private = Person(bot_api, ADMIN_ID, ADMIN_ID)

    notice = member_in_group.send("/vms")
    assert str(GROUP_ID) in notice.params["text"]
    assert "مجاز شد" in owner_in_group.send("/allow").params["text"]

    # A member who is not an admin cannot start linking.
    refused = member_in_group.send("/connect")
    assert "مدیران" in refused.params["text"]

    offer = admin_in_group.send("/connect")
    [button] = buttons(offer)
    match = re.fullmatch(r"https://t\.me/hostiran_test_bot\?start=(c_[A-Za-z0-9_-]+)", button["url"])
    assert match is not None
    payload = match.group(1)

    # The payload works only for the admin who asked.
    someone_else = Person(bot_api, MEMBER_ID, MEMBER_ID)
    assert "نامعتبر" in someone_else.send(f"/start {payload}").params["text"]

    asked = admin_private.send(f"/start {payload}")
    assert "Ops team" in asked.params["text"]
    assert "نشانی" in asked.params["text"]
    admin_private.send(sandbox_process.url)
    mark = len(bot_api.calls)
    bot_api.send_text(ADMIN_ID, ADMIN_ID, sandbox_process.token)
    linked = bot_api.wait_for("sendMessage", to_chat(ADMIN_ID), after=mark, timeout=20)
    assert "Ops team" in linked.params["text"]
    group_notice = bot_api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    assert "متصل کرد" in group_notice.params["text"]

    # The payload is single-use.
    assert "نامعتبر" in admin_private.send(f"/start {payload}").params["text"]

    # Any member reads; only admins act under the default policy.
    assert "۵۰٬۰۰۰ تومان" in member_in_group.send("/credit").params["text"]
    servers = member_in_group.send("/vms")
    list_id = message_id_of(servers)
    open_card(member_in_group, list_id, "database")
    mark, query = member_in_group.press(list_id, "خاموش کردن")
    denied = member_in_group.answer_to(query, mark)
    assert denied.params.get("show_alert") is True
    assert "مدیران" in denied.params["text"]

    mark, query = admin_in_group.press(list_id, "خاموش کردن")
    prompt = bot_api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    prompt_id = message_id_of(prompt)

    # Someone else's confirm is refused with an alert and runs nothing.
    mark, query = owner_in_group.press(prompt_id, "تأیید")
    alert = owner_in_group.answer_to(query, mark)
    assert alert.params.get("show_alert") is True
    assert sandbox_process.posts() == []

    mark, query = admin_in_group.press(prompt_id, "تأیید")
    done = admin_in_group.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])
    assert "Sara Ahmadi" in done.params["text"]
    assert len(sandbox_process.posts()) == 1
