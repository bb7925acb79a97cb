"""The help screen and the owners' list of chats."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.access import ChatSummary
from bot.views.catalog import text
from bot.views.format import escape, isolate
from bot.views.labels import shorten
from bot.views.screen import Screen


def help_screen(language: str, *, private: bool, owner: bool, include_intro: bool) -> Screen:
    """List the commands this person can use in this chat."""
    lines = [text(language, "start"), ""] if include_intro else []
    lines.append(text(language, "help.title"))
    lines += [text(language, key) for key in ("help.credit", "help.invoices", "help.invoice_card", "help.vms",
                                               "help.vms_name", "help.audit")]
    lines.append(text(language, "help.settings_private" if private else "help.settings"))
    if not private:
        lines.append(text(language, "help.policy"))
    lines.append(text(language, "help.connect_private" if private else "help.connect_group"))
    lines.append(text(language, "help.disconnect"))
    if private:
        lines.append(text(language, "help.cancel"))
    lines.append(text(language, "help.help"))
    if not private:
        lines += ["", text(language, "help.group_hint")]
    lines += ["", text(language, "help.inline")]
    if owner:
        lines += ["", text(language, "help.owner_title")]
        lines += [text(language, key) for key in ("help.allow", "help.revoke", "help.chats", "help.audit_owner")]
    return Screen("\n".join(lines))


def chats_screen(language: str, summaries: Sequence[ChatSummary]) -> Screen:
    authorized = [summary for summary in summaries if summary.authorized]
    revoked = [summary for summary in summaries if not summary.authorized]
    if not authorized and not revoked:
        return Screen(text(language, "access.chats_none"))
    lines = [text(language, "access.chats_title")]
    if not authorized:
        lines.append(text(language, "access.chats_none"))
    lines += [_chat_line(language, summary) for summary in authorized]
    if revoked:
        lines += ["", text(language, "access.chats_revoked_title")]
        lines += [_chat_line(language, summary) for summary in revoked]
    return Screen("\n".join(lines))


def _chat_line(language: str, summary: ChatSummary) -> str:
    if summary.type == "private":
        title = text(language, "access.chat_private")
        if summary.title:
            title += f" {isolate(escape(shorten(summary.title, 40)))}"
    else:
        title = isolate(escape(shorten(summary.title or "", 40)))
    account = text(language, "access.account_linked" if summary.has_account else "access.account_missing")
    return text(language, "access.chats_line", title=title, chat_id=summary.chat_id, account=account)
