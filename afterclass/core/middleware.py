"""Middleware of every request: an id for its log lines (RequestIdMiddleware), and domain errors
raised in page views turned into error pages with the right status (DomainErrorMiddleware)."""

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from afterclass.core import logs
from afterclass.core.errors import AfterclassError

TITLES = {400: "Cannot do that", 403: "Not allowed", 404: "Not found", 409: "Cannot do that"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AfterclassError):
            return None
        return render(
            request,
            "error.html",
            {"title": TITLES.get(exception.status, "Error"), "message": exception.message},
            status=exception.status,
        )


# An id sent by a proxy is kept only if it looks like one (nginx's $request_id is 32 hex digits;
# UUIDs and most tracing ids fit), so a log line cannot be forged through it.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
request_logger = logging.getLogger("afterclass.request")


def _networks(trusted: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _within(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def from_trusted_proxy(meta: dict[str, Any], trusted: list[str]) -> bool:
    """Whether the request reached us through one of the proxies of FORWARDED_ALLOW_IPS.

    uvicorn has already replaced the connecting address with the client's when (and only when)
    a trusted proxy connected: the client is then the last address of X-Forwarded-For that is
    not a proxy's. Without X-Forwarded-For, the connecting address itself must be a proxy's.
    """
    if "*" in trusted:
        return True
    networks = _networks(trusted)
    remote = str(meta.get("REMOTE_ADDR") or "")
    forwarded = [entry.strip() for entry in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if not forwarded:
        return _within(remote, networks)
    clients = [entry for entry in forwarded if not _within(entry, networks)]
    return remote == (clients[-1] if clients else forwarded[0])


class RequestIdMiddleware:
    """Gives each request an id: the `X-Request-ID` a trusted proxy sent (FORWARDED_ALLOW_IPS),
    else a new one. Every log line written while the request runs carries it (core.logs), the
    response returns it in `X-Request-ID`, and one line per request is logged at INFO."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted: list[str] = list(getattr(settings, "FORWARDED_ALLOW_IPS", []))

    def request_id_of(self, request: HttpRequest) -> str:
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        if (
            sent
            and REQUEST_ID_PATTERN.fullmatch(sent)
            and from_trusted_proxy(request.META, self.trusted)
        ):
            return str(sent)
        return uuid.uuid4().hex

    def __call__(self, request: HttpRequest) -> HttpResponse:
        identifier = self.request_id_of(request)
        request.request_id = identifier  # type: ignore[attr-defined]
        token = logs.request_id.set(identifier)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = identifier
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            logs.request_id.reset(token)
