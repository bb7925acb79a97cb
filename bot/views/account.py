"""The credit screen."""

from __future__ import annotations

from bot.hostiran.models import Credit
from bot.views.catalog import text
from bot.views.format import format_money
from bot.views.labels import Locale
from bot.views.screen import Screen


def credit_screen(locale: Locale, credit: Credit) -> Screen:
    amount = format_money(credit.credit, locale.money_unit, locale.language)
    return Screen(text(locale.language, "credit.balance", amount=amount))
