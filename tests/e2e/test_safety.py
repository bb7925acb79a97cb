"""End to end: who may press what, confirmations that run at most once, and secrets kept out of sight."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.e2e.conftest import ADMIN_ID, BOT_TOKEN, GROUP_ID, MEMBER_ID, OWNER_ID
from tests.support.bot_api import BotApiServer, Call
from tests.support.conversation import (
    Person,
    buttons,
    message_id_of,
    open_card,
    to_chat,
)
from tests.support.processes import BotProcess, SandboxProcess

pytestmark = pytest.mark.e2e

BOT_ID = 123456  # the stand-in Bot API server's default bot user id
POWER_OFF = "خاموش کردن"
PROMPT_TITLE = "تأیید فرمان"
CONFIRM = "تأیید"
CANCEL = "انصراف"
ALREADY_HANDLED = ("در حال اجراست", "پیش‌تر")


def link_group(api: BotApiServer, sandbox: SandboxProcess) -> None:
    """Authorize the group as the owner and link the sandbox account to it as its admin, by deep link."""
    owner = Person(api, GROUP_ID, OWNER_ID)
    admin = Person(api, GROUP_ID, ADMIN_ID)
    admin_private = Person(api, ADMIN_ID, ADMIN_ID)
    assert "مجاز شد" in owner.send("/allow").params["text"]
    [button] = buttons(admin.send("/connect"))
    payload = button["url"].rsplit("start=", 1)[1]
    assert "نشانی" in admin_private.send(f"/start {payload}").params["text"]
    assert "توکن" in admin_private.send(sandbox.url).params["text"]
    mark = len(api.calls)
    api.send_text(ADMIN_ID, ADMIN_ID, sandbox.token)
    notice = api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    assert "متصل کرد" in notice.params["text"]


def link_owner_chat(api: BotApiServer, sandbox: SandboxProcess) -> Person:
    """Link the sandbox account to the owner's private chat in one message and return the owner there."""
    owner = Person(api, OWNER_ID, OWNER_ID)
    linked = owner.send(f"/connect {sandbox.url} {sandbox.token}")
    assert "متصل شد" in linked.params["text"]
    return owner


def is_prompt_in(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: to_chat(chat_id)(call) and PROMPT_TITLE in call.params.get("text", "")


def send_server_list(person: Person) -> int:
    """Send /vms and return the id of the list message."""
    return message_id_of(person.send("/vms"))


def show_database_card(person: Person, list_id: int) -> None:
    """Open the database server's card on a list message, unless the message already shows it."""
    stored = person.api.message(person.chat_id, list_id) or {}
    if not any(button["text"] == POWER_OFF for button in buttons(stored)):
        open_card(person, list_id, "database")


def request_prompt(person: Person, list_id: int, label: str = POWER_OFF) -> Call:
    """Press an action on the database server's card and return the sendMessage call of the prompt."""
    show_database_card(person, list_id)
    mark, _ = person.press(list_id, label)
    return person.api.wait_for("sendMessage", is_prompt_in(person.chat_id), after=mark, timeout=20)


def callback_data_of(prompt: Call, label: str) -> str:
    [button] = [button for button in buttons(prompt) if label in button["text"]]
    return button["callback_data"]


def request_id_of(prompt: Call) -> str:
    return callback_data_of(prompt, CONFIRM).split(":")[2]


def wait_until_handled(person: Person) -> None:
    """Wait until the bot has handled everything sent in the person's chat so far.

    The bot handles one chat's updates in order, so the reply to a later /help comes after them.
    """
    person.send("/help")


def prompts_since(api: BotApiServer, chat_id: int, mark: int) -> list[Call]:
    return [call for call in api.calls_of("sendMessage", after=mark) if is_prompt_in(chat_id)(call)]


def final_edit(person: Person, message_id: int, mark: int, timeout: float = 20) -> Call:
    """Wait for the edit that ends a confirmed request, past the "running" text."""
    return person.edit_of(message_id, mark, lambda call: "⏳" not in call.params["text"], timeout=timeout)


def log_lines_with(bot: BotProcess, *fragments: str) -> list[str]:
    return [line for line in bot.log().splitlines() if all(fragment in line for fragment in fragments)]


def test_policy_gates_members(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                              start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    member = Person(bot_api, GROUP_ID, MEMBER_ID)
    list_id = send_server_list(member)

    # Under the default policy only admins act.
    show_database_card(member, list_id)
    mark, query = member.press(list_id, POWER_OFF)
    denied = member.answer_to(query, mark)
    assert denied.params.get("show_alert") is True
    assert "مدیران" in denied.params["text"]
    wait_until_handled(member)
    assert prompts_since(bot_api, GROUP_ID, mark) == []
    assert sandbox_process.posts() == []

    policy = admin.send("/policy")
    mark, _ = admin.press(message_id_of(policy), "همهٔ اعضای گروه")
    changed = admin.edit_of(message_id_of(policy), mark)
    assert "همهٔ اعضای گروه" in changed.params["text"]

    prompt = request_prompt(member, list_id)
    assert "Reza" in prompt.params["text"]
    prompt_id = message_id_of(prompt)
    mark, _ = member.press(prompt_id, CONFIRM)
    member.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])
    assert len(sandbox_process.posts()) == 1


