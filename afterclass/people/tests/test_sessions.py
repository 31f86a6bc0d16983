"""My account → Sessions and tokens: my sessions only, ending them for real, tokens' scope and
expiry enforced by the API, and an admin signing a person out everywhere."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import AccessToken, Person, TokenScope
from afterclass.people.sessions import SEEN_SESSION_KEY, describe_device, describe_network
from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password"
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def signed_in(person: Person, *, ip: str = "192.0.2.15", agent: str = CHROME_LINUX) -> Client:
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("my-profile")).status_code == 200


# --- Devices and networks in plain words --------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (CHROME_LINUX, "Chrome on Linux"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on macOS",
        ),
        ("curl/8.5.0", "An unknown device or program"),
        ("", "An unknown device or program"),
    ],
)
def test_describe_device_in_plain_words(agent, words):
    assert describe_device(agent) == words


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.15", "192.0.2.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("not an address", "Unknown network"),
    ],
)
def test_describe_network_never_the_address(address, network):
    assert describe_network(address) == network


# --- The page ----------------------------------------------------------------------------


def test_sessions_page_shows_my_sessions_only(person):
    mine = signed_in(person, ip="192.0.2.15")
    signed_in(person, ip="198.51.100.7", agent=SAFARI_IPHONE)
    other = PersonFactory()
    signed_in(other, ip="203.0.113.9")

    response = mine.get(reverse("my-sessions"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Chrome on Linux" in body
    assert "Safari on iPhone" in body
    assert "192.0.2.0/24" in body
    assert "198.51.100.0/24" in body
    assert "192.0.2.15" not in body
    assert "198.51.100.7" not in body
    assert "203.0.113" not in body  # someone else's session
    assert body.count("This device") == 1
    assert len(response.context["sessions"]) == 2
    assert "no-store" in response["Cache-Control"]


def test_sessions_page_needs_signing_in(client):
    response = client.get(reverse("my-sessions"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("count", [1, 6])
def test_sessions_page_queries_stay_flat(person, count, django_assert_num_queries):
    for index in range(count):
        do_create_access_token(person, f"token {index}", actor=person)
    clients = [signed_in(person, ip=f"192.0.2.{index + 1}") for index in range(count)]
    client = clients[0]
    client.get(reverse("my-sessions"))

    # session, person, organisation (layout), sessions, tokens
    with django_assert_num_queries(5):
        response = client.get(reverse("my-sessions"))
    assert len(response.context["sessions"]) == count


# --- Ending sessions ----------------------------------------------------------------------


def test_sign_out_other_sessions_really_ends_them(person):
    here = signed_in(person)
    phone = signed_in(person, ip="198.51.100.7", agent=SAFARI_IPHONE)
    laptop = signed_in(person, ip="203.0.113.1")
    stranger = PersonFactory()
    theirs = signed_in(stranger)

    response = here.post(reverse("my-sessions-end-others"), follow=True)

    assert response.redirect_chain == [(reverse("my-sessions"), 302)]
    assert "Signed out everywhere else: 2 other sessions ended." in response.content.decode()
    assert is_signed_in(here)
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert is_signed_in(theirs)  # nobody else's
    assert UserSession.objects.filter(user=person).count() == 1
    entry = AuditEntry.objects.get(action="session.end_others")
    assert entry.data["ended"] == 2


def test_sign_out_one_session(person):
    here = signed_in(person)
    phone = signed_in(person, ip="198.51.100.7", agent=SAFARI_IPHONE)
    session = UserSession.objects.get(user=person, ip="198.51.100.7")

    response = here.post(reverse("my-session-end", args=[session.pk]))

    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(here)


def test_sign_out_this_session_is_refused_with_words(person):
    here = signed_in(person)
    current = UserSession.objects.get(user=person)

    response = here.post(reverse("my-session-end", args=[current.pk]), follow=True)

    assert "This is the session you are using: sign out to end it." in response.content.decode()
    assert is_signed_in(here)


def test_someone_elses_session_is_not_found(person):
    here = signed_in(person)
    stranger = PersonFactory()
    theirs = signed_in(stranger)
    session = UserSession.objects.get(user=stranger)

    response = here.post(reverse("my-session-end", args=[session.pk]))

    assert response.status_code == 404
    assert is_signed_in(theirs)


def test_ending_sessions_needs_csrf(person):
    signed_in(person)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)

    response = client.post(reverse("my-sessions-end-others"))

    assert response.status_code == 403


def test_ending_sessions_is_post_only(person):
    client = signed_in(person)
    assert client.get(reverse("my-sessions-end-others")).status_code == 405


def test_admin_signs_a_person_out_everywhere(admin, person):
    phone = signed_in(person, agent=SAFARI_IPHONE)
    laptop = signed_in(person)
    manager = Client()
    manager.force_login(admin)

    page = manager.get(reverse("manage-person", args=[person.pk])).content.decode()
    assert "Sign out everywhere" in page
    response = manager.post(reverse("manage-person-sessions-end", args=[person.pk]), follow=True)

    assert f"{person.display_name} is signed out everywhere: 2 sessions ended." in (
        response.content.decode()
    )
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert AuditEntry.objects.filter(action="session.end_all", actor=admin).exists()


def test_admin_sign_out_everywhere_also_ends_sessions_made_elsewhere(admin, person):
    elsewhere = Client()
    elsewhere.force_login(person)  # as the back office signs in: no session recorded
    manager = Client()
    manager.force_login(admin)

    manager.post(reverse("manage-person-sessions-end", args=[person.pk]))

    assert not is_signed_in(elsewhere)
    assert is_signed_in(manager)


def test_only_admins_sign_others_out(person):
    theirs = signed_in(person)
    colleague = signed_in(PersonFactory())

    response = colleague.post(reverse("manage-person-sessions-end", args=[person.pk]))

    assert response.status_code == 403
    assert is_signed_in(theirs)


def test_last_seen_is_refreshed_every_few_minutes(person, django_assert_num_queries):
    client = signed_in(person, ip="192.0.2.15")
    session = client.session
    session[SEEN_SESSION_KEY] = int(time.time()) - 600
    session.save()
    before = UserSession.objects.get(user=person)
    UserSession.objects.filter(pk=before.pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=10)
    )

    fresh = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=SAFARI_IPHONE)
    fresh.cookies = client.cookies
    fresh.get(reverse("my-profile"))

    after = UserSession.objects.get(pk=before.pk)
    assert after.last_seen_at > timezone.now() - timedelta(minutes=1)
    assert after.ip == "198.51.100.7"
    assert describe_device(after.user_agent) == "Safari on iPhone"
    # Within the next few minutes nothing is written again: the page costs what it did.
    fresh.get(reverse("my-profile"))
    seen = UserSession.objects.get(pk=before.pk).last_seen_at
    fresh.get(reverse("my-profile"))
    assert UserSession.objects.get(pk=before.pk).last_seen_at == seen


# --- Tokens: scope and expiry -------------------------------------------------------------


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_read_token_reads_but_may_not_write(client, admin):
    _, raw = do_create_access_token(admin, "report", actor=admin, scope=TokenScope.READ)

    assert client.get("/api/v1/people/me", **bearer(raw)).status_code == 200
    response = client.post(
        "/api/v1/invitations", {"rows": []}, content_type="application/json", **bearer(raw)
    )

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "This access token may only read: it cannot change anything. Use a token with the "
        "“read and write” scope for this request."
    )


def test_read_token_refused_with_an_idempotency_key(client, person):
    _, raw = do_create_access_token(person, "report", actor=person, scope=TokenScope.READ)

    response = client.post(
        "/api/v1/invitations",
        {"rows": []},
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
        **bearer(raw),
    )

    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]


def test_write_token_gets_past_the_scope_check(client, admin):
    _, raw = do_create_access_token(admin, "sync", actor=admin, scope=TokenScope.WRITE)

    response = client.post(
        "/api/v1/invitations", {"rows": []}, content_type="application/json", **bearer(raw)
    )

    assert response.status_code != 403
    assert "may only read" not in response.content.decode()


def test_expired_token_is_refused_with_its_date(client, person):
    token, raw = do_create_access_token(
        person, "old", actor=person, expires_at=timezone.now() + timedelta(days=1)
    )
    assert client.get("/api/v1/people/me", **bearer(raw)).status_code == 200
    AccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1), last_used_at=None
    )

    response = client.get("/api/v1/people/me", **bearer(raw))

    assert response.status_code == 401
    assert response.json()["detail"].startswith("This access token expired on ")
    assert AccessToken.objects.get(pk=token.pk).last_used_at is None


def test_token_form_sets_scope_and_expiry(person):
    client = Client()
    client.force_login(person)
    day = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = client.post(
        reverse("my-tokens"), {"name": "Reports", "scope": "read", "expires_on": day}
    )

    assert response.status_code == 200
    token = AccessToken.objects.get(person=person)
    assert token.scope == TokenScope.READ
    assert token.expires_at is not None
    assert timezone.localtime(token.expires_at).date().isoformat() == day
    page = client.get(reverse("my-sessions")).content.decode()
    assert "Reports" in page
    assert "Read only" in page


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        (
            (timezone.localdate() - timedelta(days=1)).isoformat(),
            "Choose an expiry date after today.",
        ),
        (
            (timezone.localdate() + timedelta(days=400)).isoformat(),
            "A token can last at most a year.",
        ),
        ("tomorrow", "Type a date like 2027-03-31, or leave it empty."),
    ],
)
def test_token_form_refuses_a_bad_expiry(person, expires_on, message):
    client = Client()
    client.force_login(person)

    response = client.post(
        reverse("my-tokens"), {"name": "Reports", "scope": "write", "expires_on": expires_on}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessToken.objects.exists()


def test_revoking_from_the_sessions_page_comes_back_to_it(person):
    token, raw = do_create_access_token(person, "script", actor=person)
    client = Client()
    client.force_login(person)

    response = client.post(reverse("my-token-revoke", args=[token.pk]), {"back": "sessions"})

    assert response["Location"] == reverse("my-sessions")
    assert Client().get("/api/v1/people/me", **bearer(raw)).status_code == 401


def test_someone_elses_token_is_not_found(person):
    token, _ = do_create_access_token(person, "script", actor=person)
    client = Client()
    client.force_login(PersonFactory())

    assert client.post(reverse("my-token-revoke", args=[token.pk])).status_code == 404
