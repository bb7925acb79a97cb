"""Number, money, date and bidi formatting for Persian and English screens."""

from __future__ import annotations

import html
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import jdatetime

TEHRAN = ZoneInfo("Asia/Tehran")

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PERSIAN_THOUSANDS_SEPARATOR = "\u066c"  # ARABIC THOUSANDS SEPARATOR, the Persian one
PERSIAN_DECIMAL_SEPARATOR = "\u066b"  # ARABIC DECIMAL SEPARATOR
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
RIALS_PER_TOMAN = 10


def escape(text: object) -> str:
    """Escape a value for Telegram's HTML parse mode."""
    return html.escape(str(text), quote=True)


def isolate(text: str) -> str:
    """Wrap text (usually Latin) so it keeps its own direction inside a right-to-left line."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def to_persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def format_number(value: int | Decimal, language: str) -> str:
    """Group thousands; Persian uses Persian digits with `٬` and `٫` as separators."""
    text = f"{value:,}"
    if language != "fa":
        return text
    text = text.replace(",", "\0").replace(".", PERSIAN_DECIMAL_SEPARATOR).replace("\0", PERSIAN_THOUSANDS_SEPARATOR)
    return to_persian_digits(text)


def format_money(rials: int, unit: str, language: str) -> str:
    """Format an amount given in rials in the chat's unit (`toman` or `rial`), with the unit's name."""
    if unit == "toman":
        amount = Decimal(rials) / RIALS_PER_TOMAN
        if amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))
        unit_name = "تومان" if language == "fa" else "toman"
    else:
        amount = Decimal(rials)
        unit_name = "ریال" if language == "fa" else "rial"
    if language != "fa" and unit == "toman" and abs(amount) != 1:
        unit_name = "tomans"
    elif language != "fa" and unit != "toman" and abs(amount) != 1:
        unit_name = "rials"
    return f"{format_number(amount, language)} {unit_name}"


def relative_day(moment: datetime, now: datetime, language: str) -> str:
    """Return a hint such as "۳ روز دیگر" or "دیروز", counting calendar days in Tehran."""
    days = (moment.astimezone(TEHRAN).date() - now.astimezone(TEHRAN).date()).days
    if language == "fa":
        if days == 0:
            return "امروز"
        if days == 1:
            return "فردا"
        if days == -1:
            return "دیروز"
        count = format_number(abs(days), "fa")
        return f"{count} روز دیگر" if days > 0 else f"{count} روز پیش"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def format_date(moment: datetime, language: str, now: datetime | None = None, *, with_time: bool = True) -> str:
    """Format a moment in Tehran time: Jalali with Persian month names in Persian, Gregorian in English.

    With `now`, a relative hint follows in parentheses.
    """
    local = moment.astimezone(TEHRAN)
    if language == "fa":
        jalali = jdatetime.datetime.fromgregorian(datetime=local.replace(tzinfo=None))
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}"
        if with_time:
            text += f"، ساعت {local:%H:%M}"
        text = to_persian_digits(text)
    else:
        text = f"{local.day} {local:%b %Y}"
        if with_time:
            text += f", {local:%H:%M} Tehran time"
    if now is not None:
        text += f" ({relative_day(moment, now, language)})"
    return text


def format_time(moment: datetime, language: str) -> str:
    """Format the time of day in Tehran, such as "۱۲:۰۵" or "12:05"."""
    local = f"{moment.astimezone(TEHRAN):%H:%M}"
    return to_persian_digits(local) if language == "fa" else local
