"""Message catalogs, one module per language; Persian is the default."""

from __future__ import annotations

from bot.views.catalog import en, fa

DEFAULT_LANGUAGE = "fa"
CATALOGS: dict[str, dict[str, str]] = {"fa": fa.MESSAGES, "en": en.MESSAGES}


def text(language: str, key: str, **values: object) -> str:
    """Return the message `key` in `language`, with `values` filled in.

    Values are inserted as given: callers escape anything that came from outside.
    """
    catalog = CATALOGS.get(language, CATALOGS[DEFAULT_LANGUAGE])
    return catalog[key].format(**values) if values else catalog[key]


def has(language: str, key: str) -> bool:
    return key in CATALOGS.get(language, CATALOGS[DEFAULT_LANGUAGE])
