"""A client's back-channel logout endpoint for the tests: an HTTP server on 127.0.0.1 that keeps what it was sent."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class LogoutReceiver:
    """The logout tokens received, and the statuses to answer with, one per request (then 200)."""

    url: str
    statuses: list[int] = field(default_factory=list)
    logout_tokens: list[str] = field(default_factory=list)


@contextmanager
def logout_receiver(*statuses: int) -> Iterator[LogoutReceiver]:
    receiver = LogoutReceiver(url="", statuses=list(statuses))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            receiver.logout_tokens.extend(parse_qs(body).get("logout_token", []))
            self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/backchannel-logout"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
