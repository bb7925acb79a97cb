"""Tests of the stand-in Bot API server, driven by python-telegram-bot's own `telegram.Bot`."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
)

from tests.support.bot_api import (
    DEFAULT_TOKEN,
    BotApiError,
    BotApiServer,
    UploadedFile,
    parse_html,
)

ALICE = 1001
BOB = 1002
GROUP = -1001234567890


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer() as api:
        api.user(ALICE, "Alice", username="alice")
        api.user(BOB, "Bob")
        api.add_group(GROUP, "Ops team")
        yield api


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=server.base_url, base_file_url=server.file_url) as telegram_bot:
        yield telegram_bot


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in buttons]])


def post_raw(server: BotApiServer, method: str, body: bytes, content_type: str, query: str = "") -> dict:
    url = f"{server.base_url}{DEFAULT_TOKEN}/{method}" + (f"?{query}" if query else "")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


async def test_get_me_parses(bot: Bot, server: BotApiServer) -> None:
    me = await bot.get_me()

    assert me.id == 123456
    assert me.is_bot is True
    assert me.username == "hostiran_test_bot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert server.calls_of("getMe")


async def test_send_message_keyboard_round_trip(bot: Bot, server: BotApiServer) -> None:
    markup = keyboard(("تایید", "confirm:abc"), ("لغو", "cancel:abc"))

    first = await bot.send_message(ALICE, "سلام", reply_markup=markup)
    second = await bot.send_message(ALICE, "دوباره")

    assert first.message_id == 1
    assert second.message_id == 2
    assert first.reply_markup == markup
    assert first.chat.id == ALICE
    assert first.from_user.id == 123456
    call = server.calls_of("sendMessage")[0]
    assert call.params["chat_id"] == ALICE
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "confirm:abc"
    stored = server.messages(ALICE)
    assert [message["text"] for message in stored] == ["سلام", "دوباره"]
    assert stored[0]["reply_markup"] == markup.to_dict()
    assert "reply_markup" not in server.last_message(ALICE)


async def test_send_message_numeric_text_stays_string(bot: Bot, server: BotApiServer) -> None:
    message = await bot.send_message(ALICE, "42")

    assert message.text == "42"
    assert server.calls_of("sendMessage")[0].params["text"] == "42"


async def test_send_message_html_becomes_entities(bot: Bot, server: BotApiServer) -> None:
    html = '  <b>موجودی</b>: ۱۲٬۰۰۰ &lt;ریال&gt; <a href="https://example.com/pay">پرداخت</a>\n'

    message = await bot.send_message(ALICE, html, parse_mode=ParseMode.HTML)

    assert message.text == "موجودی: ۱۲٬۰۰۰ <ریال> پرداخت"
    assert message.entities[0] == MessageEntity(MessageEntity.BOLD, 0, 6)
    assert message.entities[1].type == MessageEntity.TEXT_LINK
    assert message.entities[1].url == "https://example.com/pay"
    assert message.parse_entity(message.entities[1]) == "پرداخت"


async def test_send_message_rejects_bad_html(bot: Bot) -> None:
    # PTB drops "Bad Request: " and applies str.capitalize(), which lowercases the rest,
    # so error descriptions are matched case-insensitively.
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Unsupported start tag"):
        await bot.send_message(ALICE, "a < b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r'(?i)find end tag corresponding to start tag "b"'):
        await bot.send_message(ALICE, "<b>open", parse_mode=ParseMode.HTML)


def test_parse_html_error_offsets_are_bytes() -> None:
    with pytest.raises(BotApiError, match='Unsupported start tag "br" at byte offset 9'):
        parse_html("سلام <br>")  # four two-byte letters and a space
    with pytest.raises(BotApiError, match='Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'):
        parse_html("<b><i>x</b></i>")


def test_parse_html_pre_with_language() -> None:
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')

    assert text == "x = 1"
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_parse_html_offsets_are_utf16() -> None:
    text, entities = parse_html("😀 <i>x</i> &#128512;")

    assert text == "😀 x 😀"
    assert entities == [{"type": "italic", "offset": 3, "length": 1}]


async def test_send_message_rejects_long_callback_data(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "x", reply_markup=keyboard(("دکمه", "ب" * 33)))


async def test_send_message_unknown_chat(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "x")


async def test_edit_message_and_not_modified(bot: Bot, server: BotApiServer) -> None:
    sent = await bot.send_message(GROUP, "در حال اجرا", reply_markup=keyboard(("لغو", "cancel")))

    edited = await bot.edit_message_text("انجام شد", chat_id=GROUP, message_id=sent.message_id)

    assert edited.text == "انجام شد"
    assert edited.edit_date is not None
    assert edited.reply_markup is None, "an edit without reply_markup removes the keyboard"
    assert server.last_message(GROUP)["text"] == "انجام شد"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("انجام شد", chat_id=GROUP, message_id=sent.message_id)

    with_markup = await bot.edit_message_reply_markup(
        chat_id=GROUP, message_id=sent.message_id, reply_markup=keyboard(("بازگشت", "back"))
    )

    assert with_markup.reply_markup == keyboard(("بازگشت", "back"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=GROUP, message_id=sent.message_id, reply_markup=keyboard(("بازگشت", "back"))
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=GROUP, message_id=99)


async def test_get_updates_long_poll_command(bot: Bot, server: BotApiServer) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    server.send_text(GROUP, ALICE, "/start@hostiran_test_bot link-abc")

    updates = await poll

    assert time.monotonic() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message.text == "/start@hostiran_test_bot link-abc"
    assert message.chat.id == GROUP
    assert message.from_user.id == ALICE
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 24),)

    confirmed = await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)

    assert confirmed == ()
    assert server.pending_updates() == []


async def test_get_updates_callback_query(bot: Bot, server: BotApiServer) -> None:
    sent = await bot.send_message(ALICE, "سرور", reply_markup=keyboard(("خاموش", "off:7")))
    server.send_text(ALICE, ALICE, "سلام")
    server.press_button(ALICE, ALICE, sent.message_id, "خاموش")

    updates = await bot.get_updates(timeout=1)

    assert [update.update_id for update in updates] == [1, 2]
    query = updates[1].callback_query
    assert query.data == "off:7"
    assert query.from_user.id == ALICE
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == keyboard(("خاموش", "off:7"))
    assert updates[0].message.entities == ()

    assert await bot.answer_callback_query(query.id, text="انجام شد", show_alert=True)
    assert server.callback_answer(query.id)["text"] == "انجام شد"
    assert server.callback_answer(query.id)["show_alert"] is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("404")


async def test_get_updates_timeout_returns_empty(bot: Bot) -> None:
    started = time.monotonic()

    updates = await bot.get_updates(timeout=1)

    assert updates == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_get_updates_newer_poll_conflicts(bot: Bot, server: BotApiServer) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)

    # A second Bot, like a second bot process: one Bot has one connection for getUpdates.
    async with Bot(DEFAULT_TOKEN, base_url=server.base_url, base_file_url=server.file_url) as newer:
        await newer.get_updates(timeout=0)

    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await older


async def test_stop_releases_long_poll(bot: Bot, server: BotApiServer) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.2)
    started = time.monotonic()

    await asyncio.to_thread(server.stop)
    updates = await asyncio.wait_for(poll, timeout=3)

    assert updates == ()
    assert time.monotonic() - started < 2


async def test_get_chat_member_statuses(bot: Bot, server: BotApiServer) -> None:
    server.set_member_status(GROUP, ALICE, "administrator")
    server.set_member_status(GROUP, BOB, "creator")

    admin = await bot.get_chat_member(GROUP, ALICE)
    owner = await bot.get_chat_member(GROUP, BOB)
    member = await bot.get_chat_member(GROUP, 123456)
    administrators = await bot.get_chat_administrators(GROUP)

    assert isinstance(admin, ChatMemberAdministrator)
    assert admin.user.id == ALICE
    assert admin.can_delete_messages is True
    assert isinstance(owner, ChatMemberOwner)
    assert isinstance(member, ChatMemberMember)
    assert member.user.is_bot is True
    assert sorted(each.user.id for each in administrators) == [ALICE, BOB]


async def test_get_chat_full_info(bot: Bot) -> None:
    group = await bot.get_chat(GROUP)
    private = await bot.get_chat(ALICE)

    assert group.title == "Ops team"
    assert group.type == "supergroup"
    assert private.username == "alice"
    assert private.type == "private"


async def test_delete_message(bot: Bot, server: BotApiServer) -> None:
    sent = await bot.send_message(ALICE, "x")
    token_message = server.send_text(ALICE, ALICE, "secret-token")["message"]
    group_message = server.send_text(GROUP, BOB, "hello")["message"]

    assert await bot.delete_message(ALICE, sent.message_id)
    assert await bot.delete_message(ALICE, token_message["message_id"])
    assert server.messages(ALICE) == []
    assert server.message(ALICE, token_message["message_id"]) is None
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(GROUP, group_message["message_id"])

    server.set_member_status(GROUP, 123456, "administrator")

    assert await bot.delete_message(GROUP, group_message["message_id"])


async def test_set_my_commands_per_scope(bot: Bot, server: BotApiServer) -> None:
    scope = BotCommandScopeChat(GROUP)
    commands = [BotCommand("servers", "سرورها"), BotCommand("invoices", "صورت‌حساب‌ها")]

    assert await bot.set_my_commands(commands, scope=scope, language_code="fa")

    assert await bot.get_my_commands(scope=scope, language_code="fa") == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert server.commands(scope.to_dict(), "fa") == [
        {"command": "servers", "description": "سرورها"},
        {"command": "invoices", "description": "صورت‌حساب‌ها"},
    ]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Servers", "x")])

    assert await bot.delete_my_commands(scope=scope, language_code="fa")
    assert server.commands(scope.to_dict(), "fa") == []


async def test_wrong_token_is_unauthorized(server: BotApiServer) -> None:
    wrong = Bot("123456:WRONG", base_url=server.base_url, base_file_url=server.file_url)

    with pytest.raises(InvalidToken):
        await wrong.initialize()

    assert server.calls == []


# PTB 22 warns that RetryAfter.retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_retry_after(bot: Bot, server: BotApiServer) -> None:
    server.fail_next("sendMessage", 429, retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "x")
    message = await bot.send_message(ALICE, "y")

    assert caught.value.retry_after in (3, dtm.timedelta(seconds=3))
    assert message.text == "y"
    assert [message["text"] for message in server.messages(ALICE)] == ["y"]
    failed, succeeded = server.calls_of("sendMessage")
    assert failed.error == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert succeeded.error is None


async def test_fail_next_conflict_on_get_updates(bot: Bot, server: BotApiServer) -> None:
    server.fail_next("getUpdates", 409, times=2)

    for _ in range(2):
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)

    assert await bot.get_updates(timeout=0) == ()


async def test_unknown_method_is_404_and_recorded(bot: Bot, server: BotApiServer) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendGreeting", api_kwargs={"chat_id": ALICE})

    assert server.calls_of("sendGreeting")[0].params == {"chat_id": ALICE}
    assert server.calls_of("sendGreeting")[0].error["error_code"] == 404


def test_json_body_and_query_parameters(server: BotApiServer) -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    body = json.dumps({"text": "از JSON", "reply_markup": markup})

    answer = post_raw(server, "sendmessage", body.encode(), "application/json", query=f"chat_id={ALICE}")

    assert answer["ok"] is True
    assert answer["result"]["text"] == "از JSON"
    assert answer["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert server.calls[-1].method == "sendMessage"


def test_multipart_body_with_and_without_file(server: BotApiServer) -> None:
    with httpx.Client() as client:
        url = f"{server.base_url}{DEFAULT_TOKEN}"
        text_only = client.post(
            f"{url}/sendMessage",
            files=[("chat_id", (None, str(ALICE))), ("text", (None, "متن چندبخشی"))],
        )
        with_file = client.post(
            f"{url}/sendDocument",
            data={"chat_id": str(ALICE)},
            files={"document": ("report.txt", b"hello", "text/plain")},
        )

    assert text_only.json()["result"]["text"] == "متن چندبخشی"
    assert with_file.status_code == 404
    document = server.calls_of("sendDocument")[0].params["document"]
    assert document == UploadedFile("report.txt", "text/plain", b"hello")


def test_wait_for_timeout_lists_recent_calls(server: BotApiServer) -> None:
    post_raw(server, "getMe", b"", "application/x-www-form-urlencoded")

    with pytest.raises(TimeoutError, match=r"(?s)sendMessage.*#0 getMe"):
        server.wait_for("sendMessage", timeout=0.1)


async def test_wait_for_async_after_mark(bot: Bot, server: BotApiServer) -> None:
    await bot.send_message(ALICE, "old")
    mark = len(server.calls)
    sending = asyncio.create_task(bot.send_message(ALICE, "new"))

    call = await server.wait_for_async(
        "sendMessage", lambda call: call.params["text"] == "new", timeout=5, after=mark
    )

    await sending
    assert call.index >= mark
    assert server.last_message(ALICE)["text"] == "new"


async def test_application_polling_round_trip(server: BotApiServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("<b>منو</b>", reply_markup=keyboard(("سرورها", "servers")))

    async def servers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("فهرست سرورها")

    application = (
        ApplicationBuilder()
        .token(DEFAULT_TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(servers))

    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=10)
        mark = len(server.calls)
        server.send_text(ALICE, ALICE, "/start")
        await server.wait_for_async("sendMessage", after=mark, timeout=5)
        menu = server.last_message(ALICE)
        server.press_button(ALICE, ALICE, menu["message_id"], "سرورها")
        await server.wait_for_async("editMessageText", after=mark, timeout=5)
        await application.updater.stop()
        await application.stop()

    assert menu["text"] == "منو"
    assert menu["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert server.last_message(ALICE)["text"] == "فهرست سرورها"
    assert "reply_markup" not in server.last_message(ALICE)
    assert len(server.calls_of("answerCallbackQuery")) == 1
    assert server.pending_updates() == []
