"""Counting requests against a rate, and saying when the next one is allowed (Retry-After).

One limiter for the whole site: allauth's, which sign-in throttling and SCIM already use. It
keeps each bucket's recent request times in the default cache, so every process and app server
shares the count when the cache is Redis (`REDIS_URL`); with the embedded default's in-process
cache each process counts on its own. With Redis unreachable the cache fails open
(`core.cache.FailOpenRedisCache`): nothing is counted and nothing is refused.
"""

from __future__ import annotations

import math
import time

from allauth.core.internal.ratelimit import consume, get_cache_key, parse_rate
from django.core.cache import cache
from django.http import HttpRequest


def per_minute(amount: int, per: str) -> str:
    """allauth's spelling of `amount` requests a minute per `per` ("key" or "ip")."""
    return f"{amount}/m/{per}"


def seconds_until_allowed(
    request: HttpRequest, *, app: str, action: str, rate: str, key: str | None = None
) -> int | None:
    """Count this request against `rate` (e.g. "600/m/key", "60/m/ip"). None when it is within
    the rate; otherwise the whole seconds (at least 1) until the oldest counted request leaves the
    window and one more is allowed, for Retry-After. A refused request is not counted, so a
    client that waits as told gets through."""
    if consume(request, app=app, action=action, config={action: rate}, key=key, limit_get=True):
        return None
    parsed = parse_rate(rate)
    window = float(parsed.duration)
    history: list[float] = cache.get(
        get_cache_key(request, app=app, action=action, rate=parsed, key=key), []
    )
    if len(history) < int(parsed.amount):
        # Refused because the bucket's lock was busy, or a count that has just expired.
        return 1
    return max(1, math.ceil(history[-1] + window - time.time()))
