"""A stand-in Telegram Bot API server for the tests, built on the standard library only.

The bot talks to it over real HTTP on 127.0.0.1, either as a child process (point
`TELEGRAM_API_BASE_URL` at `server.base_url` and `TELEGRAM_API_FILE_URL` at
`server.file_url`) or in-process through `telegram.Bot(token, base_url=..., base_file_url=...)`.
The test plays the users: `send_text`, `press` and `inline_query` queue updates that the
bot fetches with `getUpdates`, and `wait_for`, `messages` and `calls` show what the bot did.

Responses follow the shapes of the real Bot API closely enough for python-telegram-bot 22.8
to parse them, including the error texts the bot is expected to handle ("message is not
modified", "message to edit not found", "can't parse entities", "BUTTON_DATA_INVALID").
Only the methods listed in `BotApiServer.METHODS` are implemented. A call of any other
method is recorded and gets the 404 "Not Found" response that Telegram returns for
unknown methods.

Requests arrive as python-telegram-bot 22.8 sends them: form-encoded when no file is
attached, where strings are sent as they are and every other value (numbers, booleans,
`reply_markup`, `entities`, lists) as a JSON string, and multipart otherwise. JSON bodies
and query parameters are accepted too.
"""

from __future__ import annotations

import asyncio
import copy
import email.parser
import email.policy
import itertools
import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"

# Telegram limits, from the Bot API documentation (https://core.telegram.org/bots/api).
MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units of the text after entity parsing
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPDATES_PER_REQUEST = 100

MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})

# Descriptions of 400 errors, without the "Bad Request: " prefix that bad_request() adds.
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Parameters whose values are strings in the Bot API. Form-encoded requests carry them
# unencoded, so they must not go through json.loads: a message text "42" stays a string.
STRING_PARAMETERS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "language_code",
        "url",
        "title",
        "description",
        "short_description",
        "name",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "custom_title",
        "business_connection_id",
        "message_effect_id",
        "inline_message_id",
        "secret_token",
        "ip_address",
        "emoji",
        "photo",
        "audio",
        "document",
        "video",
        "animation",
        "voice",
        "video_note",
        "sticker",
        "thumbnail",
    }
)

# Fields of an InlineKeyboardButton of which exactly one must be set.
BUTTON_ACTION_FIELDS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
BUTTON_URL_SCHEMES = ("http://", "https://", "tg://")


class BotApiError(Exception):
    """An error response of the Bot API: HTTP status `error_code` and the JSON error body."""

    def __init__(
        self, error_code: int, description: str, parameters: JSONDict | None = None
    ) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = int(error_code)
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSONDict:
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> BotApiError:
    return BotApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


@dataclass
class Call:
    """One request the bot made, in arrival order.

    `params` contains the request parameters with JSON values decoded. `time` is in seconds
    from `time.monotonic()`. `index` is the position in `BotApiServer.calls`, so
    `after=call.index + 1` continues a search behind this call. `error` is the JSON error
    body when the server responded with an error, else None. `result` is the successful
    response's result, such as the Message that sendMessage created.
    """

    method: str
    params: JSONDict
    time: float
    index: int
    error: JSONDict | None = None
    result: Any = None


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as stored in `Call.params`."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass
class _Fault:
    error: BotApiError
    remaining: int


@dataclass
class _Delay:
    seconds: float
    remaining: int


# ---------------------------------------------------------------------------
# Telegram's HTML parse mode


# Tag names Telegram accepts in HTML parse mode and the entity type each one makes.
HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

# Telegram decodes all numeric character references but only these named ones.
_CHARACTER_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# Telegram strips leading and trailing whitespace from a message text.
# NOTE: Only ASCII whitespace is stripped here. Telegram may strip more characters.
_TRIMMED_WHITESPACE = " \t\r\n"


