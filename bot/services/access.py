"""Access rules: chat authorization by owners and the per-chat action policy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.services.context import ServiceContext
from bot.storage import accounts, chats
from bot.storage.models import Chat

logger = logging.getLogger(__name__)

UNAUTHORIZED_NOTICE_INTERVAL = timedelta(minutes=1)
POLICIES = ("admins", "members", "owners")
ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass(frozen=True)
class ChatSummary:
    chat_id: int
    type: str
    title: str | None
    authorized: bool
    has_account: bool


def may_act(policy: str, *, is_owner: bool, chat_type: str, member_status: str | None) -> bool:
    """Return whether a person may run server actions in a chat under its policy.

    Owners always may. In a private chat the only other person is the chat itself. Under
    `admins`, an unknown member status (the check failed) means no.
    """
    if is_owner:
        return True
    if chat_type == "private":
        return policy != "owners"
    if policy == "members":
        return member_status not in (None, "left", "kicked")
    if policy == "admins":
        return member_status in ADMIN_STATUSES
    return False


class AccessService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def see_chat(self, chat_id: int, chat_type: str, title: str | None) -> Chat:
        """Return the chat's row, recording it on first sight; an owner's private chat is authorized at once.

        The row and the chat's account come from the chat cache when it has them, unchanged.
        """
        cached = self._context.chats.get(chat_id)
        if cached is not None and cached.chat.type == chat_type and cached.chat.title == title:
            return cached.chat
        # One read serves a known, unchanged chat; only a new or changed one needs a write.
        async with self._context.sessions() as session:
            found = await chats.with_account(session, chat_id)
        if found is not None:
            chat, account = found
            owner_to_authorize = chat_type == "private" and self._context.is_owner(chat_id) \
                and not chat.authorized and chat.revoked_at is None
            if chat.type == chat_type and chat.title == title and not owner_to_authorize:
                self._context.chats.put(chat, account)
                return chat
        now = self._context.clock()
        async with self._context.sessions.begin() as session:
            chat = await chats.get_or_create(session, chat_id, chat_type, title, now)
            if chat_type == "private" and self._context.is_owner(chat_id) and not chat.authorized \
                    and chat.revoked_at is None:
                await chats.authorize(session, chat, chat_id, now)
                logger.info("authorized owner's private chat %s", chat_id)
            account = await accounts.for_chat(session, chat_id)
        self._context.chats.put(chat, account)
        return chat

    async def claim_unauthorized_notice(self, chat_id: int) -> bool:
        async with self._context.sessions.begin() as session:
            return await chats.claim_unauthorized_notice(session, chat_id, self._context.clock(),
                                                         UNAUTHORIZED_NOTICE_INTERVAL)

    async def authorize(self, chat_id: int, chat_type: str, title: str | None, by_user_id: int) -> None:
        now = self._context.clock()
        async with self._context.sessions.begin() as session:
            chat = await chats.get_or_create(session, chat_id, chat_type, title, now)
            await chats.authorize(session, chat, by_user_id, now)
        self._context.chats.forget(chat_id)
        logger.info("chat %s authorized by owner %s", chat_id, by_user_id)

    async def revoke(self, chat_id: int, by_user_id: int) -> bool:
        """Revoke a chat; return False if it was not authorized."""
        now = self._context.clock()
        async with self._context.sessions.begin() as session:
            chat = await chats.get(session, chat_id)
            if chat is None or not chat.authorized:
                return False
            await chats.revoke(session, chat, by_user_id, now)
        self._context.chats.forget(chat_id)
        logger.info("chat %s revoked by owner %s", chat_id, by_user_id)
        return True

    async def set_policy(self, chat_id: int, policy: str, by_user_id: int) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown action policy {policy!r}")
        async with self._context.sessions.begin() as session:
            chat = await chats.get(session, chat_id)
            if chat is not None:
                chat.action_policy = policy
        self._context.chats.forget(chat_id)
        logger.info("action policy of chat %s set to %s by user %s", chat_id, policy, by_user_id)

    async def update_settings(self, chat_id: int, by_user_id: int, *, language: str | None = None,
                              money_unit: str | None = None, silent: bool | None = None) -> None:
        """Change the chat's reading preferences; only the given ones change."""
        if language not in (None, "fa", "en") or money_unit not in (None, "toman", "rial"):
            raise ValueError(f"invalid settings: language={language!r} money_unit={money_unit!r}")
        async with self._context.sessions.begin() as session:
            chat = await chats.get(session, chat_id)
            if chat is None:
                return
            if language is not None:
                chat.language = language
            if money_unit is not None:
                chat.money_unit = money_unit
            if silent is not None:
                chat.silent = silent
        self._context.chats.forget(chat_id)
        logger.info("settings of chat %s changed by user %s: language=%s money_unit=%s silent=%s",
                    chat_id, by_user_id, language, money_unit, silent)

    async def known_chat(self, chat_id: int) -> Chat | None:
        async with self._context.sessions() as session:
            return await chats.get(session, chat_id)

    async def move_chat(self, old_id: int, new_id: int) -> bool:
        """Follow a group that became a supergroup: its authorization, settings and account move along."""
        async with self._context.sessions.begin() as session:
            moved = await chats.move(session, old_id, new_id, "supergroup", self._context.clock())
        self._context.chats.forget(old_id)
        self._context.chats.forget(new_id)
        if moved:
            logger.info("chat %s migrated to supergroup %s; its authorization and account moved along", old_id, new_id)
        else:
            logger.warning("chat %s migrated to %s, but nothing was moved: the old id is unknown or the new one "
                           "is already known", old_id, new_id)
        return moved

    async def language_of(self, chat_id: int) -> str:
        async with self._context.sessions() as session:
            chat = await chats.get(session, chat_id)
        return chat.language if chat else "fa"

    async def list_chats(self) -> list[ChatSummary]:
        async with self._context.sessions() as session:
            known = await chats.list_known(session)
            linked = {account.chat_id for account in await accounts.all_accounts(session)}
        return [ChatSummary(chat.id, chat.type, chat.title, chat.authorized, chat.id in linked) for chat in known]