def test_others_cannot_decide(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                              start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    owner = Person(bot_api, GROUP_ID, OWNER_ID)
    member = Person(bot_api, GROUP_ID, MEMBER_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)
    mark = len(bot_api.calls)

    # The owner may act in the group, but not decide Sara's request.
    owner_mark, query = owner.press(prompt_id, CONFIRM)
    alert = owner.answer_to(query, owner_mark)
    assert alert.params.get("show_alert") is True
    assert "Sara" in alert.params["text"]

    member_mark, query = member.press(prompt_id, CANCEL)
    alert = member.answer_to(query, member_mark)
    assert alert.params.get("show_alert") is True
    assert "Sara" in alert.params["text"]

    wait_until_handled(member)
    assert [call for call in bot_api.calls_of("editMessageText", after=mark)
            if int(call.params["message_id"]) == prompt_id] == []
    stored = bot_api.message(GROUP_ID, prompt_id)
    assert PROMPT_TITLE in stored["text"]
    assert len(buttons(stored)) == 2
    assert sandbox_process.posts() == []

    # The request is still pending: its requester can cancel it.
    mark, _ = admin.press(prompt_id, CANCEL)
    assert "لغو شد" in admin.edit_of(prompt_id, mark).params["text"]
    assert sandbox_process.posts() == []


def test_concurrent_confirms_post_once(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                       start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)
    confirm = callback_data_of(prompt, CONFIRM)

    # Twenty presses queued at once, as double taps and the person's other devices would send them.
    mark = len(bot_api.calls)
    queries = [admin.press_data(prompt_id, confirm)[1] for _ in range(20)]
    answers = [admin.answer_to(query, mark) for query in queries]
    admin.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])

    assert len(sandbox_process.posts()) == 1
    texts = [answer.params.get("text") for answer in answers]
    assert texts.count(None) == 1  # the winning press gets an answer without text
    others = [text for text in texts if text is not None]
    assert len(others) == 19
    for text in others:
        assert any(fragment in text for fragment in ALREADY_HANDLED), text


def test_confirm_after_expiry(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                              start_bot: Callable[..., BotProcess]) -> None:
    start_bot(extra_env={"ACTION_REQUEST_TTL_SECONDS": "5"})
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)

    time.sleep(max(0.0, prompt.time + 5.5 - time.monotonic()))
    mark, query = admin.press(prompt_id, CONFIRM)
    expired = admin.edit_of(prompt_id, mark)
    assert "منقضی" in expired.params["text"]
    assert "منقضی" in admin.answer_to(query, mark).params["text"]
    assert sandbox_process.posts() == []


