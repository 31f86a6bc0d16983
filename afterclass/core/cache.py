"""The Redis cache, failing open: with Redis unreachable every read misses and every write is
dropped, so that what uses the cache (allauth's failed sign-in counters) keeps working.

The cost is that sign-in throttling is off while Redis is down; the alternative, a 500 on every
sign-in, locks everyone out instead of no one. The outage is logged (once, then at most once a
minute with how many operations failed), and a failed Redis is not asked again for a few seconds,
so that a host that does not answer costs one connect timeout now and then, not one per call.
Nothing may rely on this cache for correctness: a lock that must hold belongs in the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# Short, so that a Redis that does not answer (a dropped packet, not a refused port) delays a
# request by a fraction of a second rather than by the operating system's minutes.
SOCKET_CONNECT_TIMEOUT = 0.5
SOCKET_TIMEOUT = 1.0
# After a failure, Redis is left alone this long: every call fails open at once meanwhile.
RETRY_AFTER = 5.0
# How often the ongoing outage is logged again.
LOG_EVERY = 60.0


class FailOpenRedisCacheClient(RedisCacheClient):
    """Django's Redis client whose every operation answers "nothing there" / "done" when Redis
    cannot be reached, instead of raising."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        options.setdefault("socket_connect_timeout", SOCKET_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(servers, **options)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at: float | None = None
        self._failures = 0

    def _fail_open(self, operation: str, fallback: Result, call: Callable[[], Result]) -> Result:
        if time.monotonic() < self._down_until:
            self._count_failure()
            return fallback
        try:
            return call()
        except RedisError as error:
            self._record_outage(operation, error)
            return fallback

    def _count_failure(self) -> None:
        with self._lock:
            self._failures += 1

    def _record_outage(self, operation: str, error: RedisError) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_AFTER
            self._failures += 1
            if self._logged_at is not None and now - self._logged_at < LOG_EVERY:
                return
            failures, self._failures, self._logged_at = self._failures, 0, now
        logger.warning(
            "The Redis cache cannot be reached (%s on %s: %s); carrying on without it: "
            "sign-in throttling is off until it is back. %d cache operation(s) failed open "
            "since the last report.",
            type(error).__name__,
            operation,
            error,
            failures,
        )

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        # "Added": allauth takes this as its lock and goes on to count, which fails open too.
        return self._fail_open("add", True, lambda: RedisCacheClient.add(self, key, value, timeout))

    def get(self, key: Any, default: Any) -> Any:
        return self._fail_open("get", default, lambda: RedisCacheClient.get(self, key, default))

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._fail_open("set", None, lambda: RedisCacheClient.set(self, key, value, timeout))

    def touch(self, key: Any, timeout: Any) -> bool:
        return self._fail_open("touch", False, lambda: RedisCacheClient.touch(self, key, timeout))

    def delete(self, key: Any) -> bool:
        return self._fail_open("delete", False, lambda: RedisCacheClient.delete(self, key))

    def get_many(self, keys: Iterable[Any]) -> dict[Any, Any]:
        return self._fail_open("get_many", {}, lambda: RedisCacheClient.get_many(self, keys))

    def has_key(self, key: Any) -> bool:
        return self._fail_open("has_key", False, lambda: RedisCacheClient.has_key(self, key))

    def incr(self, key: Any, delta: int) -> Any:
        unreachable = object()
        result = self._fail_open(
            "incr", unreachable, lambda: RedisCacheClient.incr(self, key, delta)
        )
        if result is unreachable:
            # What Django's caches say of a key they do not hold, which without Redis is every key.
            raise ValueError(f"Key '{key}' not found.")
        return result

    def set_many(self, data: Mapping[Any, Any], timeout: Any) -> None:
        self._fail_open("set_many", None, lambda: RedisCacheClient.set_many(self, data, timeout))

    def delete_many(self, keys: Iterable[Any]) -> None:
        self._fail_open("delete_many", None, lambda: RedisCacheClient.delete_many(self, keys))

    def clear(self) -> bool:
        return self._fail_open("clear", False, lambda: RedisCacheClient.clear(self))


class FailOpenRedisCache(RedisCache):
    """settings.CACHES backend: Django's RedisCache through FailOpenRedisCacheClient."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
