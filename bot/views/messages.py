"""Splitting long replies to fit Telegram's message limit."""

from __future__ import annotations

TELEGRAM_TEXT_LIMIT = 4096


def split_text(message: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split text on line boundaries into parts of at most `limit` characters.

    A single line longer than the limit is cut, which only happens for abnormal input.
    """
    parts: list[str] = []
    current = ""
    for line in message.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
