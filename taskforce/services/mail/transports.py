"""How messages leave: an SMTP server, or .eml files in a folder when no server is set.

``transport_for`` picks one from the configuration; ``config_problems`` says at start what
is wrong with the mail settings, before a message is ever sent.
"""

import hashlib
import os
import smtplib
import ssl
from email.utils import parseaddr
from pathlib import Path

from flask_babel import gettext as _

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class SMTPTransport:
    """An SMTP server; ``open()`` gives a connection that sends many messages."""

    name = "smtp"

    def __init__(self, host, port=25, *, use_tls=False, use_ssl=False, username="",
                 password="", timeout=30, cafile=None):
        self.host, self.port = host, int(port)
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password
        self.timeout, self.cafile = timeout, cafile

    def describe(self):
        security = "SSL" if self.use_ssl else "STARTTLS" if self.use_tls else _("no TLS")
        return f"SMTP {self.host}:{self.port} ({security})"

    def ssl_context(self):
        """Certificate and host name checked against the system's CAs (and MAIL_CA_FILE)."""
        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(cafile=self.cafile)
        return context

    def open(self):
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self.ssl_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                smtp.starttls(context=self.ssl_context())
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return _SMTPConnection(smtp)


class _SMTPConnection:
    def __init__(self, smtp):
        self.smtp = smtp

    def send(self, email, *, sender, recipient, key):
        self.smtp.send_message(email, from_addr=sender, to_addrs=[recipient])

    def close(self):
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()


class FileTransport:
    """Writes each message as an .eml file: the default when no SMTP server is set."""

    name = "file"

    def __init__(self, directory):
        self.directory = Path(directory)

    def describe(self):
        return str(self.directory)

    def open(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, email, *, sender, recipient, key):
        # A stable name: delivering the same message again rewrites the same file.
        path = self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(email.as_bytes())
        os.replace(partial, path)
        return str(path)

    def close(self):
        pass


def transport_for(config):
    """SMTP when MAIL_SERVER is set, else .eml files under MAIL_OUTBOX_DIR."""
    if not config.get("MAIL_SERVER"):
        return FileTransport(config["MAIL_OUTBOX_DIR"])
    return SMTPTransport(
        config["MAIL_SERVER"], config["MAIL_PORT"], use_tls=bool(config["MAIL_USE_TLS"]),
        use_ssl=bool(config["MAIL_USE_SSL"]), username=config.get("MAIL_USERNAME") or "",
        password=config.get("MAIL_PASSWORD") or "", timeout=config["MAIL_TIMEOUT"],
        cafile=config.get("MAIL_CA_FILE") or None)


def _whole_number(config, name, low, high=None):
    value = config.get(name)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < low \
            or (high is not None and int(text) > high):
        limit = f"from {low} to {high}" if high is not None else f"of at least {low}"
        return f"{name} must be a whole number {limit}, not {value!r}"
    return None


def config_problems(config):
    """What is wrong with the mail settings, as sentences; empty when they are usable."""
    problems = [_whole_number(config, "MAIL_PORT", 1, 65535),
                _whole_number(config, "MAIL_TIMEOUT", 1, 600),
                _whole_number(config, "MAIL_MAX_ATTEMPTS", 1, 30),
                _whole_number(config, "MAIL_BATCH_SIZE", 1),
                _whole_number(config, "MAIL_SENDING_TIMEOUT", 60)]
    server = str(config.get("MAIL_SERVER") or "")
    if server and ("://" in server or any(c.isspace() for c in server) or "/" in server):
        problems.append(f"MAIL_SERVER must be a host name such as smtp.example.gov.vn, "
                        f"not {server!r}")
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        problems.append("MAIL_USE_TLS (STARTTLS, usually port 587) and MAIL_USE_SSL (implicit "
                        "TLS, usually port 465) cannot both be on")
    if bool(config.get("MAIL_USERNAME")) != bool(config.get("MAIL_PASSWORD")):
        problems.append("MAIL_USERNAME and MAIL_PASSWORD must be set together")
    if server and config.get("MAIL_USERNAME") and server.lower() not in LOCAL_HOSTS \
            and not (config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")):
        problems.append("MAIL_USERNAME is set without MAIL_USE_TLS or MAIL_USE_SSL: the "
                        "password would cross the network in clear")
    sender = parseaddr(str(config.get("MAIL_DEFAULT_SENDER") or ""))[1]
    if "@" not in sender:
        problems.append(f"MAIL_DEFAULT_SENDER must be an e-mail address, not "
                        f"{config.get('MAIL_DEFAULT_SENDER')!r}")
    cafile = config.get("MAIL_CA_FILE")
    if cafile and not os.path.isfile(cafile):
        problems.append(f"MAIL_CA_FILE {cafile!r} is not a file")
    if not any(problems[:5]) and int(config["MAIL_SENDING_TIMEOUT"]) < \
            6 * int(config["MAIL_TIMEOUT"]):
        problems.append("MAIL_SENDING_TIMEOUT must be at least six times MAIL_TIMEOUT, or a "
                        "slow message would be taken for an interrupted one and sent twice")
    return [problem for problem in problems if problem]
