"""The webhook transport: outbox rows of kind ``webhook`` POSTed, signed, to their URL.

The delivery pass (``delivery.deliver_pending``) runs with this transport for the webhook
channel exactly as with SMTP for e-mail: the same claims, fencing, back-off and "possibly
sent twice". Each try is signed afresh with the subscription's secret:

    X-Taskforce-Signature: sha256=HEX(HMAC-SHA256(secret, f"{timestamp}.{body}"))

where ``timestamp`` is the X-Taskforce-Timestamp header (Unix seconds) and ``body`` the raw
request body. A receiver keeps the X-Taskforce-Delivery id to ignore a repeat.
"""

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from taskforce.models import WebhookSubscription
from taskforce.services.webhook_events import KIND

SCHEMES = ("http", "https")
USER_AGENT = "taskforce-webhooks/1"


class WebhookError(Exception):
    """A delivery that did not get a 2xx answer (the message's own failure, retried)."""


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: bytes
    headers: dict


def signature(secret, timestamp, body):
    """``sha256=`` and the hex HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(*, secret, event, delivery, body, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            "X-Taskforce-Event": event, "X-Taskforce-Delivery": delivery,
            "X-Taskforce-Timestamp": str(timestamp),
            "X-Taskforce-Signature": signature(secret, timestamp, body)}


def delivery_id(key):
    """The X-Taskforce-Delivery id: the same at every try of one outbox row."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def is_web_url(url):
    """Whether ``url`` is an absolute http(s) URL with a host."""
    parts = urlsplit(url or "")
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a place to send the body (and its signature) again."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class WebhookTransport:
    """POSTs each webhook row to its subscription's URL; 2xx is delivered, anything else is
    an error the pass records and retries with back-off."""

    name = "webhook"
    channel = KIND

    def __init__(self, timeout=10):
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirect)

    def describe(self):
        return "HTTP POST"

    def build(self, session, message, *, sender=None):
        """The signed request of an outbox row, signed now with its subscription's secret."""
        subscription = session.get(WebhookSubscription, message.webhook_id) \
            if message.webhook_id else None
        if subscription is None:
            raise WebhookError("the webhook subscription no longer exists")
        if not is_web_url(message.recipient):
            raise WebhookError("only http and https URLs are called")
        body = message.body_text.encode("utf-8")
        return WebhookRequest(message.recipient, body, signed_headers(
            secret=subscription.secret, event=message.subject,
            delivery=delivery_id(message.dedupe_key), body=body))

    def open(self):
        return self

    def send(self, request, *, sender=None, recipient=None, key=None):
        if not is_web_url(request.url):
            raise WebhookError("only http and https URLs are called")
        # Checked just above: http(s) only.
        http = urllib.request.Request(request.url, data=request.body,  # noqa: S310
                                      headers=request.headers, method="POST")
        try:
            with self.opener.open(http, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise WebhookError(f"HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise WebhookError(f"{request.url}: {reason}") from None
        if not 200 <= status < 300:
            raise WebhookError(f"HTTP {status}")
        return None

    def close(self):
        pass
