"""Async client for the HostIran public API: credit, invoices, cloud servers and their actions."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

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

logger = logging.getLogger(__name__)

MAX_PER_PAGE = 100
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# A read that must wait longer than this is not retried, so the person gets the wait in a message instead.
MAX_RETRY_AFTER_SECONDS = 5.0



def normalize_base_url(text: str) -> str:
    """Return the base address as `scheme://host[:port][/path]`, without `/v1` or a trailing slash.

    A bare host gets `https://`; an explicit `http://` is kept for local setups.
    Raises `InvalidBaseURLError` for anything that is not an http(s) address of a host.
    """
    candidate = text.strip()
    if not candidate or any(character.isspace() for character in candidate):
        raise InvalidBaseURLError("the address is empty or contains spaces")
    if "://" not in candidate:
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError as error:
        raise InvalidBaseURLError(f"the address cannot be parsed: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidBaseURLError(f"unsupported scheme {parts.scheme!r}")
    if not parts.hostname:
        raise InvalidBaseURLError("the address has no host name")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidBaseURLError("the address must not contain credentials, a query or a fragment")
    if "//" in parts.path or not all(part.isascii() for part in parts.hostname):
        raise InvalidBaseURLError("the address has an empty path segment or a host name that is not ASCII")
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:  # an IPv6 literal keeps its brackets
        netloc = f"[{parts.hostname}]" if port is None else f"[{parts.hostname}]:{port}"
    return f"{parts.scheme}://{netloc}{path}"


def create_http_client(timeout: float = 15.0, *, proxy: str | None = None,
                       transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """Create the shared HTTP client for all accounts.

    `trust_env=False` keeps HTTP_PROXY and friends, which may be set for Telegram, away from
    HostIran traffic; `proxy` is used only when given explicitly.
    """
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        # Many chats may share one HostIran base address, so a burst needs many connections to it.
        limits=httpx.Limits(max_connections=500, max_keepalive_connections=50),
        trust_env=False,
        proxy=proxy,
        transport=transport,
        headers={"Accept": "application/json", "User-Agent": "hostiran-bot"},
        follow_redirects=False,
    )


class HostIranClient:
    """Client for the API of one account. Reads are retried on transient failures, but the action POST never is."""

    def __init__(self, base_url: str, token: str, http: httpx.AsyncClient, *,
                 read_retries: int = 2, backoff_seconds: float = 0.5) -> None:
        self.base_url = normalize_base_url(base_url)
        self._token = token
        self._http = http
        self._read_retries = read_retries
        self._backoff_seconds = backoff_seconds

    def __repr__(self) -> str:
        return f"HostIranClient({self.base_url!r})"

    async def get_credit(self) -> Credit:
        return parse_credit(await self._get("/v1/credit"))

    async def list_invoices(self) -> list[Invoice]:
        return parse_invoices(await self._get("/v1/invoice"))

    async def list_servers_page(self, page: int = 1, per_page: int = MAX_PER_PAGE) -> ServerPage:
        return parse_server_page(await self._get("/v1/cloud", params={"perPage": per_page, "page": page}))

    async def list_servers(self) -> list[Server]:
        """Return every server: the first page, then all later pages concurrently."""
        first = await self.list_servers_page(1)
        servers = list(first.data)
        if first.page_count > 1:
            pages = await asyncio.gather(
                *(self.list_servers_page(page) for page in range(2, first.page_count + 1))
            )
            for page in pages:
                servers.extend(page.data)
        # A server that moved between pages while they were read would appear twice.
        unique: dict[int, Server] = {}
        for server in servers:
            unique.setdefault(server.id, server)
        return list(unique.values())

    async def get_server(self, vm_id: int) -> Server | None:
        """Return the server with this id as the API lists it now, or None if it is gone."""
        for server in await self.list_servers():
            if server.id == vm_id:
                return server
        return None

    async def run_action(self, vm_id: int, action: str) -> None:
        """Send one action POST. It is never retried, because a repeat could run it twice.

        Raises `ActionRejectedError` when the API refuses it and `ActionOutcomeUnknownError`
        when the request may have reached the API but no response came back.
        """
        url = self.base_url + "/v1/cloud/action"
        logger.info("POST %s vm_id=%s action=%s", url, vm_id, action)
        try:
            response = await self._http.post(url, json={"vm_id": vm_id, "action": action},
                                             headers={"token": self._token})
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol, httpx.ProxyError) as error:
            raise self._transport_error(error, url) from None
        except httpx.TransportError as error:
            logger.warning("action POST to %s for vm %s: outcome unknown (%s)", url, vm_id, type(error).__name__)
            raise ActionOutcomeUnknownError(f"no response to the action POST: {type(error).__name__}") from None
        if response.status_code in (401, 403):
            raise AuthenticationError(f"the API rejected the token (HTTP {response.status_code})")
        if response.status_code == 429:
            raise RateLimitedError("the API is rate limiting requests", _retry_after(response))
        if response.status_code >= 500:
            raise ServerError(f"the API failed with HTTP {response.status_code}", response.status_code)
        if response.status_code >= 400:
            raise ActionRejectedError(f"the API rejected the action (HTTP {response.status_code})",
                                      _error_detail(response))
        try:
            body = response.json()
        except ValueError:
            body = None
        if body != "success":
            raise ActionRejectedError("the API did not confirm the action", _error_detail(response))

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                return await self._get_once(url, params)
            except (UnreachableError, TimedOutError, RateLimitedError, ServerError) as error:
                retryable = not isinstance(error, ServerError) or error.status_code in RETRYABLE_STATUSES
                if isinstance(error, RateLimitedError) and (error.retry_after or 0) > MAX_RETRY_AFTER_SECONDS:
                    retryable = False
                if not retryable or attempt >= self._read_retries:
                    raise
                attempt += 1
                delay = self._retry_delay(attempt, error)
                logger.warning("GET %s failed (%s), retry %d of %d in %.1f s",
                               url, error, attempt, self._read_retries, delay)
                await asyncio.sleep(delay)

    async def _get_once(self, url: str, params: dict[str, Any] | None) -> Any:
        try:
            response = await self._http.get(url, params=params, headers={"token": self._token})
        except httpx.TransportError as error:
            raise self._transport_error(error, url) from None
        if response.status_code in (401, 403):
            raise AuthenticationError(f"the API rejected the token (HTTP {response.status_code})")
        if response.status_code == 429:
            raise RateLimitedError("the API is rate limiting requests", _retry_after(response))
        if response.status_code != 200:
            raise ServerError(f"the API responded with HTTP {response.status_code} for {urlsplit(url).path}",
                              response.status_code)
        try:
            return response.json()
        except ValueError:
            raise MalformedResponseError(
                f"the response from {urlsplit(url).path} is not JSON "
                f"(content type {response.headers.get('content-type', 'none')!r})"
            ) from None

    def _retry_delay(self, attempt: int, error: HostIranError) -> float:
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            return error.retry_after
        return self._backoff_seconds * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)

    @staticmethod
    def _transport_error(error: httpx.TransportError, url: str) -> HostIranError:
        host = urlsplit(url).netloc
        if isinstance(error, httpx.TimeoutException):
            return TimedOutError(f"{host} timed out ({type(error).__name__})")
        return UnreachableError(f"cannot connect to {host} ({type(error).__name__})")


_CREDIT = TypeAdapter(Credit)
_INVOICES = TypeAdapter(list[Invoice])
_SERVER_PAGE = TypeAdapter(ServerPage)


def _parse(body: Any, adapter: TypeAdapter[Any], endpoint: str) -> Any:
    """Validate a decoded JSON body; any mismatch becomes `MalformedResponseError` naming the field."""
    try:
        return adapter.validate_python(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the body"
        raise MalformedResponseError(
            f"the {endpoint} response is not of the documented shape: {where}: {first['msg']}"
        ) from None


def parse_credit(body: Any) -> Credit:
    return _parse(body, _CREDIT, "credit")


def parse_invoices(body: Any) -> list[Invoice]:
    return _parse(body, _INVOICES, "invoice")


def parse_server_page(body: Any) -> ServerPage:
    return _parse(body, _SERVER_PAGE, "cloud")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error_detail(response: httpx.Response) -> str | None:
    """Return the API's own explanation from an error body, shortened, or None."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        if not text or text.lstrip().startswith("<"):
            return None
        return text[:300]
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "msg"):
            if isinstance(body.get(key), str):
                return body[key][:300]
        return json.dumps(body, ensure_ascii=False)[:300]
    if isinstance(body, str):
        return body[:300]
    return None


__all__: Sequence[str] = [
    "HostIranClient", "create_http_client", "normalize_base_url", "parse_credit", "parse_invoices",
    "parse_server_page",
]
