"""Names people read for API values: power states, statuses, actions, servers and people."""

from __future__ import annotations

from dataclasses import dataclass

from bot.views.catalog import has, text
from bot.views.format import escape, isolate

MAX_NAME_LENGTH = 48
POWER_EMOJI = {"on": "🟢", "off": "🔴"}


@dataclass(frozen=True)
class Locale:
    """A chat's reading preferences: language (`fa` or `en`) and money unit (`toman` or `rial`)."""

    language: str = "fa"
    money_unit: str = "toman"


def _known_or_raw(language: str, prefix: str, value: str) -> str:
    """Return the catalog's name for a value, or the raw value escaped and isolated."""
    if not value:
        return text(language, "vms.unknown")
    key = f"{prefix}.{value.lower()}"
    if has(language, key):
        return text(language, key)
    return isolate(escape(value))


def power_label(language: str, power_status: str) -> str:
    return _known_or_raw(language, "power", power_status)


def status_label(language: str, status: str) -> str:
    return _known_or_raw(language, "status", status)


def action_label(language: str, action: str) -> str:
    return _known_or_raw(language, "action", action)


def action_button_label(language: str, action: str) -> str:
    """Return an action's name for a button, where HTML is not parsed, so nothing is escaped."""
    key = f"action.{action.lower()}"
    return text(language, key) if has(language, key) else isolate(action)


def power_emoji(power_status: str) -> str:
    return POWER_EMOJI.get(power_status.lower(), "⚪️")


def shorten(name: str, limit: int = MAX_NAME_LENGTH) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def server_name(name: str) -> str:
    """Return a server name for HTML text: shortened, escaped and direction-isolated."""
    return isolate(escape(shorten(name)))


def person_name(first_name: str, last_name: str | None = None) -> str:
    full = f"{first_name} {last_name}" if last_name else first_name
    return isolate(escape(shorten(full, 64)))
