"""Settings read from the environment and from a `.env` file in the working directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR}/hostiran-bot.sqlite3"

# How to fix each setting, shown when it is missing or invalid.
SETTING_HINTS = {
    "TELEGRAM_BOT_TOKEN": "set it to the token that @BotFather gave you, e.g. 123456:ABC-DEF",
    "BOT_OWNER_IDS": "set it to your numeric Telegram user id; separate several ids with commas",
    "DATABASE_URL": "use an async SQLAlchemy URL such as sqlite+aiosqlite:///data/hostiran-bot.sqlite3",
    "TELEGRAM_API_BASE_URL": "use an http(s) URL that ends where the bot token is appended, e.g. https://api.telegram.org/bot",
    "TELEGRAM_API_FILE_URL": "use an http(s) URL such as https://api.telegram.org/file/bot",
    "TOKEN_ENCRYPTION_KEY": "use a key made by `hostiran-bot generate-key`, or unset it to keep one in the data folder",
    "LOG_LEVEL": "use DEBUG, INFO, WARNING or ERROR",
    "ACTION_REQUEST_TTL_SECONDS": "use a whole number of seconds between 5 and 3600",
    "HOSTIRAN_TIMEOUT_SECONDS": "use a number of seconds between 1 and 120",
    "TELEGRAM_PROXY_URL": "use a proxy URL such as socks5://127.0.0.1:1080 or http://127.0.0.1:3128",
    "HOSTIRAN_PROXY_URL": "use a proxy URL such as http://127.0.0.1:3128, or leave it unset",
    "TELEGRAM_GROUP_MESSAGES_PER_MINUTE": "use a whole number of messages between 1 and 10000",
    "TELEGRAM_MESSAGES_PER_SECOND": "use a whole number of messages between 1 and 1000",
    "TELEGRAM_WEBHOOK_URL": "use the public https URL that Telegram posts updates to, or unset it to poll",
    "TELEGRAM_WEBHOOK_SECRET": "set 1 to 256 characters of A-Z, a-z, 0-9, _ and -, the same in every process",
    "TELEGRAM_WEBHOOK_LISTEN": "use the local address the webhook server binds, e.g. 0.0.0.0",
    "TELEGRAM_WEBHOOK_PORT": "use a TCP port between 1 and 65535",
}

PROXY_SCHEMES = ("http://", "https://", "socks5://", "socks5h://")


class SettingsError(Exception):
    """A setting is missing or invalid. The message names it and how to fix it."""


class Settings(BaseSettings):
    """The bot's settings. Field names match the environment variables, case-insensitively."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = Field(pattern=r"^\d+:[A-Za-z0-9_-]{1,}$", repr=False)
    bot_owner_ids: Annotated[frozenset[int], NoDecode]
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    token_encryption_key: str | None = Field(default=None, repr=False)
    log_level: str = "INFO"
    action_request_ttl_seconds: int = Field(default=60, ge=5, le=3600)
    hostiran_timeout_seconds: float = Field(default=15.0, ge=1, le=120)
    telegram_proxy_url: str | None = Field(default=None, repr=False)
    hostiran_proxy_url: str | None = Field(default=None, repr=False)
    # Telegram allows a bot about 20 messages a minute in one group.
    telegram_group_messages_per_minute: int = Field(default=20, ge=1, le=10000)
    # Telegram asks bots to stay near 30 messages a second in all; paid broadcasts allow up to 1000.
    telegram_messages_per_second: int = Field(default=30, ge=1, le=1000)
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$", repr=False)
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)

    @field_validator("bot_owner_ids", mode="before")
    @classmethod
    def _parse_owner_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not parts:
                raise ValueError("no user id given")
            try:
                return frozenset(int(part) for part in parts)
            except ValueError:
                raise ValueError(f"{value!r} is not a list of numbers") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("not a URL")
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("telegram_proxy_url", "hostiran_proxy_url")
    @classmethod
    def _check_proxy_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith(PROXY_SCHEMES):
            raise ValueError("the scheme must be http, https, socks5 or socks5h")
        return value.strip()

    @field_validator("telegram_webhook_secret", "token_encryption_key", mode="before")
    @classmethod
    def _empty_as_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith(("https://", "http://")):
            raise ValueError("not an http(s) URL")
        return value.strip()

    @model_validator(mode="after")
    def _require_webhook_secret(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is missing: it is required when TELEGRAM_WEBHOOK_URL is set; "
                             + SETTING_HINTS["TELEGRAM_WEBHOOK_SECRET"])
        return self

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("unknown log level")
        return level

    @property
    def data_dir(self) -> Path:
        """Folder for the generated encryption key and the heartbeat, beside a SQLite file or `./data`."""
        return data_dir_for(self.database_url)


def data_dir_for(database_url: str) -> Path:
    """Return the folder beside a SQLite database file, or `./data` for any other database."""
    prefix = "sqlite+aiosqlite:///"
    if database_url.startswith(prefix) and ":memory:" not in database_url:
        return Path(database_url.removeprefix(prefix)).parent
    return DEFAULT_DATA_DIR


def load_settings() -> Settings:
    """Read the settings, raising `SettingsError` with one plain line on the first bad one."""
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        first = error.errors()[0]
        if not first["loc"]:
            # A check across settings names them in its own message.
            raise SettingsError(str(first["msg"]).removeprefix("Value error, ") + ".") from None
        name = str(first["loc"][0]).upper()
        hint = SETTING_HINTS.get(name, "check its value")
        if first["type"] == "missing":
            others = [str(item["loc"][0]).upper() for item in error.errors()[1:]
                      if item["type"] == "missing" and item["loc"]]
            also = f" Also missing: {', '.join(others)}." if others else ""
            raise SettingsError(f"{name} is missing: {hint}.{also}") from None
        if first["type"] == "value_error":
            reason = str(first["msg"]).removeprefix("Value error, ")
            raise SettingsError(f"{name} is invalid ({reason}): {hint}.") from None
        raise SettingsError(f"{name} is invalid: {hint}.") from None
