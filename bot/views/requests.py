"""Screens of an action request: the confirmation prompt and every outcome."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.hostiran.errors import HostIranError
from bot.hostiran.models import Server
from bot.storage.models import ActionRequest
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.errors import hostiran_error_text
from bot.views.format import escape, format_date, format_number, isolate
from bot.views.labels import (
    Locale,
    action_label,
    power_label,
    server_name,
    shorten,
    status_label,
)
from bot.views.screen import Screen

OUTCOME_KEYS = {
    "done": "request.done",
    "rejected": "request.rejected",
    "withdrawn": "request.withdrawn",
    "server_gone": "request.server_gone",
    "unknown": "request.unknown",
    "failed": "request.failed",
    "cancelled": "request.cancelled",
    "expired": "request.expired",
}


def prompt_screen(locale: Locale, request: ActionRequest, ttl_seconds: int) -> Screen:
    language = locale.language
    body = text(
        language, "request.prompt",
        vm=server_name(request.vm_name), vm_id=request.vm_id, action=action_label(language, request.action),
        requester=isolate(escape(shorten(request.requested_by_name, 64))),
        seconds=format_number(ttl_seconds, language),
    )
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(text(language, "request.confirm_button"),
                             callback_data=callbacks.encode(callbacks.ConfirmRequest(request.id))),
        InlineKeyboardButton(text(language, "request.cancel_button"),
                             callback_data=callbacks.encode(callbacks.CancelRequest(request.id))),
    ]])
    return Screen(body, keyboard)


def running_screen(locale: Locale, request: ActionRequest) -> Screen:
    language = locale.language
    return Screen(text(language, "request.running", action=action_label(language, request.action),
                       vm=server_name(request.vm_name)))


def fresh_state_line(locale: Locale, server: Server | None) -> str:
    language = locale.language
    if server is None:
        return text(language, "request.fresh_state_unavailable")
    actions = "، ".join(action_label(language, action) for action in server.actions) if language == "fa" \
        else ", ".join(action_label(language, action) for action in server.actions)
    return text(language, "request.fresh_state", status=status_label(language, server.status),
                power=power_label(language, server.power_status),
                actions=actions or text(language, "request.none"))


def outcome_screen(locale: Locale, request: ActionRequest, outcome: str, *, now: datetime,
                   server: Server | None = None, show_state: bool = False,
                   error: HostIranError | None = None, detail: str | None = None) -> Screen:
    """Return the final message of a request: what happened, who asked, who decided and when."""
    language = locale.language
    values = {"action": action_label(language, request.action), "vm": server_name(request.vm_name)}
    if outcome == "failed":
        values["error"] = hostiran_error_text(language, error).removeprefix("❌ ") if error else ""
    lines = [text(language, OUTCOME_KEYS[outcome], **values)]
    if detail:
        lines.append(text(language, "request.rejected_detail", detail=isolate(escape(shorten(detail, 300)))))
    if show_state:
        lines.append(fresh_state_line(locale, server))
    decider = request.decided_by_name or text(language, "request.none")
    lines.append("")
    lines.append(text(
        language, "request.audit_line",
        requester=isolate(escape(shorten(request.requested_by_name, 64))),
        decider=isolate(escape(shorten(decider, 64))),
        time=format_date(now, language),
    ))
    return Screen("\n".join(lines))


def no_request_screen(locale: Locale, server: Server | None, vm_id: int, action_key: str) -> Screen:
    """Return why no request was made for a pressed action: the server is gone or the action withdrawn.

    `action_key` is the pressed button's key: the action's name, or a hash for a long or non-ASCII name.
    """
    language = locale.language
    if server is None:
        return Screen(text(language, "request.server_gone", vm=isolate(str(vm_id))))
    action = action_label(language, action_key) if not action_key.startswith("~") else text(language, "vms.unknown")
    lines = [text(language, "request.withdrawn", action=action, vm=server_name(server.name)),
             fresh_state_line(locale, server)]
    return Screen("\n".join(lines))
