"""Parsing of API answers: tolerant where the meaning is clear, a clear error everywhere else."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.hostiran import HostIranError, MalformedResponseError
from bot.hostiran.client import (
    _error_detail,
    parse_credit,
    parse_invoices,
    parse_server_page,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
SERVER = st.fixed_dictionaries(
    {},
    optional={
        "id": SCALAR, "name": SCALAR, "next_payment": SCALAR | st.just("2022-06-27 17:00:00"),
        "next_payment_amount": SCALAR, "status": SCALAR, "power_status": SCALAR,
        "actions": st.none() | st.lists(SCALAR, max_size=3) | JSON,
    },
)
CLOUD_BODY = st.fixed_dictionaries(
    {},
    optional={
        "data": st.none() | st.lists(SERVER | JSON, max_size=3) | JSON,
        "pagination": st.fixed_dictionaries({}, optional={"current_page": SCALAR, "total": SCALAR,
                                                          "per_page": SCALAR}) | JSON,
    },
)
PARSERS = [parse_credit, parse_invoices, parse_server_page]


@pytest.mark.parametrize("parse", PARSERS)
@given(body=JSON)
@settings(max_examples=200, deadline=None)
def test_arbitrary_json_raises_only_client_errors(parse, body) -> None:  # noqa: ANN001
    try:
        parse(body)
    except HostIranError:
        pass


@given(body=CLOUD_BODY)
@settings(max_examples=300, deadline=None)
def test_cloud_shaped_bodies_raise_only_client_errors(body: dict) -> None:
    try:
        page = parse_server_page(body)
    except HostIranError:
        return
    for server in page.data:
        assert isinstance(server.id, int)
        assert all(isinstance(action, str) for action in server.actions)


@given(body=st.fixed_dictionaries({}, optional={"credit": SCALAR, "currency": SCALAR}))
def test_credit_shaped_bodies_raise_only_client_errors(body: dict) -> None:
    try:
        parse_credit(body)
    except HostIranError:
        pass


@given(body=st.lists(st.fixed_dictionaries({}, optional={"id": SCALAR, "amount": SCALAR, "link": SCALAR})))
def test_invoice_shaped_bodies_raise_only_client_errors(body: list) -> None:
    try:
        parse_invoices(body)
    except HostIranError:
        pass


@given(content=st.binary(max_size=200), content_type=st.sampled_from(["application/json", "text/html", "text/plain"]))
def test_action_error_detail_never_raises(content: bytes, content_type: str) -> None:
    response = httpx.Response(422, content=content, headers={"content-type": content_type})
    detail = _error_detail(response)
    assert detail is None or len(detail) <= 300


def test_numeric_strings_are_numbers() -> None:
    credit = parse_credit({"credit": "500000", "currency": "IRR"})
    assert credit.credit == 500000


def test_unknown_fields_ignored_and_unknown_action_kept() -> None:
    page = parse_server_page({
        "data": [{"id": 7, "name": "x", "power_status": "hibernating", "actions": ["snapshot_now"], "zone": "thr"}],
        "pagination": {"current_page": 1, "total": 1, "per_page": 100},
        "meta": {},
    })
    assert page.data[0].actions == ("snapshot_now",)
    assert page.data[0].power_status == "hibernating"


def test_null_lists_are_empty() -> None:
    page = parse_server_page({"data": None, "pagination": {"current_page": 1, "total": 0, "per_page": 100}})
    assert page.data == ()
    server_page = parse_server_page({"data": [{"id": 1, "name": "a", "actions": None}],
                                     "pagination": {"total": 1, "per_page": 10}})
    assert server_page.data[0].actions == ()


@pytest.mark.parametrize(
    "body",
    [{"credit": "lots"}, {"currency": "IRR"}, [], None, "success", {"credit": 1.5}],
)
def test_credit_malformed(body: object) -> None:
    with pytest.raises(MalformedResponseError):
        parse_credit(body)


def test_missing_pagination_malformed() -> None:
    with pytest.raises(MalformedResponseError) as caught:
        parse_server_page({"data": []})
    assert "pagination" in str(caught.value)
