"""In-process stand-ins for the benchmarks: Telegram and HostIran as httpx mock transports, and updates.

Both transports respond without any network I/O, with bodies of the shapes that python-telegram-bot
22.8 and `bot.hostiran` parse, so a measurement contains only the bot's own work. The HostIran
transport can add an asyncio sleep per request to play an API with latency.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx
from telegram.request import HTTPXRequest

from bot.sandbox import data

JSONDict = dict[str, Any]

BOT_TOKEN = "123456:BENCHMARK-TOKEN-abcdefghijklmnopqrstuvwxyz"
BOT_USER: JSONDict = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Benchmark Bot",
    "username": "hostiran_benchmark_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
# Nothing listens on this address, because the mock transports handle every request in-process.
UNUSED_BASE_URL = "http://127.0.0.1:9"
HOSTIRAN_TOKEN = "benchmark-hostiran-token"

# Bot API methods whose result is a Message. Every other method returns `true`.
MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


@dataclass
class SentCall:
    """One Bot API call as the mock transport received it. `time` is from `time.perf_counter()`."""

    method: str
    params: JSONDict
    time: float
    message_id: int | None = None  # of the Message in the result, for message methods


class TelegramMock:
    """A Bot API that responds to each call at once and records the calls that carry a chat id.

    `on_call`, when set, is called with each recorded call, so a benchmark can stop waiting as
    soon as the reply it waits for has been sent.
    """

    def __init__(self) -> None:
        self.calls: list[SentCall] = []
        self.on_call: Callable[[SentCall], None] | None = None
        self._message_ids = itertools.count(1_000)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def request(self) -> HTTPXRequest:
        """Return a python-telegram-bot request object that sends through this mock."""
        return HTTPXRequest(httpx_kwargs={"transport": self.transport()})

    def count(self, method: str) -> int:
        return sum(1 for call in self.calls if call.method == method)

    def last(self, method: str) -> SentCall:
        return next(call for call in reversed(self.calls) if call.method == method)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        params = _decode_form(request.content)
        if method == "getMe":
            result: Any = BOT_USER
        elif method == "getUpdates":
            result = []
        elif method == "getChatMember":
            result = {"status": "member", "user": {"id": int(params.get("user_id", 1)), "is_bot": False,
                                                   "first_name": "Member"}}
        elif method in MESSAGE_METHODS:
            result = self._message(method, params)
        else:
            result = True
        if "chat_id" in params:
            message_id = result["message_id"] if isinstance(result, dict) and "message_id" in result else None
            call = SentCall(method, params, time.perf_counter(), message_id)
            self.calls.append(call)
            if self.on_call is not None:
                self.on_call(call)
        return httpx.Response(200, json={"ok": True, "result": result})

    def _message(self, method: str, params: JSONDict) -> JSONDict:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"]) if "message_id" in params else next(self._message_ids)
        message: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": private_chat(chat_id) if chat_id > 0 else {"id": chat_id, "type": "supergroup",
                                                                "title": "Group"},
            "from": BOT_USER,
            "text": str(params.get("text", "")),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if method != "sendMessage":
            message["edit_date"] = int(time.time())
        return message


def _decode_form(body: bytes) -> JSONDict:
    """Decode a python-telegram-bot request body: form fields whose non-string values are JSON."""
    params: JSONDict = {}
    for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        try:
            params[name] = json.loads(value) if name not in ("text", "callback_query_id") else value
        except ValueError:
            params[name] = value
    return params


class HostIranMock:
    """The HostIran API with the sandbox's sample data and `server_count` generated servers.

    `delay` seconds of asyncio sleep precede every response, which plays network and API latency
    without using a thread or a socket.
    """

    def __init__(self, server_count: int, delay: float = 0.0) -> None:
        self.delay = delay
        self.requests = 0
        self._credit = json.dumps(data.sample_credit()).encode()
        self._invoices = json.dumps(data.sample_invoices()).encode()
        self._servers = data.generated_servers(server_count)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.headers.get("token") != HOSTIRAN_TOKEN:
            return httpx.Response(401, json={"message": "Unauthenticated."})
        path = request.url.path
        if path == "/v1/credit":
            return _json_bytes(self._credit)
        if path == "/v1/invoice":
            return _json_bytes(self._invoices)
        if path == "/v1/cloud":
            per_page = int(request.url.params.get("perPage", "10"))
            page = int(request.url.params.get("page", "1"))
            first = (page - 1) * per_page
            body = {"data": self._servers[first:first + per_page],
                    "pagination": {"current_page": page, "total": len(self._servers), "per_page": per_page}}
            return httpx.Response(200, json=body)
        return httpx.Response(404, json={"message": f"No API endpoint at {path}."})


def _json_bytes(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})


# ---------------------------------------------------------------------------
# Updates, as Telegram sends them


_update_ids = itertools.count(1)
_user_message_ids = itertools.count(1)


def private_chat(user_id: int) -> JSONDict:
    return {"id": user_id, "type": "private", "first_name": f"User {user_id}"}


def user(user_id: int) -> JSONDict:
    return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}", "language_code": "fa"}


def command_update(user_id: int, text: str) -> JSONDict:
    """Return an Update with a private text message that starts with a command, such as `/credit`."""
    command_length = len(text.split(" ", 1)[0])
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_user_message_ids),
            "date": int(time.time()),
            "chat": private_chat(user_id),
            "from": user(user_id),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": command_length}],
        },
    }


def press_update(user_id: int, message_id: int, callback_data: str, message_text: str = "…") -> JSONDict:
    """Return an Update with a press of an inline button under the bot's message `message_id`."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids) + 5_000_000_000),
            "from": user(user_id),
            "chat_instance": f"instance-{user_id}",
            "data": callback_data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": private_chat(user_id),
                "from": BOT_USER,
                "text": message_text,
            },
        },
    }
