"""The Redis cache fails open: signing in works with Redis unreachable, and the outage is logged."""

import logging
import os
import socket
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from afterclass.core.cache import RETRY_AFTER

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password"  # what PersonFactory gives everyone
WRONG_PASSWORD = "not-my-password"


def closed_port() -> int:
    # A port nothing listens on: bound, then released, so a connection is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_down(settings) -> str:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {"BACKEND": "afterclass.core.cache.FailOpenRedisCache", "LOCATION": url}
    }
    return url


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_sign_in_works_with_redis_unreachable_and_says_so_in_the_log(
    client, person, redis_down, caplog
):
    caplog.set_level(logging.WARNING, logger="afterclass.core.cache")

    failed = sign_in(client, person.email, WRONG_PASSWORD)
    response = sign_in(client, person.email)

    assert failed.status_code == 200
    assert "The e-mail address or the password is not right." in failed.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("my-profile")).wsgi_request.user == person
    warnings = [r for r in caplog.records if r.name == "afterclass.core.cache"]
    assert warnings, "the Redis outage is not logged"
    assert "The Redis cache cannot be reached" in warnings[0].getMessage()
    assert "sign-in throttling is off" in warnings[0].getMessage()


def test_fail_open_cache_reads_miss_and_writes_pass_when_redis_is_unreachable(redis_down):
    cache.set("greeting", "hello")

    assert cache.get("greeting") is None
    assert cache.get("greeting", "fallback") == "fallback"
    assert cache.add("lock", value=True) is True
    assert cache.get_many(["greeting", "lock"]) == {}
    assert cache.delete("greeting") is False
    assert cache.has_key("greeting") is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")


def test_fail_open_cache_logs_an_outage_once_not_on_every_call(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="afterclass.core.cache")

    for number in range(20):
        cache.get(f"key-{number}")

    assert len([r for r in caplog.records if r.name == "afterclass.core.cache"]) == 1


def test_fail_open_cache_does_not_wait_on_a_dead_redis_for_every_call(redis_down):
    # The first call finds Redis down; the next ones, within RETRY_AFTER, do not try again.
    cache.get("first")
    started = time.monotonic()
    for number in range(200):
        cache.get(f"key-{number}")
    assert time.monotonic() - started < min(RETRY_AFTER, 1.0)


def test_fail_open_cache_still_throttles_failed_sign_ins_when_redis_is_up(client, person, settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: this runs against a real Redis (CI sets it).")
    settings.CACHES = {
        "default": {
            "BACKEND": "afterclass.core.cache.FailOpenRedisCache",
            "LOCATION": url,
            # Keys of this test only, so that it needs no flush of a Redis others may share.
            "KEY_PREFIX": f"test-cache-{os.getpid()}-{time.time_ns()}",
        }
    }
    for _ in range(5):
        sign_in(client, person.email, WRONG_PASSWORD)

    response = sign_in(client, person.email)  # even the right password waits now

    assert "Too many failed sign-ins for this address" in response.content.decode()
