"""Golden files of every screen, in Persian and English, so that any change to a screen shows in review.

Run `UPDATE_GOLDEN=1 python3 tasks.py test tests/test_screens_golden.py` to rewrite the files after an
intended change, then read the diff.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.hostiran import ActionRejectedError, TimedOutError
from bot.hostiran.models import Credit, Invoice, Server
from bot.sandbox import data
from bot.services.servers import select_servers, summarize
from bot.storage.models import ActionRequest
from bot.views.account import credit_screen
from bot.views.format import TEHRAN
from bot.views.invoices import invoice_card, invoices_screens
from bot.views.labels import Locale
from bot.views.requests import outcome_screen, prompt_screen
from bot.views.screen import Screen
from bot.views.servers import server_card_screen, server_list_screen
from bot.views.settings import menu_keyboard, settings_screen

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2022, 6, 24, 12, 0, tzinfo=TEHRAN)  # three days before the sample renewals
LANGUAGES = ("fa", "en")


def render(screen: Screen) -> str:
    """Render a screen as text: the HTML as sent, then each keyboard row with each button's target."""
    lines = [screen.text]
    if isinstance(screen.keyboard, InlineKeyboardMarkup):
        lines.append("---")
        for row in screen.keyboard.inline_keyboard:
            cells = []
            for button in row:
                target = (button.callback_data and f"data {button.callback_data}") or (button.url and f"url {button.url}") \
                    or (button.copy_text and f"copy {button.copy_text.text}") or "?"
                cells.append(f"[{button.text} → {target}]")
            lines.append(" ".join(cells))
    elif isinstance(screen.keyboard, ReplyKeyboardMarkup):
        lines.append("--- reply keyboard")
        lines += [" ".join(f"[{button.text}]" for button in row) for row in screen.keyboard.keyboard]
    return "\n".join(lines) + "\n"


def check(name: str, *screens: Screen) -> None:
    rendered = "\n=====\n".join(render(screen) for screen in screens)
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert rendered == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


def sample_servers() -> list[Server]:
    return TypeAdapter(list[Server]).validate_python(data.sample_servers())


def many_servers() -> list[Server]:
    return TypeAdapter(list[Server]).validate_python(data.generated_servers(57, now=NOW.replace(tzinfo=None)))


def sample_invoices() -> list[Invoice]:
    return TypeAdapter(list[Invoice]).validate_python(data.sample_invoices())


def request(state: str = "pending", decided: bool = False) -> ActionRequest:
    return ActionRequest(
        id="Ab3dEf6hIj0", chat_id=-1001234567890, message_id=77, requested_by=2002,
        requested_by_name="Sara Ahmadi", decided_by=2002 if decided else None,
        decided_by_name="Sara Ahmadi" if decided else None, vm_id=61, vm_name="database",
        action="poweroff", state=state, created_at=NOW, expires_at=NOW + timedelta(seconds=60),
    )


def list_page(locale: Locale, servers: list[Server], server_filter: str, page: int,
              name_query: str | None = None) -> Screen:
    selected = select_servers(select_servers(servers, "all", NOW, name_query), server_filter, NOW)
    return server_list_screen(locale, summarize(servers, NOW), selected, server_filter=server_filter, page=page,
                              now=NOW, fetched_at=NOW, name_query=name_query)


@pytest.mark.parametrize("language", LANGUAGES)
def test_credit(language: str) -> None:
    check(f"credit.{language}", credit_screen(Locale(language), Credit(credit=500000)),
          credit_screen(Locale(language, "rial"), Credit(credit=500000)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_list_sample(language: str) -> None:
    check(f"servers.sample.{language}", list_page(Locale(language), sample_servers(), "all", 1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_list_57(language: str) -> None:
    servers = many_servers()
    check(f"servers.57.{language}",
          list_page(Locale(language), servers, "all", 1),
          list_page(Locale(language), servers, "all", 3),
          list_page(Locale(language), servers, "off", 1),
          list_page(Locale(language), servers, "due", 1),
          list_page(Locale(language), servers, "all", 1, name_query="vm-01"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_card(language: str) -> None:
    servers = sample_servers()
    check(f"card.{language}",
          server_card_screen(Locale(language), servers[0], 61, server_filter="all", page=1, now=NOW, fetched_at=NOW),
          server_card_screen(Locale(language), None, 99, server_filter="off", page=2, now=NOW, fetched_at=NOW))


@pytest.mark.parametrize("language", LANGUAGES)
def test_invoices(language: str) -> None:
    check(f"invoices.{language}", *invoices_screens(Locale(language), sample_invoices()))


@pytest.mark.parametrize("language", LANGUAGES)
def test_invoice_card(language: str) -> None:
    invoice = sample_invoices()[0]
    check(f"invoice-card.{language}", invoice_card(Locale(language), invoice),
          invoice_card(Locale(language, "rial"), invoice))


@pytest.mark.parametrize("language", LANGUAGES)
def test_settings(language: str) -> None:
    check(f"settings.{language}", settings_screen(Locale(language), silent=False, group=False),
          settings_screen(Locale(language, "rial"), silent=True, group=True),
          Screen("", menu_keyboard(language)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_and_results(language: str) -> None:
    locale = Locale(language)
    server = sample_servers()[0]
    decided = request("done", decided=True)
    check(f"action.{language}",
          prompt_screen(locale, request(), 60),
          outcome_screen(locale, decided, "done", now=NOW),
          outcome_screen(locale, decided, "rejected", now=NOW, detail="<b>quota</b> exceeded"),
          outcome_screen(locale, decided, "withdrawn", now=NOW, server=server, show_state=True),
          outcome_screen(locale, decided, "unknown", now=NOW, server=server, show_state=True,
                         error=TimedOutError("timed out")),
          outcome_screen(locale, decided, "failed", now=NOW, error=ActionRejectedError("no")),
          outcome_screen(locale, decided, "cancelled", now=NOW),
          outcome_screen(locale, request("expired"), "expired", now=NOW))
