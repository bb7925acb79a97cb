"""Settings from the environment and `.env`: one plain error per missing or invalid value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from tests.support.settings import (
    command_env,
    isolate_settings,
    run_command,
    sqlite_url,
)

REPOSITORY = Path(__file__).resolve().parent.parent
VALID_ENV = {"TELEGRAM_BOT_TOKEN": "1:abc", "BOT_OWNER_IDS": "1"}


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Start from the two required settings only, in a working directory without `.env`."""
    isolate_settings(monkeypatch, tmp_path)
    for name, value in VALID_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_valid_minimal_settings(environment: pytest.MonkeyPatch) -> None:
    settings = load_settings()

    assert settings.telegram_bot_token == "1:abc"
    assert settings.bot_owner_ids == frozenset({1})
    assert settings.database_url == "sqlite+aiosqlite:///data/hostiran-bot.sqlite3"
    assert settings.log_level == "INFO"
    assert settings.action_request_ttl_seconds == 60
    assert settings.token_encryption_key is None


@pytest.mark.parametrize("name", ["TELEGRAM_BOT_TOKEN", "BOT_OWNER_IDS"])
def test_missing_setting_named(environment: pytest.MonkeyPatch, name: str) -> None:
    environment.delenv(name)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    message = str(raised.value)
    assert message.startswith(f"{name} is missing")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_BOT_TOKEN", "1:"),
        ("BOT_OWNER_IDS", "a,b"),
        ("BOT_OWNER_IDS", " , "),
        ("DATABASE_URL", "data/hostiran-bot.sqlite3"),
        ("LOG_LEVEL", "LOUD"),
        ("ACTION_REQUEST_TTL_SECONDS", "2"),
        ("ACTION_REQUEST_TTL_SECONDS", "3601"),
        ("ACTION_REQUEST_TTL_SECONDS", "sixty"),
        ("HOSTIRAN_TIMEOUT_SECONDS", "0.5"),
    ],
)
def test_invalid_setting_named(environment: pytest.MonkeyPatch, name: str, value: str) -> None:
    environment.setenv(name, value)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    message = str(raised.value)
    assert message.startswith(f"{name} is invalid")
    assert "\n" not in message


def test_invalid_bot_token_not_echoed(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("TELEGRAM_BOT_TOKEN", "123456:secret part with spaces")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert "secret" not in str(raised.value)


def test_dotenv_in_working_directory(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VALID_ENV:
        environment.delenv(name)
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=42:from-dotenv\n"
        "BOT_OWNER_IDS=5, 6\n"
        "LOG_LEVEL=debug\n"
        "ACTION_REQUEST_TTL_SECONDS=120\n",
        encoding="utf-8",
    )

    settings = load_settings()

    assert settings.telegram_bot_token == "42:from-dotenv"
    assert settings.bot_owner_ids == frozenset({5, 6})
    assert settings.log_level == "DEBUG"
    assert settings.action_request_ttl_seconds == 120


def test_dotenv_example_loads(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The README's setup step copies .env.example to .env. Its empty TOKEN_ENCRYPTION_KEY selects the key file.
    for name in VALID_ENV:
        environment.delenv(name)
    (tmp_path / ".env").write_text((REPOSITORY / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")

    settings = load_settings()

    assert settings.bot_owner_ids == frozenset({111111111})
    assert not settings.token_encryption_key
    assert settings.data_dir == Path("data")


def test_dotenv_invalid_value_named(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=LOUD\n", encoding="utf-8")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value).startswith("LOG_LEVEL is invalid")


@pytest.mark.parametrize("name", ["TELEGRAM_BOT_TOKEN", "BOT_OWNER_IDS"])
def test_run_missing_setting_one_line(tmp_path: Path, name: str) -> None:
    env = command_env(sqlite_url(tmp_path / "data" / "bot.sqlite3"))
    del env[name]

    result = run_command(["run"], env, tmp_path)

    assert result.returncode == 2
    assert len(result.stderr_lines()) == 1, result.stderr
    assert result.stderr.startswith(f"hostiran-bot: {name} is missing")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_run_invalid_setting_one_line(tmp_path: Path) -> None:
    env = command_env(sqlite_url(tmp_path / "data" / "bot.sqlite3"), ACTION_REQUEST_TTL_SECONDS="2")

    result = run_command(["run"], env, tmp_path)

    assert result.returncode == 2
    assert len(result.stderr_lines()) == 1, result.stderr
    assert result.stderr.startswith("hostiran-bot: ACTION_REQUEST_TTL_SECONDS is invalid")
    assert "Traceback" not in result.stderr


def test_run_database_driver_missing_one_line(tmp_path: Path) -> None:
    # psycopg is not a dependency (asyncpg is), so the URL names a module that cannot be imported.
    env = command_env("postgresql+psycopg://bot@127.0.0.1:1/bot", LOG_LEVEL="WARNING")

    result = run_command(["run"], env, tmp_path)

    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines()) == 1, result.stderr
    assert result.stderr.startswith("hostiran-bot: cannot migrate the database at DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_run_database_unreachable_one_line(tmp_path: Path) -> None:
    env = command_env("postgresql+asyncpg://bot@127.0.0.1:1/bot", LOG_LEVEL="WARNING")

    result = run_command(["run"], env, tmp_path)

    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines()) == 1, result.stderr
    assert result.stderr.startswith("hostiran-bot: cannot migrate the database at DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_all_missing_settings_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "BOT_OWNER_IDS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("TELEGRAM_BOT_TOKEN is missing")
    assert message.endswith("Also missing: BOT_OWNER_IDS.")
