"""Logging: one format, quiet HTTP libraries, and secrets redacted from every line."""

from __future__ import annotations

import logging
import re
import threading

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A Telegram bot token inside any text, such as the Bot API URLs that HTTP libraries log.
BOT_TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


class SecretRedactor(logging.Filter):
    """Replace registered secrets and anything shaped like a bot token with `[REDACTED]`."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        if len(secret) >= 6:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, message: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            message = message.replace(secret, "[REDACTED]")
        return BOT_TOKEN_PATTERN.sub("[REDACTED]", message)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class UpdatePayloadFilter(logging.Filter):
    """Replace the whole updates that python-telegram-bot logs at DEBUG with their ids.

    An update may carry a HostIran token (a `/connect` message) before any handler has seen it.
    Its content cannot be redacted by value, so only ids reach the log.
    """

    PROCESSING = "Processing update %s"
    DROPPING = "Dropping pending update: %s"
    RETURNED = "Call to Bot API endpoint `%s` finished with return value `%s`"

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in (self.PROCESSING, self.DROPPING) and record.args:
            record.args = (_update_id(record.args[0]),)
        elif record.msg == self.RETURNED and isinstance(record.args, tuple) and len(record.args) == 2:
            endpoint, result = record.args
            if endpoint == "getUpdates" and isinstance(result, list):
                ids = [item.get("update_id") for item in result if isinstance(item, dict)]
                record.args = (endpoint, f"{len(ids)} updates {ids}")
        return True


def _update_id(update: object) -> str:
    update_id = getattr(update, "update_id", None)
    return f"<update {update_id}>" if update_id is not None else f"<{type(update).__name__}>"


redactor = SecretRedactor()


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(UpdatePayloadFilter())
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and a Bot API URL contains the bot token.
    for name in ("httpx", "httpcore", "hpack"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
