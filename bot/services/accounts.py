"""Linking chats to HostIran accounts: the `/connect` dialog, deep links and token storage."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.hostiran import Credit, HostIranClient, normalize_base_url
from bot.logging_setup import redactor
from bot.services.context import ServiceContext
from bot.storage import accounts, connect
from bot.storage.crypto import EncryptionKeyError
from bot.storage.models import Account, ConnectDialog, ConnectLink

logger = logging.getLogger(__name__)

CONNECT_LINK_TTL = timedelta(minutes=10)
DIALOG_TTL = timedelta(minutes=15)
LINKED_SWEEP_THRESHOLD = 4096
STEP_BASE_URL = "base_url"
STEP_TOKEN = "token"



class StoredTokenError(Exception):
    """The chat's stored token cannot be decrypted with the configured key."""


@dataclass(frozen=True)
class LinkedAccount:
    chat_id: int
    base_url: str
    client: HostIranClient


class AccountService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        # chat id -> (the cached account row, its client), valid while the chat cache serves that row
        self._linked: dict[int, tuple[Account, LinkedAccount]] = {}

    def client(self, base_url: str, token: str) -> HostIranClient:
        # Any log line that would contain the token, e.g. in an exception, shows [REDACTED] instead.
        redactor.add(token)
        return HostIranClient(base_url, token, self._context.http)

    async def check_and_link(self, chat_id: int, base_url: str, token: str, linked_by: int) -> Credit:
        """Check the address and token with a credit request, then store the token encrypted.

        Raises the client's `HostIranError` subclasses, in which case nothing is stored.
        """
        client = self.client(base_url, token.strip())
        credit = await client.get_credit()
        ciphertext = self._context.cipher.encrypt(token.strip())
        async with self._context.sessions.begin() as session:
            await accounts.link(session, chat_id, client.base_url, ciphertext, linked_by, self._context.clock())
        self._context.chats.forget(chat_id)
        logger.info("chat %s linked to account %s by user %s", chat_id, client.base_url, linked_by)
        return credit

    async def linked_account(self, chat_id: int) -> LinkedAccount | None:
        """Return the chat's account with a client for it, from the chat cache when it is there."""
        cached = self._context.chats.get(chat_id)
        if cached is not None:
            account = cached.account
        else:
            async with self._context.sessions() as session:
                account = await accounts.for_chat(session, chat_id)
        if account is None:
            return None
        # Decrypting costs more than the rest of a cached lookup, so the client is kept as long as
        # the chat cache serves the same account row.
        reused = self._linked.get(chat_id)
        if reused is not None and reused[0] is account:
            return reused[1]
        try:
            token = self._context.cipher.decrypt(account.token_ciphertext)
        except EncryptionKeyError:
            logger.error("stored token of chat %s cannot be decrypted with the configured key", chat_id)
            raise StoredTokenError(chat_id) from None
        linked = LinkedAccount(chat_id, account.base_url, self.client(account.base_url, token))
        if cached is not None:
            if len(self._linked) > LINKED_SWEEP_THRESHOLD:
                self._linked.clear()
            self._linked[chat_id] = (account, linked)
        return linked

    async def unlink(self, chat_id: int, by_user_id: int) -> bool:
        async with self._context.sessions.begin() as session:
            removed = await accounts.unlink(session, chat_id)
        self._context.chats.forget(chat_id)
        if removed:
            logger.info("chat %s unlinked from its account by user %s", chat_id, by_user_id)
        return removed

    # The /connect dialog in a private chat

    async def start_dialog(self, chat_id: int, user_id: int, target_chat_id: int) -> None:
        dialog = ConnectDialog(chat_id=chat_id, user_id=user_id, target_chat_id=target_chat_id,
                               step=STEP_BASE_URL, base_url=None,
                               expires_at=self._context.clock() + DIALOG_TTL)
        async with self._context.sessions.begin() as session:
            await connect.save_dialog(session, dialog)

    async def dialog(self, chat_id: int) -> ConnectDialog | None:
        """Return the chat's unexpired dialog, dropping an expired one."""
        async with self._context.sessions.begin() as session:
            dialog = await connect.get_dialog(session, chat_id)
            if dialog is not None and dialog.expires_at <= self._context.clock():
                await connect.end_dialog(session, chat_id)
                return None
            return dialog

    async def set_dialog_base_url(self, chat_id: int, base_url: str) -> str:
        """Store the normalized address and move to the token step; raise `InvalidBaseURLError`."""
        normalized = normalize_base_url(base_url)
        async with self._context.sessions.begin() as session:
            dialog = await connect.get_dialog(session, chat_id)
            if dialog is not None:
                dialog.base_url = normalized
                dialog.step = STEP_TOKEN
                dialog.expires_at = self._context.clock() + DIALOG_TTL
        return normalized

    async def restart_dialog_at_base_url(self, chat_id: int) -> None:
        async with self._context.sessions.begin() as session:
            dialog = await connect.get_dialog(session, chat_id)
            if dialog is not None:
                dialog.step = STEP_BASE_URL
                dialog.base_url = None

    async def end_dialog(self, chat_id: int) -> bool:
        async with self._context.sessions.begin() as session:
            existed = await connect.get_dialog(session, chat_id) is not None
            await connect.end_dialog(session, chat_id)
        return existed

    # Deep links that move a group's /connect into a private chat

    async def create_link(self, group_chat_id: int, user_id: int) -> str:
        now = self._context.clock()
        payload = secrets.token_urlsafe(12)
        async with self._context.sessions.begin() as session:
            await connect.add_link(session, ConnectLink(payload=payload, group_chat_id=group_chat_id, user_id=user_id,
                                                        created_at=now, expires_at=now + CONNECT_LINK_TTL))
        logger.info("connect link created for group %s by user %s", group_chat_id, user_id)
        return payload

    async def claim_link(self, payload: str, user_id: int) -> ConnectLink | None:
        async with self._context.sessions.begin() as session:
            link = await connect.claim_link(session, payload, user_id, self._context.clock())
        if link is None:
            logger.info("connect link rejected for user %s: unknown, used, expired or someone else's", user_id)
        return link
