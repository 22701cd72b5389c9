"""A small HTTP server for transfers the charge point makes: firmware downloads (GET) and
diagnostics or log uploads (PUT). The `file_server` fixture (conftest.py) gives each test one."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    time: float
    body: bytes = b""


@dataclass
class FileServer:
    """What the test's HTTP server serves and what it saw. Paths not in `files` are 404; PUT
    answers `put_status`; while `hold` is clear every request waits (to observe a transfer)."""

    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    put_status: int = 201
    requests: list[Request] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def seen(self, method: str, path: str | None = None) -> list[Request]:
        return [r for r in list(self.requests) if r.method == method and (path is None or r.path == path)]


def _handler(server: FileServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # answers Expect: 100-continue, as real servers do

        def do_GET(self):
            server.requests.append(Request("GET", self.path, time.time()))
            server.arrived.set()
            server.hold.wait(30)
            body = server.files.get(self.path)
            self._answer(200 if body is not None else 404, body or b"not found")

        def do_PUT(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            server.requests.append(Request("PUT", self.path, time.time(), body))
            server.arrived.set()
            server.hold.wait(30)
            self._answer(server.put_status, b"")

        def _answer(self, status, body):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    return Handler


@contextmanager
def running_file_server():
    """A started FileServer on a free loopback port, shut down on exit."""
    state = FileServer()
    state.hold.set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, name="file-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.hold.set()
        httpd.shutdown()
        httpd.server_close()
