"""Formatting of numbers, money, dates, names and escaping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views.format import (
    TEHRAN,
    escape,
    format_date,
    format_money,
    format_number,
    isolate,
    relative_day,
    to_persian_digits,
)
from bot.views.messages import split_text


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (0, "fa", "۰"),
        (1234567, "fa", "۱٬۲۳۴٬۵۶۷"),
        (999, "fa", "۹۹۹"),
        (1234567, "en", "1,234,567"),
        (-1500, "fa", "-۱٬۵۰۰"),
    ],
)
def test_format_number(value: int, language: str, expected: str) -> None:
    assert format_number(value, language) == expected


@pytest.mark.parametrize(
    ("rials", "unit", "language", "expected"),
    [
        (500000, "toman", "fa", "۵۰٬۰۰۰ تومان"),
        (500000, "rial", "fa", "۵۰۰٬۰۰۰ ریال"),
        (565656, "toman", "fa", "۵۶٬۵۶۵٫۶ تومان"),
        (0, "toman", "fa", "۰ تومان"),
        (500000, "toman", "en", "50,000 tomans"),
        (10, "toman", "en", "1 toman"),
        (1088000, "rial", "en", "1,088,000 rials"),
    ],
)
def test_format_money(rials: int, unit: str, language: str, expected: str) -> None:
    assert format_money(rials, unit, language) == expected


def test_persian_digits_only_digits() -> None:
    assert to_persian_digits("id 61, 2022") == "id ۶۱, ۲۰۲۲"


def test_jalali_date_in_tehran_time() -> None:
    moment = datetime(2022, 6, 27, 17, 0, tzinfo=TEHRAN)
    assert format_date(moment, "fa") == "۶ تیر ۱۴۰۱، ساعت ۱۷:۰۰"


def test_jalali_date_from_utc() -> None:
    # 20:00 UTC on 20 March 2024 is 23:30 in Tehran, still 1 Farvardin 1403.
    moment = datetime(2024, 3, 20, 20, 0, tzinfo=UTC)
    assert format_date(moment, "fa") == "۱ فروردین ۱۴۰۳، ساعت ۲۳:۳۰"


def test_english_date_gregorian() -> None:
    moment = datetime(2022, 6, 27, 17, 0, tzinfo=TEHRAN)
    assert format_date(moment, "en") == "27 Jun 2022, 17:00 Tehran time"


@pytest.mark.parametrize(
    ("days", "fa", "en"),
    [(0, "امروز", "today"), (1, "فردا", "tomorrow"), (-1, "دیروز", "yesterday"),
     (3, "۳ روز دیگر", "in 3 days"), (-2, "۲ روز پیش", "2 days ago")],
)
def test_relative_day(days: int, fa: str, en: str) -> None:
    now = datetime(2026, 12, 4, 8, 0, tzinfo=TEHRAN)
    moment = now.replace(day=now.day + days) if days >= -3 else now
    assert relative_day(moment, now, "fa") == fa
    assert relative_day(moment, now, "en") == en


def test_relative_day_counts_tehran_calendar_days() -> None:
    # 21:00 UTC is already the next day in Tehran (UTC+03:30).
    now = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
    moment = datetime(2026, 12, 5, 9, 0, tzinfo=TEHRAN)
    assert relative_day(moment, now, "fa") == "امروز"


def test_escape_api_text() -> None:
    assert escape('<b>db</b> & "x"') == "&lt;b&gt;db&lt;/b&gt; &amp; &quot;x&quot;"


def test_isolate_wraps_in_first_strong_isolate() -> None:
    assert isolate("web") == "\u2068web\u2069"


def test_split_text_on_line_boundaries() -> None:
    lines = [f"line {number:04d} " + "x" * 40 for number in range(300)]
    parts = split_text("\n".join(lines), limit=1000)
    assert all(len(part) <= 1000 for part in parts)
    assert "\n".join(parts).split("\n") == lines


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_split_text_keeps_everything(message: str) -> None:
    parts = split_text(message, limit=100)
    assert all(len(part) <= 100 for part in parts)
    assert "".join(parts).replace("\n", "") == message.replace("\n", "")