def test_confirm_after_restart(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                               start_bot: Callable[..., BotProcess]) -> None:
    first = start_bot()
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)
    first.stop()

    restart_mark = len(bot_api.calls)
    second = start_bot(name="bot-restarted")
    mark, _ = admin.press(prompt_id, CONFIRM)
    done = admin.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])
    assert "Sara Ahmadi" in done.params["text"]
    assert len(sandbox_process.posts()) == 1
    assert log_lines_with(second, request_id_of(prompt), "confirmed")
    # The new process does not handle the action press again, which would ask a second time.
    assert prompts_since(bot_api, GROUP_ID, restart_mark) == []

    mark, query = admin.press_data(prompt_id, callback_data_of(prompt, CONFIRM))
    again = admin.answer_to(query, mark)
    assert "پیش‌تر" in again.params["text"]
    wait_until_handled(admin)
    assert len(sandbox_process.posts()) == 1


def test_expired_across_restart(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                start_bot: Callable[..., BotProcess]) -> None:
    short_ttl = {"ACTION_REQUEST_TTL_SECONDS": "5"}
    first = start_bot(extra_env=short_ttl)
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)
    first.stop()

    start_bot(extra_env=short_ttl, name="bot-restarted")
    time.sleep(max(0.0, prompt.time + 5.5 - time.monotonic()))
    mark, _ = admin.press(prompt_id, CONFIRM)
    expired = admin.edit_of(prompt_id, mark)
    assert "منقضی" in expired.params["text"]
    assert sandbox_process.posts() == []


def test_withdrawn_action_not_sent(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                   start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)

    sandbox_process.control("POST", "servers/61", {"actions": ["reboot"]})
    mark, _ = admin.press(prompt_id, CONFIRM)
    result = final_edit(admin, prompt_id, mark)
    text = result.params["text"]
    assert "مجاز نیست" in text
    [state] = [line for line in text.splitlines() if line.startswith("وضعیت کنونی")]
    assert "روشن" in state
    assert "راه‌اندازی مجدد" in state
    assert "خاموش کردن" not in state
    assert sandbox_process.posts() == []


def test_post_timeout_outcome_unknown(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                      start_bot: Callable[..., BotProcess]) -> None:
    start_bot()  # the harness sets HOSTIRAN_TIMEOUT_SECONDS=3
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    prompt = request_prompt(admin, send_server_list(admin))
    prompt_id = message_id_of(prompt)

    # The sandbox powers the server off on arrival and responds only after the bot's 3 s timeout.
    sandbox_process.control("POST", "faults", {"endpoint": "action", "delay": 6, "times": 1})
    mark, _ = admin.press(prompt_id, CONFIRM)
    unknown = final_edit(admin, prompt_id, mark)
    text = unknown.params["text"]
    assert "معلوم نیست" in text
    [state] = [line for line in text.splitlines() if line.startswith("وضعیت کنونی")]
    assert "خاموش" in state
    assert "روشن کردن" in state
    wait_until_handled(admin)
    posts = sandbox_process.posts()
    assert len(posts) == 1
    assert posts[0]["body"] == {"vm_id": 61, "action": "poweroff"}


