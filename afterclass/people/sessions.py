"""A person's signed-in sessions as they see them: the device in plain words, the network
(never the full address), when it was last seen; and the "last seen" kept fresh.

The sessions themselves are allauth.usersessions' records, made at each sign-in; the actions
that end them are in people.actions.sessions.
"""

from __future__ import annotations

import ipaddress
import re
import time
from dataclasses import dataclass
from datetime import datetime

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from afterclass.people.models import Person

# Seconds since the epoch of the last "last seen" written for this session; set at sign-in.
SEEN_SESSION_KEY = "afterclass_seen_at"
# A session's "last seen" is written at most this often, so pages stay reads.
SEEN_EVERY_SECONDS = 300

_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("Linux", re.compile(r"Linux|X11")),
)


def describe_device(user_agent: str) -> str:
    """A browser's User-Agent in plain words, e.g. "Chrome on Linux"."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), None)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return f"{browser or 'A browser'} on {system or 'an unknown system'}"
    return "An unknown device or program"


def describe_network(address: str) -> str:
    """The network an address is in (a /24 for IPv4, a /48 for IPv6), never the address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "Unknown network"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@dataclass(frozen=True)
class SeenSession:
    """One of a person's sessions, as their own Sessions page shows it."""

    pk: int
    device: str
    network: str
    signed_in_at: datetime
    last_seen_at: datetime
    is_current: bool


def sessions_of(person: Person, current_key: str | None) -> list[SeenSession]:
    """The person's own signed-in sessions, newest activity first (one query).

    Only sessions the person signed in with a password, a code or a key are recorded; one that
    has ended (signed out, expired) is dropped when they next sign in (allauth purges them).
    """
    rows = UserSession.objects.filter(user=person).order_by("-last_seen_at", "-pk")
    return [
        SeenSession(
            pk=row.pk,
            device=describe_device(row.user_agent),
            network=describe_network(row.ip),
            signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=row.session_key == current_key,
        )
        for row in rows
    ]


def start_seen_clock(session: SessionBase) -> None:
    """At sign-in: the session's last seen is now (allauth records it with its address)."""
    session[SEEN_SESSION_KEY] = int(time.time())


def touch_last_seen(request: HttpRequest) -> None:
    """Keep a signed-in session's last seen, address and device fresh, at most every few
    minutes: one query then, none in between (the time of the last write is in the session)."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return
    seen = session.get(SEEN_SESSION_KEY)
    now = int(time.time())
    if seen is None or now - int(seen) < SEEN_EVERY_SECONDS:
        return
    session[SEEN_SESSION_KEY] = now
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    UserSession.objects.filter(session_key=session.session_key).update(
        last_seen_at=timezone.now(),
        ip=get_account_adapter().get_client_ip(request),
        user_agent=user_agent,
    )
