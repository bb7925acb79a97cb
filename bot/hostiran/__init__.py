"""HTTP client for the HostIran public API."""

from bot.hostiran.client import HostIranClient, create_http_client, normalize_base_url
from bot.hostiran.errors import (
    ActionOutcomeUnknownError,
    ActionRejectedError,
    AuthenticationError,
    HostIranError,
    InvalidBaseURLError,
    MalformedResponseError,
    RateLimitedError,
    ServerError,
    TimedOutError,
    UnreachableError,
)
from bot.hostiran.models import Credit, Invoice, Server, ServerPage

__all__ = [
    "ActionOutcomeUnknownError", "ActionRejectedError", "AuthenticationError", "Credit",
    "HostIranClient", "HostIranError", "InvalidBaseURLError", "Invoice", "MalformedResponseError",
    "RateLimitedError", "Server", "ServerError", "ServerPage", "TimedOutError", "UnreachableError",
    "create_http_client", "normalize_base_url",
]
