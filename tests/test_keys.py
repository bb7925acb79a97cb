"""Token encryption keys: `hostiran-bot rotate-key`, start checks of `hostiran-bot run`, nothing in clear."""

from __future__ import annotations

import re
import secrets
import sqlite3
import stat
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot.sandbox.server import SandboxServer
from bot.services.access import AccessService
from bot.services.accounts import AccountService
from bot.services.context import ServiceContext
from bot.storage.crypto import (
    EncryptionKeyError,
    TokenCipher,
    generate_key,
    key_file,
    load_keys,
    parse_keys,
)
from bot.storage.database import create_engine, create_session_factory
from tests.support.settings import (
    OWNER_ID,
    CommandResult,
    build_settings,
    command_env,
    isolate_settings,
    migrated_sqlite,
    run_command,
)

# A random token, so finding its bytes in a file cannot be a coincidence.
HOSTIRAN_TOKEN = f"hostiran-{secrets.token_hex(16)}"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO ")

StoreToken = Callable[[str | None], Awaitable[None]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def database_path(data_dir: Path) -> Path:
    return data_dir / "bot.sqlite3"


@pytest.fixture
def database_url(tmp_path: Path, database_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    isolate_settings(monkeypatch, tmp_path)
    return migrated_sqlite(database_path)


@pytest.fixture
def token_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(token=HOSTIRAN_TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def store_token(database_url: str, token_sandbox: SandboxServer, http: httpx.AsyncClient) -> StoreToken:
    """Link the owner's private chat to the sandbox account, as `/connect` does.

    The key comes from `configured_key` as TOKEN_ENCRYPTION_KEY would, or, when it is None,
    from the key file in the data folder, which is created as at the bot's first start.
    """

    async def store(configured_key: str | None) -> None:
        settings = build_settings(database_url, token_encryption_key=configured_key)
        cipher = TokenCipher(load_keys(settings.token_encryption_key, settings.data_dir, may_create=True))
        engine = create_engine(database_url)
        try:
            context = ServiceContext(settings, create_session_factory(engine), cipher, http)
            await AccessService(context).see_chat(OWNER_ID, "private", None)
            await AccountService(context).check_and_link(OWNER_ID, token_sandbox.url, HOSTIRAN_TOKEN, OWNER_ID)
        finally:
            await engine.dispose()

    return store


def stored_ciphertext(database_path: Path) -> bytes:
    with sqlite3.connect(database_path) as connection:
        rows = connection.execute("SELECT token_ciphertext FROM accounts").fetchall()
    assert len(rows) == 1
    return bytes(rows[0][0])


def decrypts_with(ciphertext: bytes, key: str) -> bool:
    try:
        return TokenCipher([key]).decrypt(ciphertext) == HOSTIRAN_TOKEN
    except EncryptionKeyError:
        return False


def assert_stopped_with_one_line(result: CommandResult) -> str:
    """Check exit code 2, one `hostiran-bot:` line, no traceback and only INFO log lines besides."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.error_lines()) == 1, result.stderr
    other_lines = [line for line in result.stderr_lines() if line not in result.error_lines()]
    assert all(LOG_LINE.match(line) for line in other_lines), result.stderr
    return result.error_lines()[0]


# rotate-key with the key file in the data folder


async def test_rotate_key_file(store_token: StoreToken, tmp_path: Path, data_dir: Path,
                               database_path: Path, database_url: str) -> None:
    await store_token(None)
    path = key_file(data_dir)
    old_keys = parse_keys(path.read_text(encoding="ascii"))
    assert len(old_keys) == 1

    result = run_command(["rotate-key"], command_env(database_url), tmp_path)

    assert result.returncode == 0, result.stderr
    new_keys = parse_keys(path.read_text(encoding="ascii"))
    assert len(new_keys) == 1
    assert new_keys != old_keys
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name(path.name + ".tmp").exists()
    ciphertext = stored_ciphertext(database_path)
    assert decrypts_with(ciphertext, new_keys[0])
    assert not decrypts_with(ciphertext, old_keys[0])


# rotate-key with TOKEN_ENCRYPTION_KEY


async def test_rotate_configured_single_key(store_token: StoreToken, tmp_path: Path, database_path: Path,
                                            database_url: str) -> None:
    old_key = generate_key()
    await store_token(old_key)
    before = stored_ciphertext(database_path)

    result = run_command(["rotate-key"], command_env(database_url, TOKEN_ENCRYPTION_KEY=old_key), tmp_path)

    line = assert_stopped_with_one_line(result)
    assert "TOKEN_ENCRYPTION_KEY=NEW_KEY,OLD_KEY" in line
    assert "generate-key" in line
    assert stored_ciphertext(database_path) == before


async def test_rotate_configured_new_and_old(store_token: StoreToken, tmp_path: Path, data_dir: Path,
                                             database_path: Path, database_url: str) -> None:
    old_key = generate_key()
    new_key = generate_key()
    await store_token(old_key)

    result = run_command(["rotate-key"], command_env(database_url, TOKEN_ENCRYPTION_KEY=f"{new_key},{old_key}"),
                         tmp_path)

    assert result.returncode == 0, result.stderr
    ciphertext = stored_ciphertext(database_path)
    assert decrypts_with(ciphertext, new_key)
    assert not decrypts_with(ciphertext, old_key)
    assert not key_file(data_dir).exists()


# run refuses to start with a key that cannot read the stored token


@pytest.mark.parametrize("wrong_key", [generate_key(), "not-a-fernet-key"], ids=["other-key", "malformed-key"])
async def test_run_wrong_configured_key(store_token: StoreToken, tmp_path: Path, database_url: str,
                                        wrong_key: str) -> None:
    await store_token(generate_key())

    result = run_command(["run"], command_env(database_url, TOKEN_ENCRYPTION_KEY=wrong_key), tmp_path)

    line = assert_stopped_with_one_line(result)
    assert "TOKEN_ENCRYPTION_KEY" in line
    assert wrong_key not in result.stderr


async def test_run_wrong_key_quiet_log(store_token: StoreToken, tmp_path: Path, database_url: str) -> None:
    await store_token(generate_key())

    result = run_command(["run"], command_env(database_url, TOKEN_ENCRYPTION_KEY=generate_key(),
                                              LOG_LEVEL="WARNING"), tmp_path)

    assert result.returncode == 2
    assert len(result.stderr_lines()) == 1, result.stderr
    assert result.stderr.startswith("hostiran-bot:")


async def test_run_key_file_deleted(store_token: StoreToken, tmp_path: Path, data_dir: Path,
                                    database_url: str) -> None:
    await store_token(None)
    path = key_file(data_dir)
    path.unlink()

    result = run_command(["run"], command_env(database_url), tmp_path)

    line = assert_stopped_with_one_line(result)
    assert "key file" in line
    # A new key could not read the stored token, so none may be generated in its place.
    assert not path.exists()


# the token is stored only encrypted


async def test_database_files_lack_token(database_url: str, data_dir: Path, token_sandbox: SandboxServer,
                                         http: httpx.AsyncClient, tmp_path: Path) -> None:
    settings = build_settings(database_url)
    cipher = TokenCipher(load_keys(None, settings.data_dir, may_create=True))
    engine = create_engine(database_url)
    try:
        context = ServiceContext(settings, create_session_factory(engine), cipher, http)
        await AccessService(context).see_chat(OWNER_ID, "private", None)
        await AccountService(context).check_and_link(OWNER_ID, token_sandbox.url, HOSTIRAN_TOKEN, OWNER_ID)

        # While the engine is open, the new row may still be only in the write-ahead log.
        open_files = sorted(data_dir.glob("bot.sqlite3*"))
        assert data_dir / "bot.sqlite3-wal" in open_files
        for path in open_files:
            assert HOSTIRAN_TOKEN.encode() not in path.read_bytes(), path.name
    finally:
        await engine.dispose()

    result = run_command(["rotate-key"], command_env(database_url), tmp_path)

    assert result.returncode == 0, result.stderr
    for path in sorted(data_dir.glob("bot.sqlite3*")):
        assert HOSTIRAN_TOKEN.encode() not in path.read_bytes(), path.name
