"""The HostIran client against the sandbox API over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.hostiran import (
    ActionOutcomeUnknownError,
    ActionRejectedError,
    AuthenticationError,
    HostIranClient,
    InvalidBaseURLError,
    MalformedResponseError,
    RateLimitedError,
    ServerError,
    TimedOutError,
    UnreachableError,
    normalize_base_url,
)
from bot.hostiran.models import TEHRAN
from bot.sandbox.server import SandboxServer


async def test_credit_sample(client: HostIranClient) -> None:
    credit = await client.get_credit()
    assert credit.credit == 500000
    assert credit.currency == "IRR"


async def test_invoices_sample(client: HostIranClient) -> None:
    invoices = await client.list_invoices()
    assert [invoice.id for invoice in invoices] == [505022, 501383, 501382, 501121, 501119]
    assert invoices[0].amount == 565656
    assert invoices[0].link == "https://hostiran.net/pay/505022"
    assert all(invoice.amount == 0 for invoice in invoices[1:])


async def test_servers_sample(client: HostIranClient) -> None:
    servers = await client.list_servers()
    by_id = {server.id: server for server in servers}
    assert set(by_id) == {60, 61}
    assert by_id[61].name == "database"
    assert by_id[61].power_status == "on"
    assert by_id[61].actions == ("poweroff", "reboot")
    assert by_id[60].actions == ("start", "reboot")
    assert by_id[61].next_payment_amount == 1088000
    assert by_id[61].next_payment is not None
    assert by_id[61].next_payment.tzinfo == TEHRAN
    assert by_id[61].next_payment.utcoffset().total_seconds() == 4.5 * 3600  # Iran's 2022 summer time


async def test_servers_every_page(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.reset(server_count=257)
    servers = await client.list_servers()
    assert len(servers) == 257
    assert len({server.id for server in servers}) == 257
    pages = sorted(int(entry["query"]["page"]) for entry in sandbox.requests() if entry["path"] == "/v1/cloud")
    assert pages == [1, 2, 3]
    per_page = {entry["query"]["perPage"] for entry in sandbox.requests() if entry["path"] == "/v1/cloud"}
    assert per_page == {"100"}


async def test_later_pages_fetched_concurrently(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.reset(server_count=450)
    sandbox.set_fault("cloud", delay=0.3)
    started = asyncio.get_running_loop().time()
    servers = await client.list_servers()
    elapsed = asyncio.get_running_loop().time() - started
    assert len(servers) == 450
    # One page first, then four at once: about two delays, far from the five of sequential paging.
    assert elapsed < 1.2


async def test_get_server(client: HostIranClient) -> None:
    server = await client.get_server(60)
    assert server is not None
    assert server.name == "web"
    assert await client.get_server(999) is None


async def test_wrong_token(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    client = HostIranClient(sandbox.url, "wrong-token", http)
    with pytest.raises(AuthenticationError):
        await client.get_credit()
    with pytest.raises(AuthenticationError):
        await client.run_action(61, "poweroff")


async def test_action_changes_server(sandbox: SandboxServer, client: HostIranClient) -> None:
    await client.run_action(61, "poweroff")
    server = await client.get_server(61)
    assert server is not None
    assert server.power_status == "off"
    assert server.actions == ("start", "reboot")
    posts = [entry for entry in sandbox.requests() if entry["method"] == "POST"]
    assert len(posts) == 1
    assert posts[0]["body"] == {"vm_id": 61, "action": "poweroff"}


async def test_disallowed_action_rejected(client: HostIranClient) -> None:
    with pytest.raises(ActionRejectedError) as caught:
        await client.run_action(61, "start")
    assert caught.value.detail


async def test_action_timeout_not_retried(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    sandbox.set_fault("action", delay=2)
    fast = httpx.AsyncClient(timeout=0.3, trust_env=False)
    try:
        client = HostIranClient(sandbox.url, "sandbox-token", fast)
        with pytest.raises(ActionOutcomeUnknownError):
            await client.run_action(61, "poweroff")
    finally:
        await fast.aclose()
    posts = [entry for entry in sandbox.requests() if entry["method"] == "POST"]
    assert len(posts) == 1


async def test_action_dropped_connection_outcome_unknown(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("action", drop=True)
    with pytest.raises(ActionOutcomeUnknownError):
        await client.run_action(61, "poweroff")
    assert len([entry for entry in sandbox.requests() if entry["method"] == "POST"]) == 1


async def test_read_retried_on_503(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("credit", status=503, times=1)
    credit = await client.get_credit()
    assert credit.credit == 500000
    assert len([entry for entry in sandbox.requests() if entry["path"] == "/v1/credit"]) == 2


async def test_read_not_retried_on_404(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("credit", status=404)
    with pytest.raises(ServerError) as caught:
        await client.get_credit()
    assert caught.value.status_code == 404
    assert len([entry for entry in sandbox.requests() if entry["path"] == "/v1/credit"]) == 1


async def test_rate_limited_after_retries(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("credit", status=429, retry_after=0)
    with pytest.raises(RateLimitedError):
        await client.get_credit()
    assert len([entry for entry in sandbox.requests() if entry["path"] == "/v1/credit"]) == 3


async def test_html_error_page_is_malformed(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("credit", status=200, body="<html>proxy</html>", content_type="text/html")
    with pytest.raises(MalformedResponseError):
        await client.get_credit()


async def test_provider_sample_body_is_malformed(sandbox: SandboxServer, client: HostIranClient) -> None:
    body = '{\n"credit": 500000;\n"currency": "IRR"\n}'
    sandbox.set_fault("credit", status=200, body=body, content_type="application/json")
    with pytest.raises(MalformedResponseError):
        await client.get_credit()


async def test_wrong_shape_is_malformed(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("invoice", status=200, body='{"data": []}', content_type="application/json")
    with pytest.raises(MalformedResponseError):
        await client.list_invoices()


async def test_unreachable(http: httpx.AsyncClient) -> None:
    client = HostIranClient("http://127.0.0.1:9", "token", http, read_retries=0)
    with pytest.raises(UnreachableError):
        await client.get_credit()


async def test_hang_times_out(sandbox: SandboxServer) -> None:
    sandbox.set_fault("credit", hang=True)
    fast = httpx.AsyncClient(timeout=0.3, trust_env=False)
    try:
        client = HostIranClient(sandbox.url, "sandbox-token", fast, read_retries=0)
        with pytest.raises(TimedOutError):
            await client.get_credit()
    finally:
        await fast.aclose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("api.example.com", "https://api.example.com"),
        ("https://api.example.com/", "https://api.example.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://example.com/panel/v1/", "https://example.com/panel"),
        ("  sandbox:8080  ", "https://sandbox:8080"),
    ],
)
def test_normalize_base_url(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize(
    "given", ["", "ftp://example.com", "https://", "exa mple.com", "https://user:pw@example.com",
              "https://example.com/?a=1", "http://example.com:99999",
              "htp//127.0.0.1", "https://example.com//v1"],
)
def test_normalize_base_url_invalid(given: str) -> None:
    with pytest.raises(InvalidBaseURLError):
        normalize_base_url(given)


def test_client_ignores_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.hostiran import create_http_client

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    client = create_http_client()
    assert client.trust_env is False


async def test_long_retry_after_not_waited(sandbox: SandboxServer, client: HostIranClient) -> None:
    sandbox.set_fault("credit", status=429, retry_after=30)
    with pytest.raises(RateLimitedError) as caught:
        await client.get_credit()
    assert caught.value.retry_after == 30
    assert len([entry for entry in sandbox.requests() if entry["path"] == "/v1/credit"]) == 1
