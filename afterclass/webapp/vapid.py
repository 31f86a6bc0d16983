"""The server's VAPID key pair, which identifies Afterclass to push services: from
AFTERCLASS_VAPID_PUBLIC_KEY / AFTERCLASS_VAPID_PRIVATE_KEY (base64url, the raw P-256 point and
scalar), or else generated once and kept in the data folder (vapid.json), as the secret key is."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings


@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # what a browser's pushManager.subscribe takes as applicationServerKey
    private_key: str


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate() -> VapidKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    return VapidKeys(
        public_key=b64url(
            private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        ),
        private_key=b64url(private.private_numbers().private_value.to_bytes(32, "big")),
    )


@cache
def vapid_keys() -> VapidKeys:
    public = os.environ.get("AFTERCLASS_VAPID_PUBLIC_KEY", "").strip()
    private = os.environ.get("AFTERCLASS_VAPID_PRIVATE_KEY", "").strip()
    if public and private:
        return VapidKeys(public_key=public, private_key=private)
    path = settings.DATA_DIR / "vapid.json"
    if not path.exists():
        keys = generate()
        # Written aside and renamed: two processes starting together keep one pair.
        draft = path.with_name(f".vapid.{os.getpid()}")
        draft.write_text(json.dumps({"public": keys.public_key, "private": keys.private_key}))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # fails if another process got there first: keep theirs
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    stored = json.loads(path.read_text())
    return VapidKeys(public_key=stored["public"], private_key=stored["private"])


def vapid_subject() -> str:
    """Whom a push service contacts about our pushes: the site's sender address."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return f"mailto:{address or 'afterclass@localhost'}"
