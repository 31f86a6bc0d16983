"""Signing in, out, up and resetting a password, through django-allauth with our pages."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from afterclass.people.actions import hash_secret
from afterclass.people.models import Invitation, Organisation, Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password"  # what PersonFactory gives everyone
NEW_PASSWORD = "a-fresh-long-phrase"


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    # allauth counts failed sign-ins in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def signed_in_person(client) -> Person | None:
    user = client.get(reverse("my-profile")).wsgi_request.user
    return user if user.is_authenticated else None


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


# --- Sign in and out ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_allauth_pages_use_our_layout(client, name):
    Organisation.objects.update_or_create(pk=1, defaults={"name": "Northwind"})

    response = client.get(reverse(name))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in body
    assert "afterclass/afterclass.css" in body
    assert "· Northwind</title>" in body
    assert "<label" in body or name == "account_reset_password_done"


def test_sign_in_with_email_and_password(client, person):
    response = sign_in(client, person.email.upper())

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_person(client) == person


def test_sign_in_with_a_wrong_password_says_so(client, person):
    response = sign_in(client, person.email, "not-my-password")

    assert response.status_code == 200
    assert "The e-mail address or the password is not right." in response.content.decode()
    assert signed_in_person(client) is None


def test_repeated_failed_sign_ins_are_throttled_with_a_clear_message(client, person):
    for _ in range(5):
        body = sign_in(client, person.email, "not-my-password").content.decode()
        assert "The e-mail address or the password is not right." in body

    response = sign_in(client, person.email)  # even the right password waits now

    body = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed sign-ins for this address from this device. Wait five minutes" in body
    assert signed_in_person(client) is None


def test_throttling_one_address_leaves_another_alone(client, person):
    other = PersonFactory()
    for _ in range(5):
        sign_in(client, person.email, "not-my-password")

    assert sign_in(client, other.email).status_code == 302


STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"


def test_a_strangers_failed_sign_ins_do_not_lock_the_owner_out(client, person):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(5):
        sign_in(stranger, person.email, "not-my-password")
    assert "Too many failed sign-ins" in sign_in(stranger, person.email).content.decode()

    owner = Client(REMOTE_ADDR=OWNER)
    response = sign_in(owner, person.email)

    assert response.status_code == 302
    assert signed_in_person(owner) == person


def test_one_client_trying_many_addresses_is_throttled(client):
    people = PersonFactory.create_batch(11)
    attacker = Client(REMOTE_ADDR=STRANGER)
    for target in people[:10]:
        body = sign_in(attacker, target.email, "not-my-password").content.decode()
        assert "The e-mail address or the password is not right." in body

    response = sign_in(attacker, people[10].email)  # the 11th in a minute, even if right

    assert signed_in_person(attacker) is None
    assert "Too many failed sign-ins" in response.content.decode()
    assert sign_in(Client(REMOTE_ADDR=OWNER), people[10].email).status_code == 302


def test_a_whole_office_behind_one_address_can_sign_in_at_nine(client):
    office = Client(REMOTE_ADDR=OWNER)
    people = PersonFactory.create_batch(40)  # more than allauth's default 30 a minute

    answers = [sign_in(office, person.email).status_code for person in people]

    assert answers == [302] * len(people)


def test_a_successful_sign_in_does_not_reset_the_clients_failures(client, person):
    # allauth rolls back only the successful attempt: an attacker who also knows a password of
    # their own cannot interleave sign-ins to keep guessing.
    for _ in range(4):
        sign_in(client, person.email, "not-my-password")
    assert sign_in(client, person.email).status_code == 302
    client.post(reverse("account_logout"))
    sign_in(client, person.email, "not-my-password")

    assert "Too many failed sign-ins" in sign_in(client, person.email).content.decode()


def test_failed_sign_ins_are_counted_by_address_and_client_together(client, person, settings):
    # The key allauth throttles by (a private hook of its adapter): pinned, so an upgrade that
    # stops calling it fails here rather than silently going back to "by address".
    from allauth.account.adapter import get_adapter

    request = Client(REMOTE_ADDR=OWNER).get(reverse("account_login")).wsgi_request
    key = get_adapter()._get_login_attempts_cache_key(request, email=person.email.upper())
    assert key.endswith(f":{person.email}:{OWNER}")


def test_deactivated_person_cannot_sign_in(client):
    gone = PersonFactory(is_active=False)

    response = sign_in(client, gone.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    page = client.get(response["Location"])
    assert "This account is deactivated" in page.content.decode()
    assert signed_in_person(client) is None


def test_sign_out_needs_a_post(client, person):
    client.force_login(person)

    confirm = client.get(reverse("account_logout"))
    assert confirm.status_code == 200
    assert "Sign out of Afterclass on this device?" in confirm.content.decode()
    assert signed_in_person(client) == person

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert signed_in_person(client) is None


# --- Password reset -----------------------------------------------------------------------


def test_password_reset_sends_a_working_link(client, person, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": person.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [person.email]
    assert message.subject == "Reset your Afterclass password"
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    client.logout()
    assert sign_in(client, person.email, NEW_PASSWORD).status_code == 302
    # The link works once.
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_no_link(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302  # the same answer: whether an account exists stays private
    assert all("/password/reset/key/" not in message.body for message in mailoutbox)


def test_password_reset_refuses_a_malformed_address(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []


# --- Sign up ------------------------------------------------------------------------------


def sign_up(client, email, name="New Person", password=NEW_PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "display_name": name, "password1": password, "password2": password},
    )


def test_sign_up_with_an_allowed_domain(client):
    Organisation.objects.update_or_create(pk=1, defaults={"allowed_domains": ["example.org"]})

    response = sign_up(client, "Fresh@Example.org", name="Fresh Face")

    assert response.status_code == 302
    person = Person.objects.get(email="fresh@example.org")
    assert person.display_name == "Fresh Face"
    assert signed_in_person(client) == person


def test_sign_up_with_an_invited_address_uses_the_invitation(client):
    team = DepartmentFactory(parent=DepartmentFactory())
    level = LevelFactory()
    invitation = Invitation.objects.create(
        email="guest@elsewhere.example",
        token_hash=hash_secret("t"),
        department=team,
        level=level,
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )

    response = sign_up(client, "guest@elsewhere.example")

    assert response.status_code == 302
    person = Person.objects.get(email="guest@elsewhere.example")
    assert (person.department, person.level) == (team, level)
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


@pytest.mark.parametrize(
    "email",
    ["stranger@elsewhere.example", "expired@elsewhere.example"],
)
def test_sign_up_refuses_an_address_that_is_not_invited(client, email):
    Organisation.objects.update_or_create(pk=1, defaults={"allowed_domains": ["example.org"]})
    Invitation.objects.create(
        email="expired@elsewhere.example",
        token_hash=hash_secret("old"),
        expires_at=timezone.now() - timezone.timedelta(minutes=1),
    )

    response = sign_up(client, email)

    assert response.status_code == 200
    assert "Only invited people can join." in response.content.decode()
    assert not Person.objects.filter(email=email).exists()
    assert signed_in_person(client) is None


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("new@example.org", "", "Your name cannot be empty."),
        ("new@example.org", "x" * 121, "Your name can be at most 120 characters."),
        ("not-an-address", "New", "Enter a valid email address."),
    ],
)
def test_sign_up_refuses_bad_input(client, email, name, message):
    Organisation.objects.update_or_create(pk=1, defaults={"allowed_domains": ["example.org"]})

    response = sign_up(client, email, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_sign_up_refuses_an_address_that_has_an_account(client, person):
    Organisation.objects.update_or_create(pk=1, defaults={"allowed_domains": ["example.org"]})

    response = sign_up(client, person.email)

    assert response.status_code == 200
    assert Person.objects.filter(email=person.email).count() == 1
    assert signed_in_person(client) is None


def test_behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_address(
    client, person, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    stranger = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    for _ in range(5):
        sign_in(stranger, person.email, "not-my-password")
    assert "Too many failed sign-ins" in sign_in(stranger, person.email).content.decode()

    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER)

    assert sign_in(owner, person.email).status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_throttle(client, person):
    # With no trusted proxy configured, X-Forwarded-For is the client's own claim: ignored.
    for number in range(5):
        forged = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
        sign_in(forged, person.email, "not-my-password")

    again = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert "Too many failed sign-ins" in sign_in(again, person.email).content.decode()
