"""What a browser sends when push is turned on or off: the Push API's subscription, checked
before it is stored (the endpoint is where the server will send requests)."""

from __future__ import annotations

import binascii
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from afterclass.webapp.vapid import b64url_decode

P256_POINT_LENGTH = 65  # an uncompressed P-256 public key: 0x04, then x and y
AUTH_SECRET_LENGTH = 16


def _decoded(value: str, length: int, what: str) -> str:
    try:
        raw = b64url_decode(value)
    except (binascii.Error, ValueError) as error:
        raise forms.ValidationError(f"The {what} is not base64url.") from error
    if len(raw) != length or (length == P256_POINT_LENGTH and raw[0] != 4):
        raise forms.ValidationError(f"The {what} is not a key of the right kind.")
    return value


PRIVATE_NETWORK = "The push service's address must be on the internet, not a private network."


def check_endpoint(endpoint: str) -> str:
    """A push service's https address by name, never a bare IP address, localhost, or a name on
    a private, loopback or link-local network: the server posts to it, and must not be made to
    post inside its own network. Tests run their push service on loopback
    (AFTERCLASS_PUSH_ALLOW_LOOPBACK)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").rstrip(".")
    if getattr(settings, "AFTERCLASS_PUSH_ALLOW_LOOPBACK", False) and host == "127.0.0.1":
        return endpoint
    if parts.scheme != "https" or not host or parts.username:
        raise forms.ValidationError("The push service's address must be an https address.")
    if host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        raise forms.ValidationError(PRIVATE_NETWORK)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise forms.ValidationError("The push service's address must be a name, not a number.")
    if any(not address.is_global for address in _addresses(host, parts.port or 443)):
        raise forms.ValidationError(PRIVATE_NETWORK)
    return endpoint


# Names that never leave the local network (RFC 6761, 6762, 8375 and common internal ones).
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet")


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """What the name resolves to now; nothing when it does not resolve (a push to it fails, and
    the device is forgotten as expired)."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    addresses = []
    for _family, _type, _proto, _name, sockaddr in found:
        try:
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        except ValueError:
            continue
    return addresses


class PushSubscriptionForm(forms.Form):
    endpoint = forms.CharField(max_length=1000)
    p256dh = forms.CharField(max_length=100)
    auth = forms.CharField(max_length=40)
    label = forms.CharField(max_length=120, required=False)

    def __init__(self, body: dict[str, Any]) -> None:
        given = body.get("keys")
        keys: dict[str, Any] = given if isinstance(given, dict) else {}
        super().__init__(
            {
                "endpoint": body.get("endpoint"),
                "p256dh": keys.get("p256dh"),
                "auth": keys.get("auth"),
                "label": body.get("label", ""),
            }
        )

    def clean_endpoint(self) -> str:
        return check_endpoint(self.cleaned_data["endpoint"])

    def clean_p256dh(self) -> str:
        return _decoded(self.cleaned_data["p256dh"], P256_POINT_LENGTH, "device's public key")

    def clean_auth(self) -> str:
        return _decoded(self.cleaned_data["auth"], AUTH_SECRET_LENGTH, "device's secret")