def utf16_length(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the parsed text
    attributes: dict[str, str]
    language: str | None = None


def _decode_reference(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED_REFERENCES[name]
    code_point = int(decimal) if decimal else int(hexadecimal, 16)
    try:
        return chr(code_point)
    except ValueError:
        return "\ufffd"


def _unescape(text: str) -> str:
    return _CHARACTER_REFERENCE.sub(_decode_reference, text)


def _entity_error(source: str, index: int, message: str, detail: str = "") -> BotApiError:
    """Make Telegram's error for HTML that fails at `index`, which it reports in UTF-8 bytes."""
    byte_offset = len(source[:index].encode("utf-8"))
    return bad_request(f"can't parse entities: {message} at byte offset {byte_offset}{detail}")


def _parse_attributes(source: str, index: int, tag_start: int) -> tuple[dict[str, str], int]:
    """Parse the attributes of a start tag from `index` and return them with the index after `>`."""
    attributes: dict[str, str] = {}
    length = len(source)
    while True:
        while index < length and source[index].isspace():
            index += 1
        if index >= length:
            raise _entity_error(source, tag_start, "Unclosed start tag")
        if source[index] == ">":
            return attributes, index + 1

        name_start = index
        while index < length and not source[index].isspace() and source[index] not in "=>":
            index += 1
        name = source[name_start:index].lower()
        while index < length and source[index].isspace():
            index += 1
        if index >= length or source[index] != "=":
            attributes[name] = ""
            continue

        index += 1
        while index < length and source[index].isspace():
            index += 1
        if index < length and source[index] in "\"'":
            quote = source[index]
            value_end = source.find(quote, index + 1)
            if value_end < 0:
                raise _entity_error(source, tag_start, "Unclosed start tag")
            value = source[index + 1 : value_end]
            index = value_end + 1
        else:
            value_start = index
            while index < length and not source[index].isspace() and source[index] != ">":
                index += 1
            value = source[value_start:index]
        attributes[name] = _unescape(value)


def _open_tag(source: str, tag_start: int, name: str, attributes: dict[str, str], start: int) -> _OpenTag:
    """Check the attributes that Telegram requires on a start tag."""
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise _entity_error(source, tag_start, 'Tag "span" must have class "tg-spoiler"')
    if name == "tg-emoji" and not attributes.get("emoji-id"):
        raise _entity_error(source, tag_start, 'Tag "tg-emoji" must have attribute "emoji-id"')
    tag = _OpenTag(name=name, start=start, attributes=attributes)
    language_class = attributes.get("class", "")
    if name == "code" and language_class.startswith("language-"):
        tag.language = language_class.removeprefix("language-")
    return tag


def _close_tag(tag: _OpenTag, end: int, open_tags: list[_OpenTag]) -> JSONDict | None:
    """Make the entity for a closed tag, or None when Telegram makes none."""
    parent = open_tags[-1] if open_tags else None
    if tag.name == "code" and parent is not None and parent.name == "pre" and parent.start == tag.start:
        # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
        parent.language = tag.language
        return None
    if end == tag.start:
        return None

    entity: JSONDict = {"type": HTML_ENTITY_TYPES[tag.name], "offset": tag.start, "length": end - tag.start}
    if tag.name == "a":
        href = tag.attributes.get("href")
        if not href:
            return None
        entity["url"] = href
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes["emoji-id"]
    return entity


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse text in Telegram's HTML parse mode into plain text and message entities.

    Raises BotApiError with Telegram's "can't parse entities" descriptions for what
    Telegram rejects: unsupported or unclosed tags, mismatched end tags and a bare `<`.
    A bare `&` that starts no known character reference stays as it is, as in Telegram.
    The text is not trimmed here.
    """
    parts: list[str] = []
    position = 0  # UTF-16 length of the text parsed so far
    open_tags: list[_OpenTag] = []
    entities: list[JSONDict] = []
    index = 0
    length = len(source)

    while index < length:
        char = source[index]
        if char == "&":
            match = _CHARACTER_REFERENCE.match(source, index)
            decoded = _decode_reference(match) if match else "&"
            index = match.end() if match else index + 1
            parts.append(decoded)
            position += utf16_length(decoded)
            continue
        if char != "<":
            run_end = index + 1
            while run_end < length and source[run_end] not in "<&":
                run_end += 1
            run = source[index:run_end]
            parts.append(run)
            position += utf16_length(run)
            index = run_end
            continue

        tag_start = index
        if source.startswith("</", index):
            if not open_tags:
                raise _entity_error(source, tag_start, "Unexpected end tag")
            name_end = index + 2
            while name_end < length and not source[name_end].isspace() and source[name_end] != ">":
                name_end += 1
            end_name = source[index + 2 : name_end].lower()
            while name_end < length and source[name_end].isspace():
                name_end += 1
            if name_end >= length or source[name_end] != ">":
                raise _entity_error(source, tag_start, "Unclosed end tag")
            tag = open_tags[-1]
            if end_name and end_name != tag.name:
                detail = f', expected "</{tag.name}>", found "</{end_name}>"'
                raise _entity_error(source, tag_start, "Unmatched end tag", detail)
            open_tags.pop()
            entity = _close_tag(tag, position, open_tags)
            if entity is not None:
                entities.append(entity)
            index = name_end + 1
            continue

        name_end = index + 1
        while name_end < length and not source[name_end].isspace() and source[name_end] != ">":
            name_end += 1
        if name_end >= length:
            raise _entity_error(source, tag_start, "Unclosed start tag")
        name = source[index + 1 : name_end].lower()
        if name not in HTML_ENTITY_TYPES:
            raise _entity_error(source, tag_start, f'Unsupported start tag "{name}"')
        attributes, index = _parse_attributes(source, name_end, tag_start)
        open_tags.append(_open_tag(source, tag_start, name, attributes, position))

    if open_tags:
        name = open_tags[-1].name
        raise bad_request(f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{name}"')

    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(parts), entities


def trim_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip leading and trailing whitespace as Telegram does, shortening the entities to match."""
    stripped = text.strip(_TRIMMED_WHITESPACE)
    if stripped == text:
        return text, entities
    lead = utf16_length(text[: len(text) - len(text.lstrip(_TRIMMED_WHITESPACE))])
    end_of_text = lead + utf16_length(stripped)
    trimmed_entities = []
    for entity in entities:
        start = max(entity["offset"], lead)
        end = min(entity["offset"] + entity["length"], end_of_text)
        if end > start:
            trimmed_entities.append({**entity, "offset": start - lead, "length": end - start})
    return stripped, trimmed_entities


# ---------------------------------------------------------------------------
# Request bodies


def decode_parameter(name: str, value: Any) -> Any:
    """Decode a JSON-encoded parameter value, keeping strings that are not JSON as they are."""
    if not isinstance(value, str) or name in STRING_PARAMETERS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse_multipart(content_type: str, body: bytes) -> JSONDict:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise bad_request("can't parse multipart/form-data body")
    params: JSONDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            charset = part.get_content_charset() or "utf-8"
            params[name] = data.decode(charset)
        else:
            params[name] = UploadedFile(filename, part.get_content_type(), data)
    return params


def parse_request_parameters(query: str, content_type: str, body: bytes) -> JSONDict:
    """Merge query parameters and the body into one dict, decoding JSON-encoded values.

    The body may be form-encoded, multipart or a JSON object. Body values win over query
    parameters of the same name.
    """
    raw: JSONDict = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";", 1)[0].strip().lower()
    if body:
        if media_type == "application/json":
            try:
                decoded_body = json.loads(body)
            except ValueError as error:
                raise bad_request(f"can't parse JSON body: {error}") from error
            if not isinstance(decoded_body, dict):
                raise bad_request("the JSON body must be an object")
            raw.update(decoded_body)
        elif media_type == "multipart/form-data":
            raw.update(_parse_multipart(content_type, body))
        else:
            # Form encoding, also used when the Content-Type is missing.
            try:
                form = body.decode("utf-8")
            except UnicodeDecodeError as error:
                raise bad_request(f"the form-encoded body is not valid UTF-8: {error}") from error
            raw.update(parse_qsl(form, keep_blank_values=True))
    return {name: decode_parameter(name, value) for name, value in raw.items()}


# ---------------------------------------------------------------------------
# The server


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], api: BotApiServer) -> None:
        super().__init__(address, _RequestHandler)
        self.api = api


