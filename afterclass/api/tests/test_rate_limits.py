"""The API's rate limits: per access token, and per client address for requests that
authenticate as nobody; on the in-process cache and on Redis (shared by every app server)."""

import os
import subprocess
import sys
import time

import pytest
from django.test import Client

from afterclass.api.auth import ADDRESS_RATE_EXCEEDED, BEARER_RATE_EXCEEDED, UNKNOWN_BEARER
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import AccessToken, Person
from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/people/me"
LIMIT = 3


@pytest.fixture(params=["memory", "redis"])
def shared_cache(request, settings) -> str:
    """Each test on the embedded default's in-process cache, and again on Redis (skipped
    without REDIS_URL), with keys of its own so that no flush of a shared Redis is needed."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set: the Redis run needs a real Redis (CI sets it).")
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "afterclass.core.cache.FailOpenRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-api-rate-{os.getpid()}-{time.time_ns()}",
            },
        }
    settings.AFTERCLASS_API_RATE_LIMIT = LIMIT
    settings.AFTERCLASS_API_IP_RATE_LIMIT = LIMIT
    return request.param


@pytest.fixture
def clock(monkeypatch) -> dict[str, float]:
    """The limiter's clock, moved by hand: the window is a real minute."""
    now = {"time": float(int(time.time()))}  # whole seconds: exact sums, exact Retry-After
    monkeypatch.setattr(time, "time", lambda: now["time"])
    return now


def token_for(person: Person) -> str:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return raw


def get(client: Client, token: str, address: str = "192.0.2.10", **headers: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address, **headers)


def test_token_rate_refuses_the_request_after_the_limit_with_retry_after(
    client, person, shared_cache, clock
):
    token = token_for(person)
    for _ in range(LIMIT):
        assert get(client, token).status_code == 200
    clock["time"] += 20

    refused = get(client, token)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json() == {
        "detail": BEARER_RATE_EXCEEDED.format(limit=LIMIT, seconds=40),
        "field": None,
        "errors": [],
    }


def test_token_rate_does_not_limit_another_token(client, person, shared_cache, clock):
    token = token_for(person)
    for _ in range(LIMIT + 1):
        get(client, token)

    assert get(client, token_for(person)).status_code == 200
    assert get(client, token_for(PersonFactory())).status_code == 200


def test_token_rate_allows_requests_again_once_the_window_has_passed(
    client, person, shared_cache, clock
):
    token = token_for(person)
    for _ in range(LIMIT):
        get(client, token)
    assert get(client, token).status_code == 429

    clock["time"] += 60

    assert get(client, token).status_code == 200


def test_token_rate_counts_across_app_servers_on_redis(person, shared_cache, clock):
    # Two clients stand for two app servers: they share nothing but the cache.
    token = token_for(person)
    for server in [Client(), Client(), Client()]:
        assert get(server, token).status_code == 200

    answer = get(Client(), token)

    assert answer.status_code == 429


# Another process (another app server) asks the limiter about the same token.
OTHER_PROCESS = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "afterclass.settings"
import django
django.setup()
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "afterclass.core.cache.FailOpenRedisCache",
                               "LOCATION": sys.argv[1], "KEY_PREFIX": sys.argv[2]}}
from django.test import RequestFactory
from afterclass.core.ratelimit import per_minute, seconds_until_allowed
request = RequestFactory().get("/api/v1/people/me")
print(seconds_until_allowed(request, app="afterclass.api", action="token",
                            rate=per_minute(int(sys.argv[3]), "key"), key=sys.argv[4]))
"""


def test_token_rate_is_shared_with_another_process_on_redis(client, person, shared_cache, settings):
    if shared_cache != "redis":
        pytest.skip("The in-process cache counts per process (documented); Redis is shared.")
    token = token_for(person)
    for _ in range(LIMIT):
        assert get(client, token).status_code == 200
    token_id = AccessToken.objects.get(person=person).pk
    cache_settings = settings.CACHES["default"]

    answer = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", OTHER_PROCESS, cache_settings["LOCATION"],
         cache_settings["KEY_PREFIX"], str(LIMIT), f"token:{token_id}"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip

    wait = answer.stdout.strip().splitlines()[-1]
    assert wait != "None"
    assert 1 <= int(wait) <= 60


def test_token_rate_counts_writes_refused_to_a_read_only_token(client, person, shared_cache):
    _, raw = do_create_access_token(person, "reader", scope="read", actor=person)
    for _ in range(LIMIT):
        response = client.post(
            "/api/v1/spaces", {}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )  # fmt: skip
        assert response.status_code == 403

    assert get(client, raw).status_code == 429


def test_token_rate_off_when_zero(client, person, shared_cache, settings):
    settings.AFTERCLASS_API_RATE_LIMIT = 0
    token = token_for(person)
    for _ in range(LIMIT * 3):
        assert get(client, token).status_code == 200


def test_address_rate_refuses_bad_tokens_after_the_limit(client, shared_cache, clock):
    for _ in range(LIMIT):
        refused = get(client, "not-a-token")
        assert refused.status_code == 401
        assert refused.json()["detail"] == UNKNOWN_BEARER
    clock["time"] += 1

    limited = get(client, "not-a-token")

    assert limited.status_code == 429
    assert limited["Retry-After"] == "59"
    assert limited.json()["detail"] == ADDRESS_RATE_EXCEEDED.format(limit=LIMIT, seconds=59)


def test_address_rate_counts_requests_without_credentials(client, shared_cache):
    for _ in range(LIMIT):
        assert client.get(ME, REMOTE_ADDR="192.0.2.10").status_code == 401

    assert client.get(ME, REMOTE_ADDR="192.0.2.10").status_code == 429


def test_address_rate_lets_a_valid_token_from_that_address_through(client, person, shared_cache):
    for _ in range(LIMIT + 1):
        get(client, "not-a-token")

    assert get(client, token_for(person)).status_code == 200


def test_address_rate_keys_on_each_client_address(client, shared_cache):
    for _ in range(LIMIT + 1):
        get(client, "not-a-token", address="192.0.2.10")

    assert get(client, "not-a-token", address="192.0.2.11").status_code == 401


def test_address_rate_keys_on_the_forwarded_client_behind_trusted_proxies(
    client, shared_cache, settings
):
    # With AFTERCLASS_TRUSTED_PROXIES=1 the proxy (the connecting address) is not the client:
    # the address it appended to X-Forwarded-For is.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"
    for _ in range(LIMIT + 1):
        get(client, "not-a-token", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert (
        get(client, "not-a-token", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        == 429
    )
    assert (
        get(client, "not-a-token", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code
        == 401
    )


def test_rate_limits_fail_open_when_redis_is_down(client, person, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "afterclass.core.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens there
        },
    }
    settings.AFTERCLASS_API_RATE_LIMIT = 1
    settings.AFTERCLASS_API_IP_RATE_LIMIT = 1
    token = token_for(person)

    assert [get(client, token).status_code for _ in range(3)] == [200, 200, 200]
    assert [get(client, "not-a-token").status_code for _ in range(3)] == [401, 401, 401]


def test_openapi_documents_429_with_retry_after_on_every_operation(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            answer = operation["responses"].get("429")
            assert answer, f"{method} {path} does not document 429"
            assert "Retry-After" in answer["headers"]
            assert answer["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
