"""An independent webhook receiver for the tests: http.server on 127.0.0.1 in a thread.

It verifies each delivery as the README tells a receiver to, knowing nothing of the
application's code: HMAC-SHA256 over "timestamp.body" with the shared secret, compared with
hmac.compare_digest.
"""

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def verified(secret, headers, body):
    """The README's check of one delivery."""
    timestamp = headers.get("X-Taskforce-Timestamp", "")
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Taskforce-Signature", ""))


class Receiver:
    """Records every POST: (headers, body, signature verified); answers ``status``."""

    def __init__(self, secret, port=None, status=200):
        self.secret, self.status = secret, status
        self.port = port or free_port()
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name: value for name, value in self.headers.items()}
                receiver.received.append({"headers": headers, "body": body,
                                          "json": json.loads(body),
                                          "ok": verified(receiver.secret, headers, body)})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
