"""Exceptions of the HostIran client: one class per kind of failure, all under `HostIranError`."""

from __future__ import annotations


class HostIranError(Exception):
    """Base class: the request to the HostIran API did not give a usable response."""


class InvalidBaseURLError(HostIranError):
    """The account's base URL is not an http(s) address of a host."""


class AuthenticationError(HostIranError):
    """The API rejected the token (HTTP 401 or 403)."""


class UnreachableError(HostIranError):
    """No connection to the API could be made (DNS, refused, TLS, proxy)."""


class TimedOutError(HostIranError):
    """The API did not respond within the timeout."""


class RateLimitedError(HostIranError):
    """The API responded with 429; `retry_after` is the wait it requested, in seconds, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(HostIranError):
    """The API answered with an unexpected status, such as 404 or a 5xx."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class MalformedResponseError(HostIranError):
    """The answer was not JSON, or not of the documented shape."""


class ActionRejectedError(HostIranError):
    """The API refused the action; `detail` is its own explanation, if it gave one."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail


class ActionOutcomeUnknownError(HostIranError):
    """The action POST was sent but no answer came back, so it may or may not have run."""
