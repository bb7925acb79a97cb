"""Sample account data for the sandbox HostIran API.

The credit, the five invoices and the two cloud servers are the samples of the provider's
API page. Every function returns a fresh deep copy, so callers may change the result freely.
Amounts are in Iranian rials (IRR). `next_payment` is a naive `YYYY-MM-DD HH:MM:SS` in
Tehran local time (Asia/Tehran), as the provider sends it.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TEHRAN = ZoneInfo("Asia/Tehran")
NEXT_PAYMENT_FORMAT = "%Y-%m-%d %H:%M:%S"

# Actions that the provider lists for a server in each power state.
ACTIONS_WHEN_ON = ("poweroff", "reboot")
ACTIONS_WHEN_OFF = ("start", "reboot")

# Generated servers get ids from here upwards, so they never collide with the sample ids.
GENERATED_ID_OFFSET = 1000

_SAMPLE_CREDIT: dict[str, Any] = {"credit": 500000, "currency": "IRR"}

_SAMPLE_INVOICES: list[dict[str, Any]] = [
    {"id": 505022, "amount": 565656, "link": "https://hostiran.net/pay/505022"},
    {"id": 501383, "amount": 0, "link": "https://hostiran.net/pay/501383"},
    {"id": 501382, "amount": 0, "link": "https://hostiran.net/pay/501382"},
    {"id": 501121, "amount": 0, "link": "https://hostiran.net/pay/501121"},
    {"id": 501119, "amount": 0, "link": "https://hostiran.net/pay/501119"},
]

_SAMPLE_SERVERS: list[dict[str, Any]] = [
    {
        "id": 61,
        "name": "database",
        "next_payment": "2022-06-27 17:00:00",
        "next_payment_amount": 1088000,
        "status": "active",
        "power_status": "on",
        "actions": list(ACTIONS_WHEN_ON),
    },
    {
        "id": 60,
        "name": "web",
        "next_payment": "2022-06-27 17:00:00",
        "next_payment_amount": 1328000,
        "status": "active",
        "power_status": "off",
        "actions": list(ACTIONS_WHEN_OFF),
    },
]


def sample_credit() -> dict[str, Any]:
    """Return the provider's sample credit: 500000 IRR."""
    return copy.deepcopy(_SAMPLE_CREDIT)


def sample_invoices() -> list[dict[str, Any]]:
    """Return the provider's five sample unpaid invoices. Four of them have amount 0."""
    return copy.deepcopy(_SAMPLE_INVOICES)


def sample_servers() -> list[dict[str, Any]]:
    """Return the provider's two sample cloud servers: 61 "database" (on) and 60 "web" (off)."""
    return copy.deepcopy(_SAMPLE_SERVERS)


def generated_servers(count: int | None, now: datetime | None = None) -> list[dict[str, Any]]:
    """Make `count` cloud servers named vm-001, vm-002, ..., or the two samples if `count` is None.

    Server number n (from 1) has id 1000 + n. Every third server is powered off, the rest are
    on. Each renewal date is on the hour, on one of the 1st to 42nd days after the day of
    `now`, in Tehran local time.
    The output is the same for the same `count` and `now`. `now` defaults to the current
    time. A naive `now` is read as Tehran local time, and an aware one is converted to it.
    Raises ValueError if `count` is negative.
    """
    if count is None:
        return sample_servers()
    if count < 0:
        raise ValueError(f"server count must be 0 or more, got {count}")

    tehran_now = _tehran_now(now)
    name_width = max(3, len(str(count)))
    servers = []
    for number in range(1, count + 1):
        powered_on = number % 3 != 0
        days_ahead = 1 + (number * 11) % 42
        next_payment = (tehran_now + timedelta(days=days_ahead)).replace(
            hour=(number * 5) % 24, minute=0, second=0, microsecond=0
        )
        servers.append(
            {
                "id": GENERATED_ID_OFFSET + number,
                "name": f"vm-{number:0{name_width}d}",
                "next_payment": next_payment.strftime(NEXT_PAYMENT_FORMAT),
                "next_payment_amount": 500000 + (number * 17 % 40) * 50000,
                "status": "active",
                "power_status": "on" if powered_on else "off",
                "actions": list(ACTIONS_WHEN_ON if powered_on else ACTIONS_WHEN_OFF),
            }
        )
    return servers


def _tehran_now(now: datetime | None) -> datetime:
    """Return `now` (default: the current time) as a naive Tehran local time."""
    if now is None:
        return datetime.now(TEHRAN).replace(tzinfo=None)
    if now.tzinfo is None:
        return now
    return now.astimezone(TEHRAN).replace(tzinfo=None)
