"""A push service on loopback for the push tests, and a browser's subscription keys."""

import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from afterclass.webapp import vapid
from afterclass.webapp.vapid import b64url


@dataclass
class PushService:
    """Records every POST (path, headers, body) and answers with the status set for its path
    (201 unless told otherwise; a list is answered one status per request)."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)

    def endpoint(self, name: str) -> str:
        return f"{self.url}/push/{name}"

    def answer(self, path: str) -> int:
        status = self.answers.get(path, 201)
        if isinstance(status, list):
            return status.pop(0) if len(status) > 1 else status[0]
        return int(status)


@pytest.fixture
def push_service(settings):
    settings.AFTERCLASS_PUSH_ALLOW_LOOPBACK = True

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            service.received.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
            )
            status = service.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid_pair(monkeypatch):
    keys = vapid.generate()
    monkeypatch.setenv("AFTERCLASS_VAPID_PUBLIC_KEY", keys.public_key)
    monkeypatch.setenv("AFTERCLASS_VAPID_PRIVATE_KEY", keys.private_key)
    vapid.vapid_keys.cache_clear()
    yield keys
    vapid.vapid_keys.cache_clear()


@dataclass
class BrowserKeys:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    p256dh: str
    auth_secret: bytes

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription_json(self, endpoint: str) -> str:
        return json.dumps(
            {"endpoint": endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
        )


@pytest.fixture
def browser_keys() -> BrowserKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return BrowserKeys(private_key=private, p256dh=b64url(public), auth_secret=os.urandom(16))