def test_forged_buttons_rejected(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot()
    link_group(bot_api, sandbox_process)
    owner = link_owner_chat(bot_api, sandbox_process)
    owner_prompt = request_prompt(owner, send_server_list(owner))
    other_chat_request = request_id_of(owner_prompt)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    list_id = send_server_list(admin)

    # Each forged press and the id that its log line must name: the request id, else the query id.
    cases = [
        ("1:y:AAAAAAAAAAA", "AAAAAAAAAAA"),
        ("1:n:AAAAAAAAAAA", "AAAAAAAAAAA"),
        ("1:a:61:", None),
        ("9:x", None),
        (f"1:y:{other_chat_request}", other_chat_request),
        (f"1:n:{other_chat_request}", other_chat_request),
        ("hello, not callback data", None),
        ("1:a:61:poweroff:extra", None),
    ]
    mark = len(bot_api.calls)
    for data, logged_id in cases:
        press_mark, query = admin.press_data(list_id, data)
        alert = admin.answer_to(query, press_mark)
        assert alert.params.get("show_alert") is True, data
        assert "نامعتبر" in alert.params["text"], data
        assert log_lines_with(bot, logged_id or query["id"], str(ADMIN_ID), str(GROUP_ID)), data

    wait_until_handled(admin)
    assert prompts_since(bot_api, GROUP_ID, mark) == []
    assert bot_api.calls_of("editMessageText", after=mark) == []
    assert sandbox_process.posts() == []

    # The owner's request in the other chat is untouched and still pending.
    mark, _ = owner.press(message_id_of(owner_prompt), CANCEL)
    assert "لغو شد" in owner.edit_of(message_id_of(owner_prompt), mark).params["text"]
    assert sandbox_process.posts() == []


def test_revoked_chat_runs_nothing(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                   start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    owner = Person(bot_api, GROUP_ID, OWNER_ID)
    member = Person(bot_api, GROUP_ID, MEMBER_ID)
    list_id = send_server_list(admin)
    prompt_id = message_id_of(request_prompt(admin, list_id))

    assert "لغو شد" in owner.send("/revoke").params["text"]
    mark = len(bot_api.calls)

    press_mark, query = admin.press(list_id, POWER_OFF)
    alert = admin.answer_to(query, press_mark)
    assert alert.params.get("show_alert") is True
    assert "مجاز نیست" in alert.params["text"]

    press_mark, query = admin.press(prompt_id, CONFIRM)
    alert = admin.answer_to(query, press_mark)
    assert alert.params.get("show_alert") is True
    assert "مجاز نیست" in alert.params["text"]

    notice = member.send("/credit")
    assert str(GROUP_ID) in notice.params["text"]
    assert "مجاز نشده" in notice.params["text"]
    assert prompts_since(bot_api, GROUP_ID, mark) == []
    assert bot_api.calls_of("editMessageText", after=mark) == []
    assert sandbox_process.posts() == []


def test_debug_log_has_no_tokens(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                 start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot()  # the harness sets LOG_LEVEL=DEBUG
    owner = Person(bot_api, OWNER_ID, OWNER_ID)
    wrong_token = "wrong-token-0123456789"
    assert "نپذیرفت" in owner.send(f"/connect {sandbox_process.url} {wrong_token}").params["text"]
    link_owner_chat(bot_api, sandbox_process)
    link_group(bot_api, sandbox_process)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    assert "۵۰٬۰۰۰ تومان" in admin.send("/credit").params["text"]
    admin.send("/invoices")
    prompt = request_prompt(admin, send_server_list(admin))
    mark, _ = admin.press(message_id_of(prompt), CONFIRM)
    admin.edit_of(message_id_of(prompt), mark, lambda call: "پذیرفت" in call.params["text"])
    bot.stop()

    log = bot.log()
    assert " DEBUG " in log
    assert sandbox_process.token not in log
    assert wrong_token not in log
    assert BOT_TOKEN not in log
    assert BOT_TOKEN.split(":", 1)[1] not in log


def test_token_in_group_rejected(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                 start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot()
    owner = Person(bot_api, GROUP_ID, OWNER_ID)
    admin = Person(bot_api, GROUP_ID, ADMIN_ID)
    assert "مجاز شد" in owner.send("/allow").params["text"]
    command = f"/connect {sandbox_process.url} {sandbox_process.token}"

    # The bot is a plain member, so Telegram refuses to delete someone else's message.
    mark = len(bot_api.calls)
    message_id = bot_api.send_text(GROUP_ID, ADMIN_ID, command)["message"]["message_id"]
    warning = bot_api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    assert "افشا" in warning.params["text"]
    assert "یکی از مدیران آن را پاک کند" in warning.params["text"]
    [delete] = bot_api.calls_of("deleteMessage", after=mark)
    assert int(delete.params["message_id"]) == message_id
    assert delete.error is not None
    assert bot_api.message(GROUP_ID, message_id) is not None

    bot_api.set_member_status(GROUP_ID, BOT_ID, "administrator")
    mark = len(bot_api.calls)
    message_id = bot_api.send_text(GROUP_ID, ADMIN_ID, command)["message"]["message_id"]
    warning = bot_api.wait_for("sendMessage", to_chat(GROUP_ID), after=mark, timeout=20)
    assert "افشا" in warning.params["text"]
    assert "پیام پاک شد" in warning.params["text"]
    [delete] = bot_api.calls_of("deleteMessage", after=mark)
    assert int(delete.params["message_id"]) == message_id
    assert delete.error is None
    assert bot_api.message(GROUP_ID, message_id) is None

    assert "هنوز حسابی به این گروه متصل نشده" in admin.send("/credit").params["text"]
    assert sandbox_process.requests() == []
    assert sandbox_process.token not in bot.log()


def test_database_has_no_token(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                               start_bot: Callable[..., BotProcess]) -> None:
    bot = start_bot()
    link_owner_chat(bot_api, sandbox_process)
    token = sandbox_process.token.encode()

    # While the bot runs, recent writes may sit in the write-ahead log beside the database file.
    files = sorted(bot.database_path.parent.glob(bot.database_path.name + "*"))
    contents = b"".join(path.read_bytes() for path in files)
    assert sandbox_process.url.encode() in contents  # the account row is in the files read
    assert token not in contents

    bot.stop()
    assert token not in bot.database_path.read_bytes()


def test_api_text_shown_literally(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                  start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = link_owner_chat(bot_api, sandbox_process)
    name = '<b>db</b> & "x"'
    sandbox_process.control("POST", "servers/61", {"name": name})
    insecure_link = "http://insecure.example/pay/1"
    sandbox_process.control("POST", "invoices", [{"id": 1, "amount": 100000, "link": insecure_link}])

    servers = owner.send("/vms")
    assert servers.error is None
    assert name in bot_api.last_message(OWNER_ID)["text"]

    invoices = owner.send("/invoices")
    assert invoices.error is None
    assert insecure_link in bot_api.last_message(OWNER_ID)["text"]
    assert [button for button in buttons(invoices) if "url" in button] == []


def test_follow_up_shows_power_state(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                     start_bot: Callable[..., BotProcess]) -> None:
    start_bot()
    owner = link_owner_chat(bot_api, sandbox_process)
    prompt_id = message_id_of(request_prompt(owner, send_server_list(owner)))
    mark, _ = owner.press(prompt_id, CONFIRM)
    owner.edit_of(prompt_id, mark, lambda call: "پذیرفت" in call.params["text"])

    follow_up = owner.edit_of(prompt_id, mark, lambda call: "وضعیت سرور اکنون" in call.params["text"],
                              timeout=12)
    assert "خاموش" in follow_up.params["text"]
    assert "پذیرفت" in follow_up.params["text"]
    assert len(sandbox_process.posts()) == 1


def test_undecided_prompt_expires_by_itself(bot_api: BotApiServer, sandbox_process: SandboxProcess,
                                            start_bot: Callable[..., BotProcess]) -> None:
    start_bot(extra_env={"ACTION_REQUEST_TTL_SECONDS": "5"})
    owner = link_owner_chat(bot_api, sandbox_process)
    prompt = request_prompt(owner, send_server_list(owner))
    prompt_id = message_id_of(prompt)

    expired = owner.edit_of(prompt_id, prompt.index + 1, timeout=15)
    assert "منقضی" in expired.params["text"]
    assert expired.time - prompt.time >= 5
    assert buttons(bot_api.message(OWNER_ID, prompt_id)) == []
    assert sandbox_process.posts() == []
