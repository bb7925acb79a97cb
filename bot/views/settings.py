"""The `/settings` screen and the reply keyboard of private chats."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.views import callbacks
from bot.views.catalog import CATALOGS, text
from bot.views.labels import Locale
from bot.views.screen import Screen

MENU_BUTTONS = ("credit", "invoices", "vms", "settings")


def settings_screen(locale: Locale, *, silent: bool, group: bool) -> Screen:
    language = locale.language
    lines = [
        text(language, "settings.title"),
        text(language, "settings.language", value=text(language, f"language.{language}")),
        text(language, "settings.unit", value=text(language, f"unit.{locale.money_unit}")),
    ]
    if group:
        lines.append(text(language, "settings.silent", value=text(language, "settings.on" if silent else "settings.off")))

    def button(label: str, chosen: bool, key: str, value: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(("✅ " if chosen else "") + label,
                                    callback_data=callbacks.encode(callbacks.SetSetting(key, value)))

    rows = [
        [button(text(language, "language.fa"), language == "fa", "l", "fa"),
         button(text(language, "language.en"), language == "en", "l", "en")],
        [button(text(language, "unit.toman"), locale.money_unit == "toman", "u", "t"),
         button(text(language, "unit.rial"), locale.money_unit == "rial", "u", "r")],
    ]
    if group:
        label = "🔕 " + text(language, "settings.silent", value=text(language, "settings.on" if silent else "settings.off"))
        rows.append([InlineKeyboardButton(label, callback_data=callbacks.encode(
            callbacks.SetSetting("q", "0" if silent else "1")))])
    return Screen("\n".join(lines), InlineKeyboardMarkup(rows))


def menu_keyboard(language: str) -> ReplyKeyboardMarkup:
    """Return the private chat's reply keyboard: the main commands as buttons."""
    labels = [text(language, f"button.{name}") for name in MENU_BUTTONS]
    return ReplyKeyboardMarkup([[KeyboardButton(labels[0]), KeyboardButton(labels[1])],
                                [KeyboardButton(labels[2]), KeyboardButton(labels[3])]],
                               resize_keyboard=True, is_persistent=True)


def menu_command(label: str) -> str | None:
    """Return the command a reply-keyboard label stands for, in any language, or None."""
    for catalog in CATALOGS.values():
        for name in MENU_BUTTONS:
            if catalog[f"button.{name}"] == label.strip():
                return name
    return None


def menu_labels() -> list[str]:
    return [catalog[f"button.{name}"] for catalog in CATALOGS.values() for name in MENU_BUTTONS]
