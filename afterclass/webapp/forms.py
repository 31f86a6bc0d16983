"""What a browser sends when push is turned on or off: the Push API's subscription, checked
before it is stored (the endpoint is where the server will send requests)."""

from __future__ import annotations

import binascii
import ipaddress
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


def check_endpoint(endpoint: str) -> str:
    """A push service's https address by name, never a bare IP address or localhost: the server
    posts to it. Tests run their push service on loopback (AFTERCLASS_PUSH_ALLOW_LOOPBACK)."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if getattr(settings, "AFTERCLASS_PUSH_ALLOW_LOOPBACK", False) and host == "127.0.0.1":
        return endpoint
    if parts.scheme != "https" or not host or host == "localhost" or parts.username:
        raise forms.ValidationError("The push service's address must be an https address.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return endpoint
    raise forms.ValidationError("The push service's address must be a name, not a number.")


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
