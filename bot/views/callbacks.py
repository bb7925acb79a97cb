"""Callback data of inline buttons: short, ASCII, versioned and parsed strictly.

Layout: `<version>:<kind>:<fields>`, for example `1:a:61:poweroff`. Telegram allows 64 bytes;
the longest form here is well under 50. A button is never trusted: handlers re-check the chat,
the person who pressed it and the stored request.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,16}$")
PLAIN_ACTION_PATTERN = re.compile(r"^[a-z0-9_]{1,24}$")
ACTION_KEY_PATTERN = re.compile(r"^(?:[a-z0-9_]{1,24}|~[0-9a-f]{10})$")
ID_PATTERN = re.compile(r"^[1-9][0-9]{0,17}$")
PAGE_PATTERN = re.compile(r"^[1-9][0-9]{0,4}$")


class InvalidCallbackData(ValueError):
    """The callback data is malformed, of another version or of an unknown kind."""


@dataclass(frozen=True)
class RequestAction:
    """A press on a server's action button: ask for confirmation."""

    vm_id: int
    action_key: str


@dataclass(frozen=True)
class ConfirmRequest:
    request_id: str


@dataclass(frozen=True)
class CancelRequest:
    request_id: str


FILTER_CODES = {"all": "a", "on": "n", "off": "f", "due": "d"}
FILTERS_BY_CODE = {code: name for name, code in FILTER_CODES.items()}


@dataclass(frozen=True)
class ShowServerList:
    """A page of the server list under a filter.

    `refresh` reads the API instead of the cache; `named` says the list message has a name filter
    stored in the database, so only such presses look it up.
    """

    server_filter: str
    page: int
    refresh: bool = False
    named: bool = False


@dataclass(frozen=True)
class ShowServerCard:
    """One server's card; `server_filter` and `page` lead its back button to the same list page."""

    vm_id: int
    server_filter: str
    page: int
    refresh: bool = False
    named: bool = False


SETTING_VALUES = {"l": ("fa", "en"), "u": ("t", "r"), "q": ("1", "0")}


@dataclass(frozen=True)
class SetSetting:
    """A press on a `/settings` button: `key` l (language), u (money unit) or q (silent replies)."""

    key: str
    value: str


@dataclass(frozen=True)
class SetPolicy:
    """A press on one of `/policy`'s buttons: who may run server actions in the chat."""

    policy: str


POLICY_CODES = {"admins": "a", "members": "m", "owners": "o"}
POLICIES_BY_CODE = {code: policy for policy, code in POLICY_CODES.items()}

CallbackData = RequestAction | ConfirmRequest | CancelRequest | ShowServerList | ShowServerCard | SetPolicy | SetSetting


def action_key(action: str) -> str:
    """Return the action's name if it is short plain ASCII, otherwise a short hash of it.

    The API's action vocabulary is open, so a name may be long or non-ASCII; the hash is
    resolved against the server's fresh action list with `matches_action`.
    """
    if PLAIN_ACTION_PATTERN.match(action):
        return action
    return "~" + hashlib.sha256(action.encode("utf-8")).hexdigest()[:10]


def matches_action(key: str, action: str) -> bool:
    return action_key(action) == key


# Flags after a list or card's fields: r (refresh), n (named), or both, in that order.
VIEW_FLAGS = ("r", "n", "rn")


def _flags(refresh: bool, named: bool) -> str:
    flags = ""
    if refresh:
        flags += "r"
    if named:
        flags += "n"
    return f":{flags}" if flags else ""


def encode(data: CallbackData) -> str:
    match data:
        case RequestAction(vm_id, key):
            encoded = f"{VERSION}:a:{vm_id}:{key}"
        case ConfirmRequest(request_id):
            encoded = f"{VERSION}:y:{request_id}"
        case CancelRequest(request_id):
            encoded = f"{VERSION}:n:{request_id}"
        case ShowServerList(server_filter, page, refresh, named):
            encoded = f"{VERSION}:l:{FILTER_CODES[server_filter]}:{page}" + _flags(refresh, named)
        case ShowServerCard(vm_id, server_filter, page, refresh, named):
            encoded = f"{VERSION}:c:{vm_id}:{FILTER_CODES[server_filter]}:{page}" + _flags(refresh, named)
        case SetSetting(key, value):
            encoded = f"{VERSION}:s:{key}:{value}"
        case SetPolicy(policy):
            encoded = f"{VERSION}:o:{POLICY_CODES[policy]}"
        case _:
            raise TypeError(f"not callback data: {data!r}")
    if len(encoded.encode("ascii")) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {encoded!r}")
    return encoded


def decode(data: str | None) -> CallbackData:
    """Parse callback data, raising `InvalidCallbackData` for anything not made by `encode`."""
    if not data or len(data) > MAX_BYTES or not data.isascii():
        raise InvalidCallbackData("empty, too long or not ASCII")
    parts = data.split(":")
    if parts[0] != VERSION:
        raise InvalidCallbackData(f"unknown version {parts[0]!r}")
    kind, fields = (parts[1], parts[2:]) if len(parts) > 1 else ("", [])
    if kind == "a" and len(fields) == 2 and ID_PATTERN.match(fields[0]) and ACTION_KEY_PATTERN.match(fields[1]):
        return RequestAction(int(fields[0]), fields[1])
    if kind in ("y", "n") and len(fields) == 1 and REQUEST_ID_PATTERN.match(fields[0]):
        return ConfirmRequest(fields[0]) if kind == "y" else CancelRequest(fields[0])
    flags = fields[-1] if fields and fields[-1] in VIEW_FLAGS else ""
    refresh, named = "r" in flags, "n" in flags
    view_fields = fields[:-1] if flags else fields
    if kind == "l" and len(view_fields) == 2 and view_fields[0] in FILTERS_BY_CODE \
            and PAGE_PATTERN.match(view_fields[1]):
        return ShowServerList(FILTERS_BY_CODE[view_fields[0]], int(view_fields[1]), refresh, named)
    if kind == "c" and len(view_fields) == 3 and ID_PATTERN.match(view_fields[0]) \
            and view_fields[1] in FILTERS_BY_CODE and PAGE_PATTERN.match(view_fields[2]):
        return ShowServerCard(int(view_fields[0]), FILTERS_BY_CODE[view_fields[1]], int(view_fields[2]), refresh,
                              named)
    if kind == "s" and len(fields) == 2 and fields[1] in SETTING_VALUES.get(fields[0], ()):
        return SetSetting(fields[0], fields[1])
    if kind == "o" and len(fields) == 1 and fields[0] in POLICIES_BY_CODE:
        return SetPolicy(POLICIES_BY_CODE[fields[0]])
    raise InvalidCallbackData(f"malformed callback data of kind {kind!r}")
