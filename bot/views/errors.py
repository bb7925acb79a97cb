"""Messages for failures of the HostIran API, one per failure class."""

from __future__ import annotations

from bot.hostiran import errors
from bot.views.catalog import text
from bot.views.format import format_number


def hostiran_error_text(language: str, error: errors.HostIranError) -> str:
    """Return what the user reads for a failed HostIran request: what happened and what to do."""
    match error:
        case errors.AuthenticationError():
            return text(language, "error.authentication")
        case errors.UnreachableError() | errors.InvalidBaseURLError():
            return text(language, "error.unreachable")
        case errors.TimedOutError():
            return text(language, "error.timed_out")
        case errors.RateLimitedError(retry_after=retry_after) if retry_after:
            return text(language, "error.rate_limited", seconds=format_number(round(retry_after), language))
        case errors.RateLimitedError():
            return text(language, "error.rate_limited_later")
        case errors.ServerError(status_code=status):
            return text(language, "error.server", status=format_number(status, language))
        case errors.MalformedResponseError():
            return text(language, "error.malformed")
        case errors.ActionRejectedError():
            return text(language, "error.rejected")
        case _:
            return text(language, "error.internal")
