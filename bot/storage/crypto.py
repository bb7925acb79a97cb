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


def parse_keys(text: str) -> list[str]:
    """Split a key list: commas or new lines, newest key first."""
    return [key.strip() for key in text.replace("\n", ",").split(",") if key.strip()]


def key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE_NAME


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write the keys, newest first, readable by the owner only, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write("\n".join(keys) + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def load_keys(configured: str | None, data_dir: Path, *, may_create: bool) -> list[str]:
    """Return the configured keys, or those in the data folder's key file.

    The file is created with a new key (mode 0600) only when `may_create` is true, that is
    when no token is stored yet: a new key could not read tokens stored under a lost one.
    """
    if configured:
        return parse_keys(configured)
    path = key_file(data_dir)
    if path.exists():
        return parse_keys(path.read_text(encoding="ascii"))
    if not may_create:
        raise EncryptionKeyError(f"the key file {path} is missing, but the database contains tokens encrypted with it")
    key = generate_key()
    write_key_file(path, [key])
    logger.info("generated a new token encryption key in %s", path)
    return [key]
