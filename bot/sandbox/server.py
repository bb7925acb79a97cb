"""A stand-in HostIran API server for trying the bot without an account and for tests.

It serves the provider's four endpoints under /v1 with the sample data of bot.sandbox.data,
checks the `token` request header, and changes a server's power state when an action is
posted. Tests can inject faults per endpoint (latency, error statuses, dropped connections,
requests that never get a response) and read a log of the requests it received. The
control API under /_sandbox/ needs no token and is not recorded in the request log, so a test
or a person can drive a sandbox that runs in another process.

Only the standard library is used, and nothing from the rest of `bot` is imported, because
the bot itself must never depend on this package.
"""

from __future__ import annotations

import collections
import copy
import enum
import hmac
import json
import logging
import math
import re
import select
import signal
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.sandbox import data

logger = logging.getLogger("bot.sandbox")

DEFAULT_TOKEN = "sandbox-token"

# Fault endpoint names. _API_ROUTES maps each API path to its endpoint name and HTTP method.
ENDPOINTS = ("credit", "invoice", "cloud", "action")
_API_ROUTES: dict[str, tuple[str, str]] = {
    "/v1/credit": ("credit", "GET"),
    "/v1/invoice": ("invoice", "GET"),
    "/v1/cloud": ("cloud", "GET"),
    "/v1/cloud/action": ("action", "POST"),
}

CONTROL_PREFIX = "/_sandbox/"
_CONTROL_SERVER_PATH = re.compile(r"/_sandbox/servers/(\d+)")

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100

# Power state that each known action leaves a server in. The provider's page names
# poweroff, reboot and start in its sample list, and reset and poweron in its action section.
# shutdown is not on the page. The sandbox treats it as poweroff.
_POWER_STATE_AFTER_ACTION = {
    "poweroff": "off",
    "shutdown": "off",
    "start": "on",
    "poweron": "on",
    "reboot": "on",
    "reset": "on",
}

# The oldest entries are discarded beyond this many, so that a long-running sandbox
# does not grow without bound.
REQUEST_LOG_LIMIT = 10_000

# Request bodies larger than this are rejected with 413.
MAX_BODY_BYTES = 1024 * 1024

# A "hang" fault gives up after this many seconds and closes the connection unanswered.
HANG_LIMIT_SECONDS = 3600.0
# How often a hung request checks whether its client has gone or the server is stopping.
_HANG_POLL_SECONDS = 0.05

# How often the accept loop checks for a stop request, which bounds the time stop() takes.
# A background sandbox is mostly started and stopped by tests, so it checks often. The
# foreground one stops on a signal, which interrupts the wait at once.
_BACKGROUND_POLL_SECONDS = 0.01
_FOREGROUND_POLL_SECONDS = 0.5

# Seconds an idle keep-alive connection stays open before the server closes it.
_IDLE_CONNECTION_TIMEOUT_SECONDS = 60


class _Unset(enum.Enum):
    UNSET = enum.auto()


_UNSET = _Unset.UNSET

_FAULT_OPTIONS = frozenset(
    {"delay", "status", "body", "content_type", "hang", "drop", "times", "retry_after", "apply"}
)


