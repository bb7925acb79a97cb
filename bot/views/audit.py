"""The `/policy` screen and the `/audit` log."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.actions import API_DETAIL_PREFIX
from bot.storage.models import ActionRequest
from bot.views import callbacks
from bot.views.catalog import text
from bot.views.format import escape, format_date, isolate
from bot.views.labels import Locale, action_label, server_name, shorten
from bot.views.screen import Screen

POLICIES = ("admins", "members", "owners")


def policy_screen(language: str, current: str) -> Screen:
    rows = [
        [InlineKeyboardButton(("✅ " if policy == current else "") + text(language, f"policy.{policy}"),
                              callback_data=callbacks.encode(callbacks.SetPolicy(policy)))]
        for policy in POLICIES
    ]
    return Screen(text(language, "policy.title", current=text(language, f"policy.{current}")),
                  InlineKeyboardMarkup(rows))


def audit_screen(locale: Locale, requests: Sequence[ActionRequest], chat_id: int, *, other_chat: bool) -> Screen:
    """List action requests newest first: when, what, on which server, the outcome, who asked and decided."""
    language = locale.language
    title = text(language, "audit.title_other", chat_id=chat_id) if other_chat else text(language, "audit.title")
    if not requests:
        return Screen(f"{title}\n{text(language, 'audit.none')}")
    lines = [title]
    for request in requests:
        decider = request.decided_by_name or text(language, "request.none")
        lines.append(text(
            language, "audit.line",
            time=format_date(request.created_at, language),
            action=action_label(language, request.action),
            vm=server_name(request.vm_name), vm_id=request.vm_id,
            state=text(language, f"state.{request.state}"),
            requester=isolate(escape(shorten(request.requested_by_name, 64))),
            decider=isolate(escape(shorten(decider, 64))),
        ))
        if request.detail and request.detail.startswith(API_DETAIL_PREFIX):
            api_text = request.detail.removeprefix(API_DETAIL_PREFIX)
            lines.append(text(language, "audit.detail", detail=isolate(escape(shorten(api_text, 200)))))
    return Screen("\n".join(lines))
