"""Callback data: short, ASCII, versioned and parsed strictly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views import callbacks
from bot.views.callbacks import (
    CancelRequest,
    ConfirmRequest,
    InvalidCallbackData,
    RequestAction,
    SetPolicy,
    SetSetting,
    ShowServerCard,
    ShowServerList,
    action_key,
    decode,
    encode,
    matches_action,
)


@pytest.mark.parametrize(
    "data",
    [RequestAction(61, "poweroff"), RequestAction(10**17, action_key("راه‌اندازی")), ConfirmRequest("AbC_-12345x"),
     CancelRequest("AbC_-12345x"), ShowServerList("off", 3), ShowServerList("due", 1, refresh=True), ShowServerCard(61, "all", 2), ShowServerCard(61, "off", 3, named=True), ShowServerList("all", 2, refresh=True, named=True), ShowServerList("on", 1, named=True), ShowServerCard(10**17, "due", 99999, refresh=True), SetSetting("l", "en"), SetPolicy("owners")],
)
def test_round_trip(data: callbacks.CallbackData) -> None:
    encoded = encode(data)
    assert decode(encoded) == data
    assert encoded.isascii()
    assert len(encoded.encode()) <= 48


@pytest.mark.parametrize(
    "data",
    ["", "2:a:61:poweroff", "1:a:0:poweroff", "1:a:61:", "1:a:61:PowerOff", "1:a:-1:reboot", "1:y:short",
     "1:y:has space in", "1:n:" + "a" * 17, "1:l:a:0", "1:l:x:1", "1:l:a:1:q", "1:c:61:a", "1:l:a:1:nr", "1:l:a:1:x", "1:c:61:a:1:rr", "1:s:l:de", "1:o:x", "1:p:1", "1:z:1", "1", "1:a:61:reboot:extra",
     "1:y:AbC_-12345x:1", "x" * 65, "1:a:61:راه"],
)
def test_malformed_rejected(data: str) -> None:
    with pytest.raises(InvalidCallbackData):
        decode(data)


def test_long_action_name_hashed() -> None:
    long_name = "power_cycle_with_firmware_update"
    key = action_key(long_name)
    assert key.startswith("~")
    assert matches_action(key, long_name)
    assert not matches_action(key, "reboot")


@given(st.text(max_size=80))
def test_decode_never_raises_other_errors(data: str) -> None:
    try:
        decode(data)
    except InvalidCallbackData:
        pass


@given(st.text(min_size=1, max_size=200), st.integers(min_value=1, max_value=10**17))
def test_any_action_encodes_within_limit(action: str, vm_id: int) -> None:
    encoded = encode(RequestAction(vm_id, action_key(action)))
    assert len(encoded.encode()) <= callbacks.MAX_BYTES
    assert decode(encoded) == RequestAction(vm_id, action_key(action))
