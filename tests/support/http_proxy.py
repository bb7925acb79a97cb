"""A small HTTP forward proxy for tests, run as its own process: `python -m tests.support.http_proxy`.

It forwards absolute-form requests (`GET http://host/path`) and tunnels CONNECT, and appends
one JSON line per request (method and target host:port) to the file given with --record.
"""

from __future__ import annotations

import argparse
import json
import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade"}


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    record_path: Path
    record_lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def _record(self, target: str) -> None:
        with self.record_lock, self.record_path.open("a", encoding="utf-8") as file:
            file.write(json.dumps({"method": self.command, "target": target}) + "\n")

    def do_CONNECT(self) -> None:  # noqa: N802 - the stdlib's name
        host, _, port = self.path.rpartition(":")
        self._record(self.path)
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        sockets = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                break
            for source in readable:
                data = source.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if source is self.connection else self.connection).sendall(data)

    def _forward(self) -> None:
        parts = urlsplit(self.path)
        if parts.scheme != "http" or not parts.hostname:
            self.send_error(400, "absolute http:// URL expected")
            return
        target = f"{parts.hostname}:{parts.port or 80}"
        self._record(target)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items()
                          if name.lower() not in HOP_BY_HOP)
        request = f"{self.command} {path or '/'} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode() + body
        try:
            with socket.create_connection((parts.hostname, parts.port or 80), timeout=60) as upstream:
                upstream.sendall(request)
                response = b""
                while chunk := upstream.recv(65536):
                    response += chunk
        except OSError:
            self.send_error(502)
            return
        head, _, content = response.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        kept = [line for line in lines[1:] if line.split(":", 1)[0].strip().lower() not in HOP_BY_HOP
                and line.split(":", 1)[0].strip().lower() != "content-length"]
        out = [lines[0], *kept, f"Content-Length: {len(content)}", "Connection: keep-alive"]
        self.wfile.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + content)

    do_GET = _forward  # noqa: N815 - the stdlib's names
    do_POST = _forward  # noqa: N815


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True)
    arguments = parser.parse_args()
    ProxyHandler.record_path = arguments.record
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), ProxyHandler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