class _RequestHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open, as python-telegram-bot's connection pool expects.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes. With Nagle's algorithm on, the body would
    # wait for the client's delayed ACK on every request (measured 40 ms here, on Linux).
    disable_nagle_algorithm = True
    server: _HttpServer

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        # The default handler logs the request line, and the path contains the bot token.
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        content_type = self.headers.get("Content-Type", "")
        status, payload = self.server.api.handle_request(url.path, url.query, content_type, body)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client stopped waiting, e.g. a long poll cancelled on shutdown.
            self.close_connection = True


class BotApiServer:
    """A stand-in Telegram Bot API server for one bot, on 127.0.0.1 unless `host` says otherwise.

    All state is guarded by one lock, and the condition built on it wakes long polls
    and `wait_for` whenever an update is queued or a call is recorded. A call's effects
    (a stored message, an edit) are applied under the same lock as its recording, so a
    test that finds the call also finds its effects.

    NOTE: Group privacy mode is not simulated. The bot receives every message that
    `send_text` queues, while the real bot in a group gets only commands, replies and
    mentions unless privacy mode is off.
    """

    # Implemented methods, keyed by lower-case name because Telegram matches method names
    # case-insensitively. The values are the canonical names, and `_api_<snake_case name>`
    # implements each.
    METHODS = {
        name.lower(): name
        for name in (
            "getMe",
            "logOut",
            "close",
            "setWebhook",
            "deleteWebhook",
            "getWebhookInfo",
            "getUpdates",
            "sendMessage",
            "editMessageText",
            "editMessageReplyMarkup",
            "deleteMessage",
            "answerCallbackQuery",
            "answerInlineQuery",
            "setMyCommands",
            "deleteMyCommands",
            "getMyCommands",
            "getChat",
            "getChatMember",
            "getChatAdministrators",
            "setChatMenuButton",
            "getChatMenuButton",
        )
    }

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "hostiran_test_bot",
        bot_id: int = 123456,
    ) -> None:
        self.token = token
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "HostIran Test Bot",
            "username": bot_username,
        }
        self._address = (host, port)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._condition = threading.Condition(threading.RLock())
        self._stopping = False
        self._stopped = False

        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[_Delay]] = {}

        self._users: dict[int, JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._member_statuses: dict[tuple[int, int], str] = {}
        # Messages by chat id and message id, user and bot messages alike, without deleted ones.
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._last_message_ids: dict[int, int] = {}
        self._callback_queries: dict[str, JSONDict] = {}
        self._inline_queries: dict[str, JSONDict] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}

        self._updates: list[JSONDict] = []
        self._webhook_url = ""
        self._next_update_id = 1
        self._allowed_updates: list[str] = []
        # Each getUpdates request takes a new generation, which ends a long poll of an older one.
        self._poll_generation = 0
        self._query_ids = itertools.count(4_000_000_000_000_000_001)

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port and serve requests on a daemon thread."""
        if self._httpd is not None:
            raise RuntimeError("the Bot API stand-in server is already started")
        self._httpd = _HttpServer(self._address, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"bot-api-stand-in:{self.port}",
            daemon=True,
        )
        self._thread.start()
        logger.info("Bot API stand-in server listening on %s:%d", self.host, self.port)
        return self

    def stop(self) -> None:
        """Stop serving. Waiting long polls return an empty list at once."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._httpd is None or self._stopped:
            return
        self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        logger.info("Bot API stand-in server on %s:%d stopped", self.host, self.port)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return self._httpd.server_address[0] if self._httpd else self._address[0]

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the Bot API stand-in server is not started: call start() first")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The URL the bot appends its token to, e.g. http://127.0.0.1:5555/bot."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # -- users and chats ----------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str = "fa",
        *,
        last_name: str | None = None,
    ) -> JSONDict:
        """Create or replace a user and their private chat, and return the User dict."""
        if user_id <= 0:
            raise ValueError(f"user id {user_id} is invalid: user ids are positive")
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: JSONDict = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            user["last_name"] = chat["last_name"] = last_name
        if username:
            user["username"] = chat["username"] = username
        if language_code:
            user["language_code"] = language_code
        with self._condition:
            self._users[user_id] = user
            self._chats[user_id] = chat
        return copy.deepcopy(user)

    def add_group(
        self, chat_id: int, title: str, type: str = "supergroup", *, username: str | None = None,
        is_forum: bool = False,
    ) -> JSONDict:
        """Create or replace a group or supergroup chat and return the Chat dict.

        A forum supergroup (`is_forum`) has topics: messages sent with a `message_thread_id`.
        """
        if chat_id >= 0:
            raise ValueError(f"group chat id {chat_id} is invalid: group chat ids are negative")
        if type not in ("group", "supergroup"):
            raise ValueError(f"chat type {type!r} is invalid: use 'group' or 'supergroup'")
        chat: JSONDict = {"id": chat_id, "type": type, "title": title}
        if username:
            chat["username"] = username
        if is_forum:
            chat["is_forum"] = True
        with self._condition:
            self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set the status getChatMember returns for a user, or for the bot, in a chat.

        `status` is one of the Bot API's values: creator, administrator, member,
        restricted, left or kicked. Users without a status are members.
        """
        if status not in MEMBER_STATUSES:
            raise ValueError(f"member status {status!r} is invalid: use one of {sorted(MEMBER_STATUSES)}")
        with self._condition:
            self._member_statuses[(chat_id, user_id)] = status

    # -- driving the bot as users -----------------------------------------------

    def send_text(
        self, chat_id: int, user_id: int, text: str, *, reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> JSONDict:
        """Queue a text message from a user and return the Update.

        A text that starts with a command gets a bot_command entity that covers the
        command and its @botname suffix, as Telegram adds it.
        """
        with self._condition:
            chat = self._chat_for_user_message(chat_id, user_id)
            message: JSONDict = {
                "message_id": self._next_message_id(chat_id),
                "from": self._users[user_id],
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            if reply_to_message_id is not None:
                message["reply_to_message"] = self._reply_target(chat_id, reply_to_message_id)
            if message_thread_id is not None:
                message["message_thread_id"] = message_thread_id
                message["is_topic_message"] = True
            self._store_message(message)
            return self._enqueue({"message": message})

    def edit_user_text(self, chat_id: int, message_id: int, text: str) -> JSONDict:
        """Let a user edit their earlier message, queue the edited_message Update and return it."""
        with self._condition:
            message = self._find_message(chat_id, message_id)
            if message is None or message["from"]["id"] == self.bot_user["id"]:
                raise LookupError(f"no user message {message_id} in chat {chat_id}")
            message["text"] = text
            message["edit_date"] = int(time.time())
            message.pop("entities", None)
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            return self._enqueue({"edited_message": message})

    def press(self, chat_id: int, user_id: int, message_id: int, data: str) -> JSONDict:
        """Queue a callback query for a press on a message of the bot and return the Update.

        `data` is sent as it is, whether or not the message has a button with that data,
        so tests can also press stale or forged buttons.
        """
        with self._condition:
            self._chat_for_user_message(chat_id, user_id)
            message = self._find_message(chat_id, message_id)
            if message is None:
                raise LookupError(f"message {message_id} not found in chat {chat_id}")
            query: JSONDict = {
                "id": str(next(self._query_ids)),
                "from": self._users[user_id],
                "message": message,
                "chat_instance": str(8_000_000_000_000 + chat_id),
                "data": data,
            }
            self._callback_queries[query["id"]] = {"query": query, "answer": None}
            return self._enqueue({"callback_query": query})

    def press_button(self, chat_id: int, user_id: int, message_id: int, label: str) -> JSONDict:
        """Press the callback button whose text is `label` (or contains it) and return the Update."""
        with self._condition:
            message = self._find_message(chat_id, message_id)
            if message is None:
                raise LookupError(f"message {message_id} not found in chat {chat_id}")
            buttons = [
                button
                for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for button in row
            ]
            matches = [button for button in buttons if button["text"] == label]
            if not matches:
                matches = [button for button in buttons if label in button["text"]]
            if len(matches) != 1 or "callback_data" not in matches[0]:
                labels = [button["text"] for button in buttons]
                raise LookupError(
                    f"expected one callback button labelled {label!r} on message {message_id} "
                    f"in chat {chat_id}, found {len(matches)}; the buttons are {labels}"
                )
            return self.press(chat_id, user_id, message_id, matches[0]["callback_data"])

    def inline_query(self, user_id: int, query: str, *, chat_type: str = "sender") -> JSONDict:
        """Queue an inline query from a user and return the Update."""
        with self._condition:
            if user_id not in self._users:
                raise LookupError(f"user {user_id} not found: create them with user() first")
            inline_query: JSONDict = {
                "id": str(next(self._query_ids)),
                "from": self._users[user_id],
                "query": query,
                "offset": "",
                "chat_type": chat_type,
            }
            self._inline_queries[inline_query["id"]] = {"query": inline_query, "answer": None}
            return self._enqueue({"inline_query": inline_query})

    # -- inspecting what the bot did --------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of all recorded calls; `len(server.calls)` is a mark for `wait_for`."""
        with self._condition:
            return list(self._calls)

    def calls_of(self, method: str, *, after: int = 0) -> list[Call]:
        """Return the recorded calls of one method from index `after` on."""
        method = self._canonical_method(method)
        with self._condition:
            return [call for call in self._calls[after:] if call.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        timeout: float = 10,
        after: int = 0,
    ) -> Call:
        """Return the first call of `method` at index `after` or later that matches `predicate`.

        Blocks until such a call arrives. Raises TimeoutError after `timeout` seconds, with
        the recent calls in the message. In a coroutine, use `wait_for_async` instead, so
        the event loop that runs the bot is not blocked.
        """
        method = self._canonical_method(method)
        deadline = time.monotonic() + timeout
        next_index = after
        with self._condition:
            while True:
                for call in self._calls[next_index:]:
                    if call.method == method and predicate(call):
                        return call
                next_index = max(next_index, len(self._calls))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._describe_timeout(method, timeout, after))
                self._condition.wait(remaining)

    async def wait_for_async(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        timeout: float = 10,
        after: int = 0,
    ) -> Call:
        """Run `wait_for` in a worker thread and return its call."""
        # NOTE: Cancelling this coroutine leaves the worker thread waiting until `timeout`.
        return await asyncio.to_thread(self.wait_for, method, predicate, timeout, after)

    def messages(self, chat_id: int) -> list[JSONDict]:
        """Return the bot's messages in a chat, oldest first, as they are after edits and deletions."""
        with self._condition:
            chat_messages = self._messages.get(chat_id, {})
            return [
                copy.deepcopy(message)
                for _, message in sorted(chat_messages.items())
                if message["from"]["id"] == self.bot_user["id"]
            ]

    def last_message(self, chat_id: int) -> JSONDict:
        """Return the bot's newest message in a chat; raises LookupError when there is none."""
        bot_messages = self.messages(chat_id)
        if not bot_messages:
            raise LookupError(f"the bot has no message in chat {chat_id}")
        return bot_messages[-1]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """Return any stored message, of a user or the bot, or None when it is deleted or unknown."""
        with self._condition:
            return copy.deepcopy(self._find_message(chat_id, message_id))

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """Return the commands set for a scope and language; the default scope when `scope` is None."""
        with self._condition:
            return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

    def callback_answer(self, callback_query_id: str) -> JSONDict | None:
        """Return the parameters of the bot's answer to a callback query, or None before it answers."""
        with self._condition:
            return copy.deepcopy(self._callback_queries[callback_query_id]["answer"])

    def pending_updates(self) -> list[JSONDict]:
        """Return the queued updates that the bot has not confirmed with a getUpdates offset yet."""
        with self._condition:
            return copy.deepcopy(self._updates)

    # -- faults -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Fail the next `times` calls of `method` with an error response instead of running them.

        The calls are still recorded. Without a description, one typical of the status is
        used, such as "Too Many Requests: retry after N" for 429. `retry_after` adds
        `parameters.retry_after`, which python-telegram-bot raises as RetryAfter.
        """
        if times < 1:
            raise ValueError(f"times={times} is invalid: use 1 or more")
        if description is None:
            description = _default_error_description(error_code, retry_after)
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        fault = _Fault(BotApiError(error_code, description, parameters), times)
        with self._condition:
            self._faults.setdefault(self._canonical_method(method), deque()).append(fault)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` before responding."""
        if times < 1:
            raise ValueError(f"times={times} is invalid: use 1 or more")
        with self._condition:
            self._delays.setdefault(self._canonical_method(method), deque()).append(_Delay(seconds, times))

    # -- request handling -------------------------------------------------------

    def handle_request(self, path: str, query: str, content_type: str, body: bytes) -> tuple[int, JSONDict]:
        """Handle one HTTP request and return the response status and JSON body."""
        segments = path.split("/")
        if len(segments) != 3 or segments[0] != "" or not segments[1].startswith("bot"):
            # Also file downloads under /file/bot<token>/: no files are stored.
            return HTTPStatus.NOT_FOUND, BotApiError(HTTPStatus.NOT_FOUND, "Not Found").to_json()
        token, method = segments[1].removeprefix("bot"), self._canonical_method(segments[2])
        if token != self.token:
            logger.warning("Bot API stand-in rejected a %s request: the bot token does not match", method)
            return HTTPStatus.UNAUTHORIZED, BotApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized").to_json()

        try:
            params = parse_request_parameters(query, content_type, body)
        except BotApiError as error:
            return self._error_response(self._record(method, {}), error)

        self._apply_delay(method)
        # Recording and running the call under one lock hold makes its effects visible
        # to every thread that finds the call.
        with self._condition:
            call = self._record(method, params)
            try:
                result = self._run_method(method, params)
                call.result = result
            except BotApiError as error:
                return self._error_response(call, error)
            except Exception as error:  # the test must get the failure as a response
                logger.exception("Bot API stand-in failed on %s", method)
                description = f"Internal Server Error: {error!r}"
                return self._error_response(call, BotApiError(HTTPStatus.INTERNAL_SERVER_ERROR, description))
        logger.debug("Bot API stand-in responded to %s", method)
        return HTTPStatus.OK, {"ok": True, "result": result}

    def _run_method(self, method: str, params: JSONDict) -> Any:
        fault = self._take_fault(method)
        if fault is not None:
            raise fault
        handler_name = self.METHODS.get(method.lower())
        if handler_name is None:
            raise BotApiError(HTTPStatus.NOT_FOUND, "Not Found")
        return getattr(self, f"_api_{_snake_case(handler_name)}")(params)

    def _canonical_method(self, method: str) -> str:
        return self.METHODS.get(method.lower(), method)

    def _record(self, method: str, params: JSONDict) -> Call:
        with self._condition:
            call = Call(method=method, params=params, time=time.monotonic(), index=len(self._calls))
            self._calls.append(call)
            self._condition.notify_all()
            return call

    def _error_response(self, call: Call, error: BotApiError) -> tuple[int, JSONDict]:
        body = error.to_json()
        with self._condition:
            call.error = body
        logger.debug("Bot API stand-in responded to %s with %s", call.method, error)
        return error.error_code, body

    def _take_fault(self, method: str) -> BotApiError | None:
        faults = self._faults.get(method)
        if not faults:
            return None
        fault = faults[0]
        fault.remaining -= 1
        if fault.remaining == 0:
            faults.popleft()
        return BotApiError(fault.error.error_code, fault.error.description, fault.error.parameters)

    def _apply_delay(self, method: str) -> None:
        with self._condition:
            delays = self._delays.get(method)
            if not delays:
                return
            delay = delays[0]
            delay.remaining -= 1
            if delay.remaining == 0:
                delays.popleft()
            deadline = time.monotonic() + delay.seconds
            while not self._stopping and (remaining := deadline - time.monotonic()) > 0:
                self._condition.wait(remaining)

    def _describe_timeout(self, method: str, timeout: float, after: int) -> str:
        recent = self._calls[-15:]
        lines = [
            f"  #{call.index} {call.method} {_summarize_params(call.params)}"
            + (f" -> {call.error['description']}" if call.error else "")
            for call in recent
        ]
        listing = "\n".join(lines) if lines else "  (none)"
        return (
            f"timed out after {timeout} s waiting for a matching {method} call at index {after} "
            f"or later. {len(self._calls)} calls recorded, the last {len(recent)}:\n{listing}"
        )

    # -- state helpers, for callers that hold the lock ---------------------------

    def _enqueue(self, payload: JSONDict) -> JSONDict:
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self._updates.append(copy.deepcopy(update))
        self._condition.notify_all()
        return copy.deepcopy(update)

    def _next_message_id(self, chat_id: int) -> int:
        message_id = self._last_message_ids.get(chat_id, 0) + 1
        self._last_message_ids[chat_id] = message_id
        return message_id

    def _store_message(self, message: JSONDict) -> None:
        self._messages.setdefault(message["chat"]["id"], {})[message["message_id"]] = message

    def _find_message(self, chat_id: int, message_id: int) -> JSONDict | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def _chat_for_user_message(self, chat_id: int, user_id: int) -> JSONDict:
        if user_id not in self._users:
            raise LookupError(f"user {user_id} not found: create them with user() first")
        if chat_id > 0 and chat_id != user_id:
            raise ValueError(f"user {user_id} cannot write in the private chat of user {chat_id}")
        if chat_id not in self._chats:
            raise LookupError(f"chat {chat_id} not found: create it with add_group() first")
        return self._chats[chat_id]

    def _reply_target(self, chat_id: int, message_id: int) -> JSONDict:
        target = self._find_message(chat_id, message_id)
        if target is None:
            raise LookupError(f"message {message_id} not found in chat {chat_id}")
        # Telegram does not nest a reply's own reply_to_message.
        return {key: value for key, value in target.items() if key != "reply_to_message"}

    def _chat_param(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        else:
            # "@username" addresses a public group. Private chats have no such address.
            username = str(chat_id).removeprefix("@")
            groups = [chat for chat in self._chats.values() if chat["id"] < 0]
            chat = next((group for group in groups if group.get("username") == username), None)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _member_status(self, chat_id: int, user_id: int) -> str:
        return self._member_statuses.get((chat_id, user_id), "member")

    def _chat_member(self, chat_id: int, user: JSONDict) -> JSONDict:
        status = self._member_status(chat_id, user["id"])
        member: JSONDict = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
                can_manage_topics=False,
            )
        elif status == "restricted":
            member.update(
                is_member=True,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_react_to_messages=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
                can_edit_tag=False,
                until_date=0,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _bot_can_delete_messages(self, chat_id: int) -> bool:
        return self._member_status(chat_id, self.bot_user["id"]) in ("creator", "administrator")

    # -- Bot API methods, called with the lock held ------------------------------

    def _api_get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_log_out(self, params: JSONDict) -> bool:
        return True

    def _api_close(self, params: JSONDict) -> bool:
        return True

    def _api_set_webhook(self, params: JSONDict) -> bool:
        # Updates are not delivered to the webhook: tests post them to each bot process themselves.
        url = params.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: an HTTPS URL must be provided for webhook")
        self._webhook_url = url
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_delete_webhook(self, params: JSONDict) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {"url": self._webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _api_get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = int(_number_param(params, "offset", 0))
        limit = int(_number_param(params, "limit", MAX_UPDATES_PER_REQUEST))
        limit = min(max(limit, 1), MAX_UPDATES_PER_REQUEST)
        timeout = max(_number_param(params, "timeout", 0), 0)
        if isinstance(params.get("allowed_updates"), list):
            # Like Telegram, the filter stays in force for later requests without it.
            self._allowed_updates = list(params["allowed_updates"])

        self._poll_generation += 1
        generation = self._poll_generation
        self._condition.notify_all()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise BotApiError(HTTPStatus.CONFLICT, GET_UPDATES_CONFLICT)
            self._confirm_updates(offset)
            ready = [update for update in self._updates if self._is_allowed(update)][:limit]
            if ready or self._stopping:
                return copy.deepcopy(ready)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._condition.wait(remaining)

    def _confirm_updates(self, offset: int) -> None:
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        elif offset < 0:
            # A negative offset keeps only the last -offset updates, as in the Bot API.
            self._updates = self._updates[offset:]

    def _is_allowed(self, update: JSONDict) -> bool:
        if not self._allowed_updates:
            return True
        return any(kind in update for kind in self._allowed_updates)

    def _api_send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat_param(params)
        text, entities = _message_text(params)
        reply_markup = _inline_markup(params)
        reply_to = self._reply_from_params(chat["id"], params)
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if reply_markup is not None:
            message["reply_markup"] = reply_markup
        if params.get("message_thread_id") is not None:
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        self._store_message(message)
        return copy.deepcopy(message)

    def _reply_from_params(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply_parameters = params.get("reply_parameters")
        if not isinstance(reply_parameters, dict):
            reply_parameters = {}
            if params.get("reply_to_message_id") is not None:
                reply_parameters = {
                    "message_id": params["reply_to_message_id"],
                    "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
                }
        message_id = reply_parameters.get("message_id")
        if message_id is None:
            return None
        reply_chat_id = reply_parameters.get("chat_id", chat_id)
        if self._find_message(reply_chat_id, message_id) is None:
            if reply_parameters.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return self._reply_target(reply_chat_id, message_id)

    def _editable_message(self, params: JSONDict) -> JSONDict:
        if params.get("inline_message_id"):
            # NOTE: Messages sent via inline mode are not stored, so they are never found.
            raise bad_request("message to edit not found")
        chat = self._chat_param(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self._find_message(chat["id"], message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message

    def _api_edit_message_text(self, params: JSONDict) -> JSONDict:
        message = self._editable_message(params)
        text, entities = _message_text(params)
        # Telegram removes the inline keyboard when an edit does not send one.
        reply_markup = _inline_markup(params)
        unchanged = (
            text == message["text"]
            and entities == message.get("entities", [])
            and reply_markup == message.get("reply_markup")
        )
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        _set_or_remove(message, "entities", entities or None)
        _set_or_remove(message, "reply_markup", reply_markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _api_edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message = self._editable_message(params)
        reply_markup = _inline_markup(params)
        if reply_markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        _set_or_remove(message, "reply_markup", reply_markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _api_delete_message(self, params: JSONDict) -> bool:
        chat = self._chat_param(params)
        message = self._find_message(chat["id"], params.get("message_id"))
        if message is None:
            raise bad_request("message to delete not found")
        from_bot = message["from"]["id"] == self.bot_user["id"]
        if chat["type"] != "private" and not from_bot and not self._bot_can_delete_messages(chat["id"]):
            # Deleting other people's messages in a group needs the bot to be an administrator.
            raise bad_request("message can't be deleted")
        del self._messages[chat["id"]][message["message_id"]]
        return True

    def _api_answer_callback_query(self, params: JSONDict) -> bool:
        entry = self._callback_queries.get(str(params.get("callback_query_id", "")))
        if entry is None:
            raise bad_request(QUERY_TOO_OLD)
        entry["answer"] = {
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert", False)),
            "url": params.get("url"),
            "cache_time": params.get("cache_time"),
        }
        return True

    def _api_answer_inline_query(self, params: JSONDict) -> bool:
        entry = self._inline_queries.get(str(params.get("inline_query_id", "")))
        if entry is None:
            raise bad_request(QUERY_TOO_OLD)
        entry["answer"] = {"results": params.get("results", []), "next_offset": params.get("next_offset")}
        return True

    def _api_set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("parameter \"commands\" must be an array of BotCommand")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("BOT_COMMAND_INVALID")
            # The Bot API documents 1-32 lowercase English letters, digits and underscores.
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands[key] = [
            {"command": command["command"], "description": command["description"]} for command in commands
        ]
        return True

    def _api_delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(_commands_key(params.get("scope"), params.get("language_code") or ""), None)
        return True

    def _api_get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        return copy.deepcopy(self._commands.get(key, []))

    def _api_get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._chat_param(params)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _api_get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._chat_param(params)
        user_id = params.get("user_id")
        user = self.bot_user if user_id == self.bot_user["id"] else self._users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return copy.deepcopy(self._chat_member(chat["id"], user))

    def _api_get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self._chat_param(params)
        if chat["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        administrators = []
        for (chat_id, user_id), status in sorted(self._member_statuses.items()):
            if chat_id != chat["id"] or status not in ("creator", "administrator"):
                continue
            user = self.bot_user if user_id == self.bot_user["id"] else self._users.get(user_id)
            if user is not None:
                administrators.append(self._chat_member(chat_id, user))
        return copy.deepcopy(administrators)

    def _api_set_chat_menu_button(self, params: JSONDict) -> bool:
        self._menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    def _api_get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        # A chat without its own button shows the bot's default one (chat_id None).
        button = self._menu_buttons.get(params.get("chat_id")) or self._menu_buttons.get(None)
        return copy.deepcopy(button or {"type": "default"})


# ---------------------------------------------------------------------------
# Helpers for message content


def _command_entities(text: str) -> list[JSONDict]:
    match = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(match.group())}]


def _message_text(params: JSONDict) -> tuple[str, list[JSONDict]]:
    """Return the text and entities Telegram would store for a sendMessage or edit request."""
    text = params.get("text")
    if text is None or text == "":
        raise bad_request("message text is empty")
    text = str(text)
    entities = params.get("entities")
    parse_mode = str(params.get("parse_mode") or "").lower()
    if entities is not None:
        # Entities given with the request replace parse_mode, so the text is taken as it is.
        if not isinstance(entities, list) or not all(isinstance(entity, dict) for entity in entities):
            raise bad_request("can't parse entities JSON object")
    elif parse_mode == "html":
        text, entities = parse_html(text)
    elif parse_mode in ("", "markdown", "markdownv2"):
        # NOTE: Markdown is not parsed. The text is stored with its markup characters.
        entities = []
    else:
        raise bad_request(f"unsupported parse_mode {params['parse_mode']!r}")

    text, entities = trim_text(text, entities)
    if not text:
        raise bad_request("message text is empty")
    if utf16_length(text) > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long")
    return text, entities


def _inline_markup(params: JSONDict) -> JSONDict | None:
    """Validate `reply_markup` and return it when it is an inline keyboard.

    Reply keyboards, ReplyKeyboardRemove and ForceReply return None because Telegram
    does not include them in the Message it returns.
    """
    reply_markup = params.get("reply_markup")
    if reply_markup is None:
        return None
    if not isinstance(reply_markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in reply_markup:
        return None
    rows = reply_markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
    for row in rows:
        for button in row:
            _check_button(button)
    return {"inline_keyboard": copy.deepcopy(rows)}


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = BUTTON_ACTION_FIELDS.intersection(button)
    if len(actions) != 1:
        raise bad_request("BUTTON_TYPE_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(BUTTON_URL_SCHEMES) or " " in url:
            raise bad_request("BUTTON_URL_INVALID")


def _number_param(params: JSONDict, name: str, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request(f"invalid {name} {value!r}: expected a number")
    return value


def _set_or_remove(message: JSONDict, key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def _commands_key(scope: Any, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


def _default_error_description(error_code: int, retry_after: int | None) -> str:
    if error_code == HTTPStatus.TOO_MANY_REQUESTS:
        return f"Too Many Requests: retry after {retry_after if retry_after is not None else 1}"
    if error_code == HTTPStatus.CONFLICT:
        return GET_UPDATES_CONFLICT
    try:
        return HTTPStatus(error_code).phrase
    except ValueError:
        return f"Error {error_code}"


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _summarize_params(params: JSONDict, max_length: int = 120) -> str:
    text = json.dumps(params, ensure_ascii=False, default=repr)
    return text if len(text) <= max_length else text[: max_length - 1] + "…"
