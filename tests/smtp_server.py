"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, collecting what it accepts."""

import asyncio
import email
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One message the server accepted: the connection it came on, envelope and content."""

    peer: tuple
    mail_from: str
    rcpt_tos: list
    content: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.content, policy=policy.default)

    @property
    def message_id(self):
        return self.message["Message-ID"]


class Handler:
    """Accepts every message (after ``delay`` seconds), refusing the listed recipients."""

    def __init__(self, delay=0.0, refuse=None):
        self.delay = delay
        self.refuse = refuse or {}
        self.received = []
        self.logins = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(Received(session.peer, envelope.mail_from,
                                          list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"to-cong-tac" \
            and auth_data.password == b"mat-khau-thu"
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


class SMTPServer:
    """aiosmtpd on a fixed local port that can be stopped and started again."""

    def __init__(self, handler, port=None, tls=None, utf8=True):
        self.handler = handler
        self.port = port or free_port()
        self.tls = tls
        self.utf8 = utf8
        self.controller = None

    def start(self):
        kwargs = {"enable_SMTPUTF8": self.utf8}
        if self.tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.tls.cert, self.tls.key)
            kwargs.update(tls_context=context, require_starttls=True,
                          authenticator=self.handler.authenticate, auth_required=True)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     **kwargs)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self):
        return [item.message_id for item in self.received]

    def connections(self):
        return len({item.peer for item in self.received})


@dataclass
class Certificate:
    cert: str
    key: str


def self_signed_certificate(directory):
    """A certificate for 127.0.0.1 made by the openssl command, or None without it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return Certificate(str(cert), str(key))
