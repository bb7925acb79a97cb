"""Re-encryption of every stored HostIran token under the newest key."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import accounts
from bot.storage.crypto import TokenCipher

logger = logging.getLogger(__name__)


async def first_stored_ciphertext(sessions: async_sessionmaker[AsyncSession]) -> bytes | None:
    async with sessions() as session:
        stored = await accounts.all_accounts(session)
    return stored[0].token_ciphertext if stored else None


async def rotate_tokens(sessions: async_sessionmaker[AsyncSession], cipher: TokenCipher) -> int:
    """Re-encrypt every token under the cipher's first key in one transaction; return how many.

    If any token cannot be decrypted, `EncryptionKeyError` is raised and nothing changes.
    """
    async with sessions.begin() as session:
        stored = await accounts.all_accounts(session)
        for account in stored:
            account.token_ciphertext = cipher.rotate(account.token_ciphertext)
    logger.info("re-encrypted %d stored tokens under the newest key", len(stored))
    return len(stored)
