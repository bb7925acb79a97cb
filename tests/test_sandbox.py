"""Tests of the sandbox HostIran API, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.sandbox import data
from bot.sandbox.server import SandboxServer

TOKEN = "test-token-5f2c"
SAMPLE_INVOICE_IDS = [505022, 501383, 501382, 501121, 501119]

# httpx loads the CA bundle for every new client, even one that only speaks plain HTTP,
# which takes tens of milliseconds. Sharing one SSL context keeps this file fast.
SSL_CONTEXT = ssl.create_default_context()


def http_get(url: str, **kwargs) -> httpx.Response:
    kwargs.setdefault("timeout", 5)
    return httpx.get(url, verify=SSL_CONTEXT, **kwargs)


def http_post(url: str, **kwargs) -> httpx.Response:
    kwargs.setdefault("timeout", 5)
    return httpx.post(url, verify=SSL_CONTEXT, **kwargs)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(token=TOKEN) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"token": TOKEN}, timeout=5, verify=SSL_CONTEXT) as http_client:
        yield http_client


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """Client for the control API, which needs no token."""
    with httpx.Client(base_url=sandbox.url, timeout=5, verify=SSL_CONTEXT) as http_client:
        yield http_client


def servers_by_id(client: httpx.Client) -> dict[int, dict]:
    response = client.get("/v1/cloud", params={"perPage": 100})
    assert response.status_code == 200
    return {server["id"]: server for server in response.json()["data"]}


# Sample data


def test_data_functions_return_fresh_copies():
    data.sample_servers()[0]["actions"].append("delete")
    data.sample_invoices().clear()
    data.sample_credit()["credit"] = 0

    assert data.sample_servers()[0]["actions"] == ["poweroff", "reboot"]
    assert len(data.sample_invoices()) == 5
    assert data.sample_credit()["credit"] == 500000


def test_generated_servers_none_is_sample():
    assert data.generated_servers(None) == data.sample_servers()


def test_generated_servers_shape():
    now = datetime(2024, 3, 10, 12, 30)
    servers = data.generated_servers(57, now=now)

    assert len(servers) == 57
    assert len({server["id"] for server in servers}) == 57
    assert servers[0]["name"] == "vm-001"
    assert servers[56]["name"] == "vm-057"
    assert {server["power_status"] for server in servers} == {"on", "off"}
    for server in servers:
        expected_actions = ["poweroff", "reboot"] if server["power_status"] == "on" else ["start", "reboot"]
        assert server["actions"] == expected_actions, server
        next_payment = datetime.strptime(server["next_payment"], "%Y-%m-%d %H:%M:%S")
        assert now < next_payment <= now + timedelta(days=43), server
        assert isinstance(server["next_payment_amount"], int) and server["next_payment_amount"] > 0, server


def test_generated_servers_name_width_grows():
    servers = data.generated_servers(1000)

    assert servers[0]["name"] == "vm-0001"
    assert servers[-1]["name"] == "vm-1000"


def test_generated_servers_converts_aware_now():
    tehran_noon = datetime(2024, 3, 10, 12, 0, tzinfo=data.TEHRAN)
    from_aware = data.generated_servers(5, now=tehran_noon.astimezone(UTC))
    from_naive = data.generated_servers(5, now=tehran_noon.replace(tzinfo=None))

    assert from_aware == from_naive


def test_generated_servers_rejects_negative_count():
    with pytest.raises(ValueError, match="-1"):
        data.generated_servers(-1)


# Endpoints with the sample data


def test_credit_returns_sample(client):
    response = client.get("/v1/credit")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"credit": 500000, "currency": "IRR"}


def test_invoice_returns_sample(client):
    response = client.get("/v1/invoice")

    assert response.status_code == 200
    invoices = response.json()
    assert [invoice["id"] for invoice in invoices] == SAMPLE_INVOICE_IDS
    assert [invoice["amount"] for invoice in invoices] == [565656, 0, 0, 0, 0]
    for invoice in invoices:
        assert invoice["link"] == f"https://hostiran.net/pay/{invoice['id']}"


def test_cloud_returns_sample(client):
    response = client.get("/v1/cloud", params={"perPage": 10, "page": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == data.sample_servers()
    assert body["pagination"] == {"current_page": 1, "total": 2, "per_page": 10}


def test_cloud_defaults_without_query(client):
    response = client.get("/v1/cloud")

    assert response.status_code == 200
    assert response.json()["pagination"] == {"current_page": 1, "total": 2, "per_page": 10}


@pytest.mark.parametrize("path", ["/v1/credit", "/v1/invoice", "/v1/cloud"])
def test_get_without_token_is_401(sandbox, path):
    response = http_get(sandbox.url + path)

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


@pytest.mark.parametrize("path", ["/v1/credit", "/v1/invoice", "/v1/cloud"])
def test_get_with_wrong_token_is_401(sandbox, path):
    response = http_get(sandbox.url + path, headers={"token": TOKEN + "x"})

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


def test_action_wrong_token_is_401(sandbox, client):
    response = http_post(
        sandbox.url + "/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"}, headers={"token": "wrong"}
    )

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}
    assert servers_by_id(client)[61]["power_status"] == "on"


def test_unknown_path_is_404(client):
    response = client.get("/v1/domains")

    assert response.status_code == 404
    assert "message" in response.json()


def test_wrong_method_is_405(client):
    response = client.post("/v1/credit")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


# Paging


@pytest.mark.parametrize(
    "params",
    [
        {"perPage": "101"},
        {"perPage": "0"},
        {"perPage": "-5"},
        {"perPage": "abc"},
        {"perPage": "1.5"},
        {"perPage": ""},
        {"page": "0"},
        {"page": "x"},
    ],
)
def test_cloud_rejects_invalid_paging(client, params):
    response = client.get("/v1/cloud", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    message = response.json()["message"]
    assert list(params)[0] in message


def test_cloud_accepts_per_page_100(client):
    response = client.get("/v1/cloud", params={"perPage": 100})

    assert response.status_code == 200
    assert response.json()["pagination"]["per_page"] == 100


def test_cloud_pages_57_servers(sandbox, client):
    sandbox.reset(server_count=57)
    seen_ids = []

    for page in range(1, 7):
        response = client.get("/v1/cloud", params={"perPage": 10, "page": page})
        assert response.status_code == 200
        body = response.json()
        assert body["pagination"] == {"current_page": page, "total": 57, "per_page": 10}
        assert len(body["data"]) == (10 if page < 6 else 7)
        seen_ids.extend(server["id"] for server in body["data"])

    assert len(seen_ids) == 57
    assert len(set(seen_ids)) == 57


def test_cloud_page_past_end_is_empty(sandbox, client):
    sandbox.reset(server_count=57)

    response = client.get("/v1/cloud", params={"perPage": 10, "page": 7})

    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["pagination"] == {"current_page": 7, "total": 57, "per_page": 10}


def test_constructor_server_count_survives_reset():
    with SandboxServer(token=TOKEN, server_count=1000) as sandbox:
        sandbox.reset()
        response = http_get(sandbox.url + "/v1/cloud", params={"perPage": 100, "page": 10}, headers={"token": TOKEN})

    assert response.json()["pagination"]["total"] == 1000
    assert response.json()["data"][-1]["name"] == "vm-1000"


# Actions


@pytest.mark.parametrize(
    ("vm_id", "action", "power_status", "actions"),
    [
        (61, "poweroff", "off", ["start", "reboot"]),
        (61, "reboot", "on", ["poweroff", "reboot"]),
        (60, "start", "on", ["poweroff", "reboot"]),
        (60, "reboot", "on", ["poweroff", "reboot"]),
    ],
)
def test_action_changes_server(client, vm_id, action, power_status, actions):
    response = client.post("/v1/cloud/action", json={"vm_id": vm_id, "action": action})

    assert response.status_code == 200
    assert response.json() == "success"
    server = servers_by_id(client)[vm_id]
    assert server["power_status"] == power_status
    assert server["actions"] == actions


@pytest.mark.parametrize(
    ("action", "power_status"),
    [("shutdown", "off"), ("poweron", "on"), ("reset", "on")],
)
def test_action_other_vocabulary(sandbox, client, action, power_status):
    sandbox.update_server(60, {"actions": [action]})

    response = client.post("/v1/cloud/action", json={"vm_id": 60, "action": action})

    assert response.status_code == 200
    assert servers_by_id(client)[60]["power_status"] == power_status


def test_action_without_simulated_effect(sandbox, client):
    sandbox.update_server(61, {"actions": ["rescue"]})

    response = client.post("/v1/cloud/action", json={"vm_id": 61, "action": "rescue"})

    assert response.status_code == 200
    assert servers_by_id(client)[61]["power_status"] == "on"
    assert servers_by_id(client)[61]["actions"] == ["rescue"]


def test_action_form_encoded(client):
    response = client.post("/v1/cloud/action", data={"vm_id": "61", "action": "poweroff"})

    assert response.status_code == 200
    assert response.json() == "success"
    assert servers_by_id(client)[61]["power_status"] == "off"


def test_action_not_allowed_is_422(client):
    response = client.post("/v1/cloud/action", json={"vm_id": 61, "action": "start"})

    assert response.status_code == 422
    assert "start" in response.json()["message"]
    assert servers_by_id(client)[61]["power_status"] == "on"


def test_action_unknown_vm_is_404(client):
    response = client.post("/v1/cloud/action", json={"vm_id": 999, "action": "reboot"})

    assert response.status_code == 404
    assert "999" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [{}, {"vm_id": 61}, {"action": "reboot"}, {"vm_id": "sixty", "action": "reboot"}, {"vm_id": True, "action": "reboot"}],
)
def test_action_invalid_fields_is_422(client, body):
    response = client.post("/v1/cloud/action", json=body)

    assert response.status_code == 422
    assert "message" in response.json()


def test_action_invalid_json_is_400(client):
    response = client.post(
        "/v1/cloud/action", content=b"{vm_id: 61", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


def test_action_unsupported_content_type_is_415(client):
    response = client.post("/v1/cloud/action", content=b"vm_id=61", headers={"Content-Type": "text/plain"})

    assert response.status_code == 415


# Request log


def test_request_log_records_api_requests(sandbox, client, control):
    client.get("/v1/cloud", params={"perPage": 5, "page": 1})
    client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"})
    http_get(sandbox.url + "/v1/credit", headers={"token": "wrong"})
    control.get("/_sandbox/requests")

    log = sandbox.requests()

    assert [entry["path"] for entry in log] == ["/v1/cloud", "/v1/cloud/action", "/v1/credit"]
    assert log[0]["method"] == "GET"
    assert log[0]["query"] == {"perPage": "5", "page": "1"}
    assert log[0]["body"] is None
    assert log[0]["status"] == 200
    assert log[0]["token_valid"] is True
    assert log[1]["method"] == "POST"
    assert log[1]["body"] == {"vm_id": 61, "action": "poweroff"}
    assert log[2]["status"] == 401
    assert log[2]["token_valid"] is False
    assert log[0]["time"] <= log[1]["time"] <= log[2]["time"]


def test_request_log_never_contains_token(sandbox, client, control):
    client.get("/v1/credit")
    http_get(sandbox.url + "/v1/credit", headers={"token": "wrong-token-value"})

    log_text = json.dumps(control.get("/_sandbox/requests").json())

    assert TOKEN not in log_text
    assert "wrong-token-value" not in log_text


def test_request_log_over_http_matches_python(sandbox, client, control):
    client.get("/v1/invoice")

    response = control.get("/_sandbox/requests")

    assert response.status_code == 200
    assert response.json() == sandbox.requests()


def test_log_lines_omit_token(sandbox, client, caplog):
    caplog.set_level(logging.INFO, logger="bot.sandbox")

    client.get("/v1/credit")
    http_get(sandbox.url + "/v1/cloud", headers={"token": "wrong-token-value"})

    messages = [record.getMessage() for record in caplog.records if record.name == "bot.sandbox"]
    assert "GET /v1/credit -> 200" in messages
    assert "GET /v1/cloud -> 401" in messages
    assert not any(TOKEN in message or "wrong-token-value" in message for message in messages)


def test_start_logs_url(caplog):
    caplog.set_level(logging.INFO, logger="bot.sandbox")

    with SandboxServer(token=TOKEN) as sandbox:
        url = sandbox.url

    assert any(f"sandbox listening on {url}" in record.getMessage() for record in caplog.records)


# Faults


def test_fault_delay(sandbox, client):
    sandbox.set_fault("credit", delay=0.3)

    started = time.monotonic()
    delayed = client.get("/v1/credit")
    delayed_seconds = time.monotonic() - started
    started = time.monotonic()
    client.get("/v1/invoice")
    other_seconds = time.monotonic() - started

    assert delayed.status_code == 200
    assert delayed.json()["credit"] == 500000
    assert delayed_seconds >= 0.25
    assert other_seconds < 0.25


def test_fault_status_with_retry_after(sandbox, client):
    sandbox.set_fault("invoice", status=429, retry_after=7)

    response = client.get("/v1/invoice")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json() == {"message": "Too Many Requests"}


def test_fault_raw_body(sandbox, client):
    sandbox.set_fault("cloud", status=502, body="<html>Bad Gateway</html>", content_type="text/html")

    response = client.get("/v1/cloud")

    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert response.text == "<html>Bad Gateway</html>"


def test_fault_body_without_status_is_200(sandbox, client):
    sandbox.set_fault("credit", body='{"credit": 500000;}', content_type="application/json")

    response = client.get("/v1/credit")

    assert response.status_code == 200
    assert response.text == '{"credit": 500000;}'


def test_fault_retry_after_alone_keeps_response(sandbox, client):
    sandbox.set_fault("credit", retry_after="Wed, 21 Oct 2015 07:28:00 GMT")

    response = client.get("/v1/credit")

    assert response.status_code == 200
    assert response.json()["credit"] == 500000
    assert response.headers["retry-after"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_fault_drop(sandbox, client):
    sandbox.set_fault("credit", drop=True)

    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v1/credit")

    assert sandbox.requests()[-1]["status"] is None


def test_fault_hang_times_out_client(sandbox):
    sandbox.set_fault("cloud", hang=True)

    with pytest.raises(httpx.ReadTimeout):
        http_get(sandbox.url + "/v1/cloud", headers={"token": TOKEN}, timeout=0.3)

    assert sandbox.requests()[-1]["status"] is None


def test_fault_hang_ends_when_server_stops():
    sandbox = SandboxServer(token=TOKEN).start()
    sandbox.set_fault("credit", hang=True)
    stopper = threading.Timer(0.2, sandbox.stop)
    stopper.start()
    started = time.monotonic()

    # stop() closes the hung connection, so the client sees it closed long before its timeout.
    with pytest.raises(httpx.RemoteProtocolError):
        http_get(sandbox.url + "/v1/credit", headers={"token": TOKEN})
    elapsed_seconds = time.monotonic() - started
    stopper.join()

    assert elapsed_seconds < 2


def test_fault_times_one_clears(sandbox, client):
    sandbox.set_fault("credit", status=503, times=1)

    first = client.get("/v1/credit")
    second = client.get("/v1/credit")

    assert first.status_code == 503
    assert second.status_code == 200
    assert sandbox.faults() == {}


def test_fault_times_counts_down(sandbox, client):
    sandbox.set_fault("credit", status=500, times=3)

    client.get("/v1/credit")

    assert sandbox.faults()["credit"]["times"] == 2


def test_fault_on_one_endpoint_leaves_others(sandbox, client):
    sandbox.set_fault("action", status=500)

    assert client.get("/v1/credit").status_code == 200
    assert client.get("/v1/cloud").status_code == 200


def test_fault_action_delay_apply_changes_state(sandbox, client):
    sandbox.set_fault("action", delay=1.0, apply=True)

    with pytest.raises(httpx.ReadTimeout):
        client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"}, timeout=0.2)

    assert servers_by_id(client)[61]["power_status"] == "off"


def test_fault_action_status_skips_action(sandbox, client):
    sandbox.set_fault("action", status=500)

    response = client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"})

    assert response.status_code == 500
    assert servers_by_id(client)[61]["power_status"] == "on"


def test_fault_action_status_with_apply(sandbox, client):
    sandbox.set_fault("action", status=504, apply=True)

    response = client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"})

    assert response.status_code == 504
    assert servers_by_id(client)[61]["power_status"] == "off"


def test_fault_action_drop_applies_by_default(sandbox, client):
    sandbox.set_fault("action", drop=True)

    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/v1/cloud/action", json={"vm_id": 60, "action": "start"})

    assert servers_by_id(client)[60]["power_status"] == "on"


def test_fault_action_apply_false_reports_success(sandbox, client):
    sandbox.set_fault("action", apply=False)

    response = client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"})

    assert response.json() == "success"
    assert servers_by_id(client)[61]["power_status"] == "on"


@pytest.mark.parametrize(
    ("endpoint", "options", "message"),
    [
        ("domains", {"status": 500}, "unknown fault endpoint"),
        ("credit", {"statuss": 500}, "unknown fault option"),
        ("credit", {}, "no effect"),
        ("credit", {"hang": True, "drop": True}, "exclude each other"),
        ("credit", {"drop": True, "status": 500}, "exclude each other"),
        ("credit", {"delay": -1}, "delay"),
        ("credit", {"status": 99}, "status"),
        ("credit", {"times": 0}, "times"),
        ("credit", {"content_type": "text/html"}, "needs a body"),
        ("credit", {"apply": True}, "only for the action endpoint"),
        ("credit", {"retry_after": "a\r\nb"}, "retry_after"),
    ],
)
def test_set_fault_rejects_invalid(sandbox, endpoint, options, message):
    with pytest.raises(ValueError, match=message):
        sandbox.set_fault(endpoint, **options)


def test_clear_faults(sandbox, client):
    sandbox.set_fault("credit", status=500)
    sandbox.set_fault("invoice", status=500)

    sandbox.clear_faults("credit")
    assert client.get("/v1/credit").status_code == 200
    assert client.get("/v1/invoice").status_code == 500

    sandbox.clear_faults()
    assert client.get("/v1/invoice").status_code == 200


# Control API


def test_control_skips_token_and_log(sandbox, control):
    response = control.get("/_sandbox/requests")

    assert response.status_code == 200
    assert response.json() == []
    assert sandbox.requests() == []


def test_control_reset_restores_data(sandbox, client, control):
    client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"})
    sandbox.set_fault("credit", status=500)

    response = control.post("/_sandbox/reset")

    assert response.status_code == 200
    assert sandbox.requests() == []
    assert sandbox.faults() == {}
    assert servers_by_id(client)[61]["power_status"] == "on"


def test_control_reset_with_server_count(client, control):
    response = control.post("/_sandbox/reset", json={"server_count": 57})

    assert response.status_code == 200
    assert client.get("/v1/cloud").json()["pagination"]["total"] == 57


def test_control_reset_with_null_count_gives_sample():
    with SandboxServer(token=TOKEN, server_count=5) as sandbox:
        http_post(sandbox.url + "/_sandbox/reset", json={"server_count": None})
        servers = sandbox.servers()

    assert servers == data.sample_servers()


def test_control_reset_rejects_invalid_count(control):
    response = control.post("/_sandbox/reset", json={"server_count": -3})

    assert response.status_code == 400
    assert "-3" in response.json()["message"]


def test_control_set_fault(client, control):
    response = control.post("/_sandbox/faults", json={"endpoint": "credit", "status": 503, "retry_after": 30})

    assert response.status_code == 200
    assert response.json()["credit"]["status"] == 503
    faulted = client.get("/v1/credit")
    assert faulted.status_code == 503
    assert faulted.headers["retry-after"] == "30"


def test_control_set_fault_rejects_invalid(control):
    missing_endpoint = control.post("/_sandbox/faults", json={"status": 500})
    unknown_option = control.post("/_sandbox/faults", json={"endpoint": "credit", "sleep": 3})

    assert missing_endpoint.status_code == 400
    assert "endpoint" in missing_endpoint.json()["message"]
    assert unknown_option.status_code == 400
    assert "sleep" in unknown_option.json()["message"]


def test_control_delete_faults(client, control):
    control.post("/_sandbox/faults", json={"endpoint": "credit", "status": 500})

    response = control.delete("/_sandbox/faults")

    assert response.status_code == 200
    assert response.json() == {}
    assert client.get("/v1/credit").status_code == 200


def test_control_patch_server_withdraws_action(client, control):
    response = control.post("/_sandbox/servers/61", json={"actions": ["reboot"]})

    assert response.status_code == 200
    assert response.json()["actions"] == ["reboot"]
    refused = client.post("/v1/cloud/action", json={"vm_id": 61, "action": "poweroff"})
    assert refused.status_code == 422


def test_control_patch_server_rejects_id_change(control):
    response = control.post("/_sandbox/servers/61", json={"id": 62})

    assert response.status_code == 400


def test_control_patch_unknown_server_is_404(control):
    response = control.post("/_sandbox/servers/999", json={"name": "x"})

    assert response.status_code == 404


def test_control_delete_server(client, control):
    response = control.delete("/_sandbox/servers/60")

    assert response.status_code == 200
    assert list(servers_by_id(client)) == [61]
    action = client.post("/v1/cloud/action", json={"vm_id": 60, "action": "start"})
    assert action.status_code == 404
    assert control.delete("/_sandbox/servers/60").status_code == 404


def test_control_set_credit_and_invoices(client, control):
    credit = control.post("/_sandbox/credit", json={"credit": 1200})
    invoices = control.post("/_sandbox/invoices", json=[{"id": 1, "amount": 10, "link": "https://hostiran.net/pay/1"}])

    assert credit.status_code == 200
    assert invoices.status_code == 200
    assert client.get("/v1/credit").json() == {"credit": 1200, "currency": "IRR"}
    assert [invoice["id"] for invoice in client.get("/v1/invoice").json()] == [1]


def test_control_unknown_path_is_404(control):
    assert control.get("/_sandbox/nothing").status_code == 404


def test_control_wrong_method_is_405(control):
    assert control.get("/_sandbox/reset").status_code == 405


# Lifecycle


def test_url_and_context_manager():
    with SandboxServer(token=TOKEN) as sandbox:
        url = sandbox.url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert http_get(url + "/v1/credit", headers={"token": TOKEN}).status_code == 200

    with pytest.raises(httpx.ConnectError):
        http_get(url + "/v1/credit", headers={"token": TOKEN}, timeout=1)


def test_stop_twice_then_start_raises():
    sandbox = SandboxServer(token=TOKEN).start()
    sandbox.stop()
    sandbox.stop()

    with pytest.raises(RuntimeError):
        sandbox.start()


def test_serve_stops_on_sigterm():
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(message)s', force=True)\n"
        "from bot.sandbox.server import serve\n"
        f"serve('127.0.0.1', 0, {TOKEN!r}, None)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first_line = process.stdout.readline()
        match = re.search(r"sandbox listening on (http://127\.0\.0\.1:\d+)", first_line)
        assert match, first_line
        response = http_get(match.group(1) + "/v1/credit", headers={"token": TOKEN})
        assert response.status_code == 200

        process.send_signal(signal.SIGTERM)
        return_code = process.wait(timeout=5)
        output = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert return_code == 0
    assert "stopped" in output
    assert "Traceback" not in output
