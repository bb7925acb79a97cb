"""End to end: server pages and cards from the cache, filters, invoice cards, inline mode and settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN_ID, GROUP_ID, OWNER_ID, STRANGER_ID
from tests.support.bot_api import BotApiServer
from tests.support.conversation import Person, buttons, message_id_of, request_action, to_chat
from tests.support.processes import BotProcess, SandboxProcess

pytestmark = pytest.mark.e2e


def cloud_requests(sandbox: SandboxProcess) -> int:
    return sum(1 for entry in sandbox.requests() if entry["path"] == "/v1/cloud")


def link(person: Person, sandbox: SandboxProcess) -> None:
    assert "متصل شد" in person.send(f"/connect {sandbox.url} {sandbox.token}").params["text"]


def test_paging_uses_cache_and_refresh_reads(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                              start_bot: Callable[..., BotProcess]) -> None:
    sandbox_process.control("POST", "reset", {"server_count": 57})
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link(owner, sandbox_process)

    first = owner.send("/vms")
    assert "۵۷ سرور" in first.params["text"]
    assert "صفحهٔ ۱ از ۶" in first.params["text"]
    assert cloud_requests(sandbox_process) == 1
    list_id = message_id_of(first)

    mark, _ = owner.press(list_id, "▶️")
    second = owner.edit_of(list_id, mark)
    assert "صفحهٔ ۲ از ۶" in second.params["text"]
    assert "vm-011" in second.params["text"]

    mark, _ = owner.press(list_id, "خاموش")
    off = owner.edit_of(list_id, mark)
    assert "نمایش: خاموش" in off.params["text"]
    assert "🟢" not in off.params["text"].split("\n", 3)[3]

    mark, _ = owner.press(list_id, "\u2068vm-003\u2069")
    card = owner.edit_of(list_id, mark)
    assert "<code>1003</code>" in card.params["text"]
    mark, _ = owner.press(list_id, "بازگشت")
    back = owner.edit_of(list_id, mark)
    assert "نمایش: خاموش" in back.params["text"]
    assert cloud_requests(sandbox_process) == 1  # paging, filters, cards and back come from the cache

    # Refresh always reads the API. Its edit may be refused as "not modified", but it is still made.
    mark, _ = owner.press(list_id, "🔄")
    owner.edit_of(list_id, mark)
    assert cloud_requests(sandbox_process) == 2


def test_name_filter_survives_paging(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                     start_bot: Callable[..., BotProcess]) -> None:
    sandbox_process.control("POST", "reset", {"server_count": 57})
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link(owner, sandbox_process)
    named = owner.send("/vms vm-01")
    assert "«\u2068vm-01\u2069»" in named.params["text"]
    list_id = message_id_of(named)
    mark, _ = owner.press(list_id, "روشن")
    on = owner.edit_of(list_id, mark)
    assert "vm-01" in on.params["text"]
    assert "vm-002" not in on.params["text"]
    assert "«\u2068vm-01\u2069»" in on.params["text"]


def test_invoice_card_and_inline_mode(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                      start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link(owner, sandbox_process)

    card = owner.send("/invoices 505022")
    assert "پانصد و شصت و پنج هزار" in card.params["text"]
    assert [button.get("url") for button in buttons(card)][0] == "https://hostiran.net/pay/505022"
    assert any("copy_text" in button for button in buttons(card))
    missing = owner.send("/invoices 505023").params["text"]
    assert "<code>505023</code>" in missing
    assert "نیست" in missing
    assert "باید عدد باشد" in owner.send("/invoices abc").params["text"]

    mark = len(bot_api.calls)
    bot_api.inline_query(OWNER_ID, "")
    answer = bot_api.wait_for("answerInlineQuery", after=mark, timeout=20)
    results = answer.params["results"]
    assert [result["id"] for result in results] == ["505022", "501383", "501382", "501121", "501119"]
    assert "پانصد و شصت و پنج هزار" in results[0]["input_message_content"]["message_text"]

    mark = len(bot_api.calls)
    bot_api.inline_query(STRANGER_ID, "")
    empty = bot_api.wait_for("answerInlineQuery", after=mark, timeout=20)
    assert empty.params["results"] == []
    assert empty.params["button"]["start_parameter"] == "inline"


def test_settings_language_unit_and_menu(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                         start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link(owner, sandbox_process)

    help_reply = owner.send("/start")
    keyboard = help_reply.params["reply_markup"]["keyboard"]
    assert keyboard[0][0]["text"] == "💰 موجودی"
    assert "۵۰٬۰۰۰ تومان" in owner.send("💰 موجودی").params["text"]

    settings = owner.send("/settings")
    settings_id = message_id_of(settings)
    mark, _ = owner.press(settings_id, "English")
    edited = owner.edit_of(settings_id, mark)
    assert "Settings of this chat" in edited.params["text"]
    new_keyboard = bot_api.wait_for("sendMessage", to_chat(OWNER_ID), after=mark, timeout=20)
    assert new_keyboard.params["reply_markup"]["keyboard"][0][0]["text"] == "💰 Credit"
    assert "50,000 tomans" in owner.send("/credit").params["text"]
    assert "50,000 tomans" in owner.send("💰 موجودی").params["text"]  # an old keyboard keeps working

    mark, _ = owner.press(settings_id, "rial")
    owner.edit_of(settings_id, mark)
    assert "500,000 rials" in owner.send("💰 Credit").params["text"]


def test_group_topic_and_silent_replies(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                        start_bot: Callable[..., BotProcess]) -> None:
    bot_api.add_group(GROUP_ID, "Ops team", is_forum=True)
    start_bot()
    owner = Person(bot_api, GROUP_ID, OWNER_ID)
    owner.send("/allow")

    mark = len(bot_api.calls)
    bot_api.send_text(GROUP_ID, OWNER_ID, "/settings", message_thread_id=42)
    settings = bot_api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    assert int(settings.params["message_thread_id"]) == 42
    mark, _ = owner.press(message_id_of(settings), "🔕")
    owner.edit_of(message_id_of(settings), mark)

    mark = len(bot_api.calls)
    bot_api.send_text(GROUP_ID, OWNER_ID, "/help", message_thread_id=42)
    silent = bot_api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    assert silent.params.get("disable_notification") is True
    assert int(silent.params["message_thread_id"]) == 42


def test_command_menus(bot_api: BotApiServer, start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    private_fa = bot_api.commands({"type": "all_private_chats"}, "fa")
    private_en = bot_api.commands({"type": "all_private_chats"})
    owner_fa = bot_api.commands({"type": "chat", "chat_id": OWNER_ID}, "fa")
    groups_fa = bot_api.commands({"type": "all_group_chats"}, "fa")
    assert {"command": "credit", "description": "موجودی کیف پول"} in private_fa
    assert {"command": "credit", "description": "Wallet credit"} in private_en
    assert "allow" in {command["command"] for command in owner_fa}
    assert "allow" not in {command["command"] for command in private_fa}
    assert "policy" in {command["command"] for command in groups_fa}
    assert "cancel" not in {command["command"] for command in groups_fa}


def test_action_round_trips_and_audit(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                      start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    link(owner, sandbox_process)
    list_id = message_id_of(owner.send("/vms"))
    assert cloud_requests(sandbox_process) == 1

    prompt = request_action(owner, list_id, "database", "خاموش کردن")
    assert cloud_requests(sandbox_process) == 1  # the card and the press use the cached list
    prompt_id = message_id_of(prompt)
    mark, _ = owner.press(prompt_id, "تأیید")
    owner.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])
    assert cloud_requests(sandbox_process) == 2  # confirming reads the server once more
    assert len(sandbox_process.posts()) == 1

    audit = owner.send("/audit").params["text"]
    assert "خاموش کردن" in audit
    assert "انجام شد" in audit
    assert "۱۴۰۵" in audit  # the Jalali year of the request, made today
    assert "Owner" in audit


def test_slow_account_does_not_delay_other_chat(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                                start_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    (tmp_path / "fast").mkdir()
    fast_sandbox = SandboxProcess(tmp_path / "fast", token="fast-token")
    try:
        start_bot(extra_env={"HOSTIRAN_TIMEOUT_SECONDS": "10"})
        owner = Person(bot_api, OWNER_ID, OWNER_ID)
        admin = Person(bot_api, ADMIN_ID, ADMIN_ID)
        link(owner, sandbox_process)
        owner.send(f"/allow {ADMIN_ID}")
        assert "متصل شد" in admin.send(f"/connect {fast_sandbox.url} {fast_sandbox.token}").params["text"]
        sandbox_process.control("POST", "faults", {"endpoint": "credit", "delay": 3})

        mark = len(bot_api.calls)
        bot_api.send_text(OWNER_ID, OWNER_ID, "/credit")
        bot_api.send_text(ADMIN_ID, ADMIN_ID, "/credit")
        fast_reply = bot_api.wait_for("sendMessage", to_chat(ADMIN_ID), after=mark, timeout=20)
        slow_reply = bot_api.wait_for("sendMessage", to_chat(OWNER_ID), after=mark, timeout=20)
        assert "۵۰٬۰۰۰ تومان" in fast_reply.params["text"]
        assert "۵۰٬۰۰۰ تومان" in slow_reply.params["text"]
        assert fast_reply.index < slow_reply.index
        assert slow_reply.time - fast_reply.time > 2  # the fast chat did not wait for the slow account
    finally:
        fast_sandbox.stop()
