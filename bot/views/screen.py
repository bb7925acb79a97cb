"""The unit a view returns: one message's HTML text and its keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup


@dataclass(frozen=True)
class Screen:
    """One message to send: HTML text and an optional keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None


def rows_of(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out `width` to a row, which keeps their labels readable on a phone."""
    return [buttons[start:start + width] for start in range(0, len(buttons), width)]