@dataclass(frozen=True)
class Fault:
    """A misbehaviour that the sandbox applies to the requests for one endpoint.

    See `SandboxServer.set_fault` for the meaning of each option.
    """

    delay: float = 0.0
    status: int | None = None
    body: str | None = None
    content_type: str | None = None
    hang: bool = False
    drop: bool = False
    times: int | None = None
    retry_after: int | str | None = None
    apply: bool | None = None

    @classmethod
    def from_options(cls, endpoint: str, options: Mapping[str, Any]) -> Fault:
        """Validate the options of a fault for `endpoint` and build it.

        Raises ValueError naming the endpoint or option that is invalid.
        """
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown fault endpoint {endpoint!r}; expected one of {', '.join(ENDPOINTS)}")
        unknown = sorted(set(options) - _FAULT_OPTIONS)
        if unknown:
            raise ValueError(
                f"unknown fault option(s) {', '.join(unknown)}; expected some of {', '.join(sorted(_FAULT_OPTIONS))}"
            )

        fault = cls(**options)
        fault._validate_types()
        fault._validate_combination(endpoint)
        return fault

    def _validate_types(self) -> None:
        if not _is_number(self.delay) or not math.isfinite(self.delay) or self.delay < 0:
            raise ValueError(f"fault delay must be a number of seconds, 0 or more, got {self.delay!r}")
        if self.status is not None and (not _is_int(self.status) or not 200 <= self.status <= 599):
            raise ValueError(f"fault status must be an HTTP status from 200 to 599, got {self.status!r}")
        if self.body is not None and not isinstance(self.body, str):
            raise ValueError(f"fault body must be a string, got {type(self.body).__name__}")
        if self.content_type is not None and not _is_header_value(self.content_type):
            raise ValueError(f"fault content_type must be a one-line string, got {self.content_type!r}")
        for name in ("hang", "drop"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"fault {name} must be true or false, got {getattr(self, name)!r}")
        if self.apply is not None and not isinstance(self.apply, bool):
            raise ValueError(f"fault apply must be true or false, got {self.apply!r}")
        if self.times is not None and (not _is_int(self.times) or self.times < 1):
            raise ValueError(f"fault times must be an integer of 1 or more, got {self.times!r}")
        retry_after_valid = (_is_int(self.retry_after) and self.retry_after >= 0) or _is_header_value(
            self.retry_after
        )
        if self.retry_after is not None and not retry_after_valid:
            raise ValueError(
                f"fault retry_after must be seconds (0 or more) or an HTTP date, got {self.retry_after!r}"
            )

    def _validate_combination(self, endpoint: str) -> None:
        outcomes = [name for name in ("hang", "drop") if getattr(self, name)]
        if self.replaces_response:
            outcomes.append("status/body")
        if len(outcomes) > 1:
            raise ValueError(f"fault options {' and '.join(outcomes)} exclude each other; choose one")
        if self.content_type is not None and self.body is None:
            raise ValueError("fault content_type needs a body")
        if self.apply is not None and endpoint != "action":
            raise ValueError(f"fault option apply is only for the action endpoint, not {endpoint!r}")

        has_effect = (
            self.delay > 0 or outcomes or self.retry_after is not None or self.apply is not None
        )
        if not has_effect:
            raise ValueError(f"fault for {endpoint!r} has no effect; set delay, status, body, hang, drop or retry_after")

    @property
    def replaces_response(self) -> bool:
        """Whether the fault sends its own status or body in place of the normal response."""
        return self.status is not None or self.body is not None

    def applies_action(self) -> bool:
        """Return whether a posted action changes the server's state while this fault is active."""
        if self.apply is not None:
            return self.apply
        return self.status is None

    def response(self) -> _Response:
        """Build the response that replaces the normal one: the raw body, else a JSON message."""
        status = self.status if self.status is not None else HTTPStatus.OK
        if self.body is not None:
            content_type = self.content_type or "text/plain; charset=utf-8"
            return _Response(status, self.body.encode("utf-8"), content_type)
        return _json_response(status, {"message": _status_phrase(status)})


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class _RequestError(Exception):
    """A request that is rejected with `status` and a JSON {"message": ...} body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> _Response:
        return _json_response(self.status, {"message": self.message})


class SandboxServer:
    """A stand-in HostIran API on a ThreadingHTTPServer, with faults and a request log.

    The socket is bound in the constructor, so `url` is valid before `start()`. Use
    `start()` and `stop()`, or `with SandboxServer() as sandbox:`, to serve from a daemon
    thread, or `serve_forever()` to serve from the calling thread. All methods are
    thread-safe.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        server_count: int | None = None,
    ) -> None:
        if not token:
            raise ValueError("sandbox token must not be empty")
        _validate_server_count(server_count)

        self._token = token.encode("utf-8")
        self._server_count = server_count
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._serving = False
        self._stopped = False

        self._credit: dict[str, Any] = {}
        self._invoices: list[Any] = []
        self._servers: list[dict[str, Any]] = []
        self._faults: dict[str, tuple[Fault, int | None]] = {}
        self._request_log: collections.deque[dict[str, Any]] = collections.deque(maxlen=REQUEST_LOG_LIMIT)
        self._load_sample_data(server_count)

        self._httpd = _SandboxHTTPServer(self, host, port)

    # Lifecycle

    @property
    def url(self) -> str:
        """Base URL of the API, without a trailing slash, e.g. http://127.0.0.1:54321."""
        host, port = self._httpd.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    @property
    def token(self) -> str:
        """Token that requests must send in the `token` header."""
        return self._token.decode("utf-8")

    def start(self) -> SandboxServer:
        """Serve requests from a daemon thread and return self."""
        self._claim_serving()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            args=(_BACKGROUND_POLL_SECONDS,),
            name=f"sandbox-{self._httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        logger.info("sandbox listening on %s with %d servers", self.url, len(self._servers))
        return self

    def serve_forever(self) -> None:
        """Serve requests from the calling thread until `stop()` is called from another one."""
        self._claim_serving()
        logger.info("sandbox listening on %s with %d servers", self.url, len(self._servers))
        self._httpd.serve_forever(_FOREGROUND_POLL_SECONDS)

    def stop(self) -> None:
        """Stop serving, close the listening socket and every open connection.

        Requests that are delayed or hung by a fault end without a response. Calling
        stop() again does nothing.
        """
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._stop_event.set()

        if self._serving:
            self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        logger.info("sandbox on %s stopped", self.url)

    def __enter__(self) -> SandboxServer:
        if not self._serving:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _claim_serving(self) -> None:
        with self._lock:
            if self._serving or self._stopped:
                raise RuntimeError(f"sandbox on {self.url} has already been started or stopped")
            self._serving = True

    # State

    def reset(self, server_count: int | None | _Unset = _UNSET) -> None:
        """Restore the sample data and clear the request log and all faults.

        `server_count` is passed to `data.generated_servers`, so None means the two provider
        sample servers. It defaults to the count given to the constructor.
        """
        if server_count is _UNSET:
            server_count = self._server_count
        _validate_server_count(server_count)
        with self._lock:
            self._load_sample_data(server_count)
            self._faults.clear()
            self._request_log.clear()

    def _load_sample_data(self, server_count: int | None) -> None:
        self._credit = data.sample_credit()
        self._invoices = data.sample_invoices()
        self._servers = data.generated_servers(server_count)

    def set_credit(self, credit: int) -> None:
        """Set the credit that GET /v1/credit returns, in rials."""
        if not _is_int(credit):
            raise ValueError(f"credit must be an integer number of rials, got {credit!r}")
        with self._lock:
            self._credit["credit"] = credit

    def set_invoices(self, invoices: list[Any]) -> None:
        """Replace the list that GET /v1/invoice returns.

        The items are stored as given, without checks, so that a test can serve malformed ones.
        """
        if not isinstance(invoices, list):
            raise ValueError(f"invoices must be a list, got {type(invoices).__name__}")
        with self._lock:
            self._invoices = copy.deepcopy(invoices)

    def servers(self) -> list[dict[str, Any]]:
        """Return a copy of the current cloud servers, in list order."""
        with self._lock:
            return copy.deepcopy(self._servers)

    def update_server(self, vm_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change fields of server `vm_id` and return a copy of the updated server.

        Values are stored as given, without checks, so that a test can serve malformed data
        or withdraw an action between the list request and the action request. New fields
        are added. Raises KeyError if there is no such server and ValueError if `changes`
        changes the id.
        """
        if "id" in changes and changes["id"] != vm_id:
            raise ValueError(f"a server's id cannot be changed: {vm_id} to {changes['id']!r}")
        with self._lock:
            server = self._find_server(vm_id)
            if server is None:
                raise KeyError(vm_id)
            server.update(copy.deepcopy(dict(changes)))
            return copy.deepcopy(server)

    def remove_server(self, vm_id: int) -> None:
        """Remove server `vm_id`. Raises KeyError if there is no such server."""
        with self._lock:
            server = self._find_server(vm_id)
            if server is None:
                raise KeyError(vm_id)
            self._servers.remove(server)

    def _find_server(self, vm_id: int) -> dict[str, Any] | None:
        """Return the stored server with id `vm_id`, or None. The caller must hold the lock."""
        for server in self._servers:
            if server.get("id") == vm_id:
                return server
        return None

    # Faults

    def set_fault(self, endpoint: str, **options: Any) -> None:
        """Make the requests for `endpoint` misbehave, replacing its previous fault.

        `endpoint` is "credit", "invoice", "cloud" or "action". A fault applies to every
        request for that endpoint, whatever its token. Options:

        - delay: seconds to wait before responding (or before drop or hang).
        - status: respond with this HTTP status and a JSON {"message": ...} body.
        - body, content_type: respond with this raw body (status 200 unless `status` is set).
          content_type defaults to text/plain.
        - hang: never respond. The connection stays open until the client closes it, the
          server stops, or HANG_LIMIT_SECONDS pass.
        - drop: close the connection without sending any response.
        - times: apply to the next `times` requests only, then clear. Default: every request.
        - retry_after: add a Retry-After header with these seconds or this HTTP date.
        - apply (action only): whether a valid action still changes the server's state. It
          defaults to True unless `status` is set. The change happens when the request
          arrives, before any delay, so delay + apply makes an action take effect while the
          client times out. With apply=False and no status the client still gets "success".

        hang, drop and status/body exclude each other. Raises ValueError on an invalid option.
        """
        fault = Fault.from_options(endpoint, options)
        with self._lock:
            self._faults[endpoint] = (fault, fault.times)

    def clear_faults(self, endpoint: str | None = None) -> None:
        """Remove the fault of `endpoint`, or of every endpoint if it is None."""
        if endpoint is not None and endpoint not in ENDPOINTS:
            raise ValueError(f"unknown fault endpoint {endpoint!r}; expected one of {', '.join(ENDPOINTS)}")
        with self._lock:
            if endpoint is None:
                self._faults.clear()
            else:
                self._faults.pop(endpoint, None)

    def faults(self) -> dict[str, dict[str, Any]]:
        """Return the active faults by endpoint, with `times` as the number of requests left."""
        with self._lock:
            return {
                endpoint: {**asdict(fault), "times": remaining}
                for endpoint, (fault, remaining) in self._faults.items()
            }

    def _take_fault(self, endpoint: str) -> Fault | None:
        """Return the fault for one request to `endpoint` and count it against `times`."""
        with self._lock:
            entry = self._faults.get(endpoint)
            if entry is None:
                return None
            fault, remaining = entry
            if remaining is not None:
                if remaining <= 1:
                    del self._faults[endpoint]
                else:
                    self._faults[endpoint] = (fault, remaining - 1)
            return fault

    # Request log

    def requests(self) -> list[dict[str, Any]]:
        """Return a copy of the request log, oldest first.

        Each entry has method, path, query (a dict of the last value of each parameter),
        body (the parsed JSON or form body, or None), status (None when a fault sent no
        response), token_valid and time (time.monotonic() on arrival). The token itself
        is never stored. Every GET, POST, PUT, PATCH and DELETE request outside /_sandbox/
        is logged, unknown paths included, up to the newest REQUEST_LOG_LIMIT entries.
        """
        with self._lock:
            return copy.deepcopy(list(self._request_log))

    def _record_request(
        self, method: str, path: str, query: dict[str, str], body: Any, token_valid: bool
    ) -> dict[str, Any]:
        entry = {
            "method": method,
            "path": path,
            "query": query,
            "body": body,
            "status": None,
            "token_valid": token_valid,
            "time": time.monotonic(),
        }
        with self._lock:
            self._request_log.append(entry)
        return entry

    def _record_status(self, entry: dict[str, Any], status: int) -> None:
        with self._lock:
            entry["status"] = status

    # API responses

    def _is_token_valid(self, token_header: str | None) -> bool:
        if token_header is None:
            return False
        return hmac.compare_digest(token_header.encode("utf-8", "surrogateescape"), self._token)

    def _build_response(
        self,
        endpoint: str,
        token_valid: bool,
        query: dict[str, str],
        raw_body: bytes,
        content_type: str,
        apply_action: bool,
    ) -> _Response:
        """Build the normal response for an API request, and run the action if it is one."""
        if not token_valid:
            return _json_response(HTTPStatus.UNAUTHORIZED, {"message": "Unauthenticated."})
        try:
            if endpoint == "credit":
                with self._lock:
                    return _json_response(HTTPStatus.OK, copy.deepcopy(self._credit))
            if endpoint == "invoice":
                with self._lock:
                    return _json_response(HTTPStatus.OK, copy.deepcopy(self._invoices))
            if endpoint == "cloud":
                return _json_response(HTTPStatus.OK, self._list_servers(query))
            return self._run_action(raw_body, content_type, apply_action)
        except _RequestError as error:
            return error.response()

    def _list_servers(self, query: dict[str, str]) -> dict[str, Any]:
        per_page = _positive_int_parameter(query, "perPage", DEFAULT_PER_PAGE)
        if per_page > MAX_PER_PAGE:
            raise _RequestError(
                HTTPStatus.UNPROCESSABLE_ENTITY, f"perPage must not be greater than {MAX_PER_PAGE}, got {per_page}."
            )
        page = _positive_int_parameter(query, "page", 1)

        first = (page - 1) * per_page
        with self._lock:
            total = len(self._servers)
            page_servers = copy.deepcopy(self._servers[first : first + per_page])
        return {
            "data": page_servers,
            "pagination": {"current_page": page, "total": total, "per_page": per_page},
        }

    def _run_action(self, raw_body: bytes, content_type: str, apply_action: bool) -> _Response:
        fields = _parse_action_body(raw_body, content_type)
        vm_id = _vm_id_field(fields)
        action = fields.get("action")
        if not isinstance(action, str) or not action:
            raise _RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, "The action field is required and must be a string.")

        with self._lock:
            server = self._find_server(vm_id)
            if server is None:
                raise _RequestError(HTTPStatus.NOT_FOUND, f"Cloud server {vm_id} not found.")
            allowed = server.get("actions")
            if not isinstance(allowed, list) or action not in allowed:
                raise _RequestError(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    f"Action {action!r} is not allowed on cloud server {vm_id} now; allowed: {allowed!r}.",
                )
            if apply_action:
                _apply_power_action(server, action)
        return _json_response(HTTPStatus.OK, "success")

    # Control API

    def _handle_control(self, method: str, path: str, query: dict[str, str], raw_body: bytes) -> _Response:
        """Run one request of the control API under /_sandbox/."""
        try:
            return self._route_control(method, path, query, raw_body)
        except _RequestError as error:
            return error.response()

    def _route_control(self, method: str, path: str, query: dict[str, str], raw_body: bytes) -> _Response:
        if path == "/_sandbox/requests":
            _require_method(method, "GET")
            return _json_response(HTTPStatus.OK, self.requests())

        if path == "/_sandbox/reset":
            _require_method(method, "POST")
            options = _json_object_body(raw_body, allow_empty=True)
            server_count = options.get("server_count", _UNSET)
            try:
                self.reset(server_count)
            except ValueError as error:
                raise _RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
            return _json_response(HTTPStatus.OK, {"message": f"Sandbox reset with {len(self.servers())} servers."})

        if path == "/_sandbox/faults":
            _require_method(method, "GET", "POST", "DELETE")
            return self._control_faults(method, query, raw_body)

        if path == "/_sandbox/credit":
            _require_method(method, "POST")
            credit = _json_object_body(raw_body).get("credit")
            try:
                self.set_credit(credit)
            except ValueError as error:
                raise _RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
            return _json_response(HTTPStatus.OK, {"message": f"Credit set to {credit}."})

        if path == "/_sandbox/invoices":
            _require_method(method, "POST")
            invoices = _json_body(raw_body)
            try:
                self.set_invoices(invoices)
            except ValueError as error:
                raise _RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
            return _json_response(HTTPStatus.OK, {"message": f"{len(invoices)} invoices set."})

        server_match = _CONTROL_SERVER_PATH.fullmatch(path)
        if server_match is not None:
            _require_method(method, "POST", "DELETE")
            return self._control_server(method, int(server_match.group(1)), raw_body)

        raise _RequestError(HTTPStatus.NOT_FOUND, f"No sandbox control endpoint at {path}.")

    def _control_faults(self, method: str, query: dict[str, str], raw_body: bytes) -> _Response:
        try:
            if method == "POST":
                options = _json_object_body(raw_body)
                endpoint = options.pop("endpoint", None)
                if endpoint is None:
                    raise ValueError("fault endpoint is missing; set endpoint to credit, invoice, cloud or action")
                self.set_fault(endpoint, **options)
            elif method == "DELETE":
                self.clear_faults(query.get("endpoint"))
        except ValueError as error:
            raise _RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
        return _json_response(HTTPStatus.OK, self.faults())

    def _control_server(self, method: str, vm_id: int, raw_body: bytes) -> _Response:
        try:
            if method == "DELETE":
                self.remove_server(vm_id)
                return _json_response(HTTPStatus.OK, {"message": f"Cloud server {vm_id} removed."})
            return _json_response(HTTPStatus.OK, self.update_server(vm_id, _json_object_body(raw_body)))
        except KeyError:
            raise _RequestError(HTTPStatus.NOT_FOUND, f"Cloud server {vm_id} not found.") from None
        except ValueError as error:
            raise _RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None


class _SandboxHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks open connections, so that stop() can close them."""

    daemon_threads = True

    def __init__(self, sandbox: SandboxServer, host: str, port: int) -> None:
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _SandboxRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open connection, which ends handlers waiting to read from one."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.exception("sandbox failed to handle a request from %s", client_address)


class _SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "HostIranSandbox"
    sys_version = ""
    timeout = _IDLE_CONNECTION_TIMEOUT_SECONDS
    # Headers and body go out in two writes. Nagle's algorithm holds the second write until
    # the client's delayed ACK arrives, which cost about 40 ms per response when measured on Linux.
    disable_nagle_algorithm = True
    server: _SandboxHTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        path = url.path
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            raw_body = self._read_body()
        except _RequestError as error:
            # The unread body would be taken for the next request, so close the connection.
            self.close_connection = True
            if not path.startswith(CONTROL_PREFIX):
                token_valid = sandbox._is_token_valid(self.headers.get("token"))
                entry = sandbox._record_request(self.command, path, query, None, token_valid)
                sandbox._record_status(entry, error.status)
            self._send(error.response())
            logger.info("%s %s -> %d", self.command, path, error.status)
            return

        if path.startswith(CONTROL_PREFIX):
            response = sandbox._handle_control(self.command, path, query, raw_body)
            self._send(response)
            logger.info("%s %s -> %d", self.command, path, response.status)
            return
        self._handle_api(path, query, raw_body)

    def _handle_api(self, path: str, query: dict[str, str], raw_body: bytes) -> None:
        sandbox = self.server.sandbox
        content_type = _media_type(self.headers.get("Content-Type"))
        token_valid = sandbox._is_token_valid(self.headers.get("token"))
        entry = sandbox._record_request(
            self.command, path, query, _decode_body_for_log(raw_body, content_type), token_valid
        )

        route = _API_ROUTES.get(path)
        if route is None:
            response: _Response | None = _json_response(HTTPStatus.NOT_FOUND, {"message": f"No API endpoint at {path}."})
        elif self.command != route[1]:
            response = _json_response(
                HTTPStatus.METHOD_NOT_ALLOWED,
                {"message": f"The {self.command} method is not supported for {path}; use {route[1]}."},
            )
            response.headers["Allow"] = route[1]
        else:
            response = self._build_response_under_fault(route[0], path, token_valid, query, raw_body, content_type)

        if response is None:
            self.close_connection = True
            return
        # Record and log the status first, so that a client that reads either after the response finds it.
        sandbox._record_status(entry, response.status)
        logger.info("%s %s -> %d", self.command, path, response.status)
        self._send(response)

    def _build_response_under_fault(
        self,
        endpoint: str,
        path: str,
        token_valid: bool,
        query: dict[str, str],
        raw_body: bytes,
        content_type: str,
    ) -> _Response | None:
        """Build the response for an API request under the endpoint's fault, if it has one.

        Returns None when the connection must be closed without a response.
        """
        sandbox = self.server.sandbox
        fault = sandbox._take_fault(endpoint)
        if fault is None:
            return sandbox._build_response(endpoint, token_valid, query, raw_body, content_type, apply_action=True)

        early_response = None
        if endpoint == "action":
            # The action runs on arrival, so a client that times out during the delay
            # still finds the server changed.
            early_response = sandbox._build_response(
                endpoint, token_valid, query, raw_body, content_type, apply_action=fault.applies_action()
            )

        if fault.delay > 0 and sandbox._stop_event.wait(fault.delay):
            logger.info("%s %s -> no response, the sandbox stopped during the fault delay", self.command, path)
            return None
        if fault.drop:
            logger.info("%s %s -> connection dropped by fault", self.command, path)
            return None
        if fault.hang:
            self._hang()
            logger.info("%s %s -> no response, hang fault ended", self.command, path)
            return None

        if fault.replaces_response:
            response = fault.response()
        elif early_response is not None:
            response = early_response
        else:
            response = sandbox._build_response(endpoint, token_valid, query, raw_body, content_type, apply_action=True)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    def _hang(self) -> None:
        """Wait until the client closes the connection, the sandbox stops, or the hang limit passes."""
        stop_event = self.server.sandbox._stop_event
        deadline = time.monotonic() + HANG_LIMIT_SECONDS
        while time.monotonic() < deadline and not stop_event.is_set():
            readable, _, _ = select.select([self.connection], [], [], _HANG_POLL_SECONDS)
            if not readable:
                continue
            try:
                if not self.connection.recv(1, socket.MSG_PEEK):
                    return  # the client closed the connection
            except OSError:
                return
            # The client sent more data (a pipelined request). Wait without spinning on it.
            stop_event.wait(_HANG_POLL_SECONDS)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise _RequestError(HTTPStatus.LENGTH_REQUIRED, "Chunked request bodies are not supported; send Content-Length.")
        length_header = self.headers.get("Content-Length")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            length = -1
        if length < 0:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"Invalid Content-Length {length_header!r}.")
        if length > MAX_BODY_BYTES:
            raise _RequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"Request body of {length} bytes is over {MAX_BODY_BYTES} bytes."
            )
        return self.rfile.read(length)

    def _send(self, response: _Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(response.body)
        except OSError as error:
            self.close_connection = True
            logger.info("%s %s: sending the response failed, the client has gone: %s", self.command, self.path, error)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the base class's access line, because _dispatch logs each request."""

    def log_error(self, format: str, *args: Any) -> None:
        """Log protocol errors (malformed requests, idle connection timeouts) to the sandbox logger."""
        logger.info("sandbox request from %s: " + format, self.client_address[0], *args)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the base class, which prints to stderr."""


# Ready-made misbehaviours for `--fault ENDPOINT:preset=NAME`, as a proxy or a broken API answers.
FAULT_PRESETS: dict[str, dict[str, Any]] = {
    # The provider's own credit sample: a stray ";" makes it invalid JSON.
    "provider-sample": {"status": 200, "content_type": "application/json",
                        "body": '{\n"credit": 500000;\n"currency": "IRR"\n}'},
    "html": {"status": 502, "content_type": "text/html",
             "body": "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"},
    "not-json": {"status": 200, "content_type": "text/plain", "body": "OK"},
    "wrong-shape": {"status": 200, "content_type": "application/json", "body": '{"result": {"items": null}}'},
}


def parse_fault_flag(text: str) -> tuple[str, dict[str, Any]]:
    """Parse `ENDPOINT:KEY=VALUE[,KEY=VALUE...]` into an endpoint and fault options.

    Values are read as JSON where they parse (numbers, true, false), otherwise as text;
    `preset=NAME` expands to one of FAULT_PRESETS. Raises ValueError with the reason.
    """
    endpoint, separator, rest = text.partition(":")
    if not separator or not rest:
        raise ValueError(f"expected ENDPOINT:KEY=VALUE, got {text!r}")
    options: dict[str, Any] = {}
    for pair in rest.split(","):
        key, equals, value = pair.partition("=")
        if not equals:
            raise ValueError(f"expected KEY=VALUE, got {pair!r}")
        key = key.strip()
        if key == "preset":
            if value not in FAULT_PRESETS:
                raise ValueError(f"unknown preset {value!r}; expected one of {', '.join(FAULT_PRESETS)}")
            options.update(FAULT_PRESETS[value])
            continue
        try:
            options[key] = json.loads(value)
        except ValueError:
            options[key] = value
    Fault.from_options(endpoint, options)
    return endpoint, options


def serve(host: str, port: int, token: str, server_count: int | None,
          faults: list[tuple[str, dict[str, Any]]] | None = None) -> None:
    """Run a sandbox in the foreground until SIGINT (KeyboardInterrupt) or SIGTERM, then stop it.

    SIGTERM is only handled when this runs in the main thread, because Python installs
    signal handlers only there.
    """
    sandbox = SandboxServer(host=host, port=port, token=token, server_count=server_count)
    for endpoint, options in faults or []:
        sandbox.set_fault(endpoint, **options)
        logger.info("sandbox fault on %s: %s", endpoint, ", ".join(f"{key}={value!r}" for key, value in options.items()))
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGTERM, _raise_stop_requested) if in_main_thread else None
    try:
        sandbox.serve_forever()
    except (KeyboardInterrupt, _StopRequested):
        logger.info("sandbox on %s received a stop signal", sandbox.url)
    finally:
        if in_main_thread:
            # signal.signal() returns None for a handler that was not installed from Python.
            signal.signal(signal.SIGTERM, previous_handler if previous_handler is not None else signal.SIG_DFL)
        sandbox.stop()


class _StopRequested(Exception):
    """Raised by the SIGTERM handler to leave serve_forever()."""


def _raise_stop_requested(signum: int, frame: FrameType | None) -> None:
    raise _StopRequested


# Helpers


def _apply_power_action(server: dict[str, Any], action: str) -> None:
    """Change the power state and actions of `server` as the real action would."""
    power_status = _POWER_STATE_AFTER_ACTION.get(action)
    if power_status is None:
        logger.warning("action %r on cloud server %s has no simulated effect; state unchanged", action, server.get("id"))
        return
    server["power_status"] = power_status
    server["actions"] = list(data.ACTIONS_WHEN_ON if power_status == "on" else data.ACTIONS_WHEN_OFF)


def _json_response(status: int, payload: Any) -> _Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Response(int(status), body, "application/json")


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _media_type(content_type_header: str | None) -> str:
    """Return the media type of a Content-Type header in lower case, or "" if it is missing."""
    if not content_type_header:
        return ""
    return content_type_header.split(";", 1)[0].strip().lower()


def _decode_body_for_log(raw_body: bytes, content_type: str) -> Any:
    """Return the JSON or form body as Python data, or None if it is empty or does not parse."""
    if not raw_body:
        return None
    try:
        if content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(raw_body.decode("utf-8"), keep_blank_values=True))
        return json.loads(raw_body)
    except (UnicodeDecodeError, ValueError):
        return None


def _parse_action_body(raw_body: bytes, content_type: str) -> dict[str, Any]:
    """Parse the JSON or form-encoded body of an action request. Raises _RequestError."""
    if not raw_body:
        return {}
    if content_type == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(raw_body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise _RequestError(HTTPStatus.BAD_REQUEST, "Request body is not valid UTF-8.") from None
    if content_type not in ("", "application/json"):
        raise _RequestError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"Unsupported Content-Type {content_type!r}; send application/json or application/x-www-form-urlencoded.",
        )
    fields = _json_body(raw_body)
    if not isinstance(fields, dict):
        raise _RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, "Request body must be a JSON object.")
    return fields


def _vm_id_field(fields: dict[str, Any]) -> int:
    """Return the vm_id of an action request as an int. Form bodies send it as a string."""
    vm_id = fields.get("vm_id")
    if vm_id is None or vm_id == "":
        raise _RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, "The vm_id field is required.")
    if _is_int(vm_id):
        return vm_id
    if isinstance(vm_id, str) and vm_id.isascii() and vm_id.isdigit():
        return int(vm_id)
    raise _RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, f"The vm_id field must be an integer, got {vm_id!r}.")


def _positive_int_parameter(query: dict[str, str], name: str, default: int) -> int:
    """Return query parameter `name` as an integer of 1 or more. Raises _RequestError (422)."""
    raw_value = query.get(name)
    if raw_value is None:
        return default
    value = int(raw_value) if raw_value.isascii() and raw_value.isdigit() else 0
    if value < 1:
        raise _RequestError(
            HTTPStatus.UNPROCESSABLE_ENTITY, f"{name} must be an integer of 1 or more, got {raw_value!r}."
        )
    return value


def _json_body(raw_body: bytes) -> Any:
    try:
        return json.loads(raw_body)
    except ValueError:
        raise _RequestError(HTTPStatus.BAD_REQUEST, "Request body is not valid JSON.") from None


def _json_object_body(raw_body: bytes, allow_empty: bool = False) -> dict[str, Any]:
    if allow_empty and not raw_body.strip():
        return {}
    value = _json_body(raw_body)
    if not isinstance(value, dict):
        raise _RequestError(HTTPStatus.BAD_REQUEST, "Request body must be a JSON object.")
    return value


def _require_method(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise _RequestError(
            HTTPStatus.METHOD_NOT_ALLOWED, f"The {method} method is not supported here; use {' or '.join(allowed)}."
        )


def _validate_server_count(server_count: Any) -> None:
    if server_count is not None and (not _is_int(server_count) or server_count < 0):
        raise ValueError(f"server_count must be None or an integer of 0 or more, got {server_count!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_header_value(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and "\r" not in value and "\n" not in value
