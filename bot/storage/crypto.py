"""Encryption of HostIran API tokens at rest (Fernet: AES-128-CBC with HMAC-SHA256)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

logger = logging.getLogger(__name__)

KEY_FILE_NAME = "encryption.key"


class EncryptionKeyError(Exception):
    """The encryption key is malformed or does not decrypt the stored tokens."""


class TokenCipher:
    """Encrypts tokens with the first key and decrypts with any of them (for key rotation)."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise EncryptionKeyError("no encryption key given")
        try:
            self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])
        except (ValueError, UnicodeEncodeError) as error:
            raise EncryptionKeyError("the key is not a 32-byte url-safe base64 Fernet key") from error

    def encrypt(self, token: str) -> bytes:
        return self._fernet.encrypt(token.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        """Return the token; raise `EncryptionKeyError` when no key fits."""
        try:
            return self._fernet.decrypt(ciphertext).decode("utf-8")
        except InvalidToken as error:
            raise EncryptionKeyError("the encryption key does not decrypt a stored token") from error

    def rotate(self, ciphertext: bytes) -> bytes:
        """Re-encrypt under the first key."""
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken as error:
            raise EncryptionKeyError("the encryption key does not decrypt a stored token") from error


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def load_or_create_key(configured_key: str | None, data_dir: Path) -> str:
    """Return the configured key, or the one in `data_dir`, creating it (mode 0600) on first start."""
    if configured_key:
        return configured_key.strip()
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    logger.info("generated a new token encryption key in %s", path)
    return key
