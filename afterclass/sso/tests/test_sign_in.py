"""Signing in through the test OpenID Connect provider, a real process on loopback: Django's test
client is the browser on our side, `requests` on the provider's; our server talks to the
provider's token, userinfo and JWKS endpoints over HTTP as in production."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import InvitationRow, do_invite_people, do_set_active
from afterclass.people.models import Department, Invitation, Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.scim.models import ProvisionedPerson
from afterclass.sso.actions import do_set_sign_in_policy
from afterclass.sso.tests.provider import PROVIDER_ID, PROVIDER_NAME, free_port

LOGIN = reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})


def start(client):
    answer = client.post(LOGIN)
    assert answer.status_code == 302
    return answer["Location"]


def finish(client, callback):
    parts = urlsplit(callback)
    assert parts.path.endswith(f"/oidc/{PROVIDER_ID}/login/callback/")
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, provider, **claims):
    return finish(client, provider.sign_in(start(client), **claims))


def refused(answer, reason):
    assert answer.status_code == 403
    assert answer.templates[0].name == "sso/refused.html"
    assert answer.context["reason"] == reason
    entry = AuditEntry.objects.filter(action="sso.sign_in.refused").latest("pk")
    assert entry.data["reason"] == reason
    return entry


def test_sign_in_page_offers_the_provider_first(client, oidc):
    page = client.get(reverse("account_login")).content.decode()
    assert page.index(f"Sign in with {PROVIDER_NAME}") < page.index('name="password"')
    assert LOGIN in page


def test_sign_in_page_lets_its_provider_forms_go_to_the_provider(client, oidc):
    answer = client.get(reverse("account_login"))
    assert f"form-action 'self' http://127.0.0.1:{oidc.port}" in answer["Content-Security-Policy"]


def test_sign_in_first_time_creates_the_person_from_the_claims(client, oidc):
    answer = sign_in(
        client, oidc, email="Ada@Northwind.example", name="Ada Lovelace",
        job_title="Analyst", department="Engineering",
    )  # fmt: skip
    assert answer.status_code == 302
    person = Person.objects.get(email="ada@northwind.example")
    assert (person.display_name, person.job_title, person.department.name) == (
        "Ada Lovelace", "Analyst", "Engineering",
    )  # fmt: skip
    assert not person.has_usable_password()
    assert SocialAccount.objects.get(user=person).provider == PROVIDER_ID
    assert int(client.session["_auth_user_id"]) == person.pk
    assert AuditEntry.objects.filter(action="sso.person.create", target_id=person.pk).exists()


def test_sign_in_again_updates_name_job_title_and_department(client, oidc):
    engineering = Department.objects.create(name="Engineering")
    sign_in(client, oidc, email="ada@northwind.example", department="engineering")
    person = Person.objects.get(email="ada@northwind.example")
    assert person.department == engineering  # matched by name, whatever its case
    client.logout()
    sign_in(
        client, oidc, email="ada@northwind.example", name="Ada King",
        job_title="Lead analyst", department="Research",
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.display_name, person.job_title, person.department.name) == (
        "Ada King", "Lead analyst", "Research",
    )  # fmt: skip
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="sso.person.update", target_id=person.pk).exists()


def test_sign_in_matches_a_scim_person_by_address(client, oidc):
    person = PersonFactory(email="grace@northwind.example", display_name="Grace")
    person.set_unusable_password()
    person.save()
    ProvisionedPerson.objects.create(person=person, external_id="entra-grace")
    answer = sign_in(client, oidc, email="grace@northwind.example", name="Grace Hopper")
    assert answer.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    assert SocialAccount.objects.get(user=person).provider == PROVIDER_ID
    person.refresh_from_db()
    assert person.display_name == "Grace Hopper"


def test_sign_in_matches_by_sub_after_the_address_changed(client, oidc):
    sign_in(client, oidc, email="ada@northwind.example")
    person = Person.objects.get()
    person.email = "ada.lovelace@northwind.example"  # changed here, not at the provider
    person.save(update_fields=["email"])
    client.logout()
    sign_in(client, oidc, email="ada@northwind.example")
    assert int(client.session["_auth_user_id"]) == person.pk
    assert Person.objects.count() == 1


def test_sign_in_refuses_an_address_outside_the_allowed_domains(client, oidc):
    answer = sign_in(client, oidc, email="mallory@elsewhere.example")
    entry = refused(answer, "domain")
    assert "mallory@elsewhere.example is not one of them" in answer.content.decode()
    assert entry.data["email"] == "mallory@elsewhere.example"
    assert not Person.objects.exists()
    assert "_auth_user_id" not in client.session


def test_sign_in_refuses_a_deactivated_person_with_a_valid_token(client, oidc):
    sign_in(client, oidc, email="ada@northwind.example")
    person = Person.objects.get()
    client.logout()
    do_set_active(person, False, actor=AdminFactory())
    answer = sign_in(client, oidc, email="ada@northwind.example")
    entry = refused(answer, "deactivated")
    assert entry.target_id == person.pk
    assert "deactivated" in answer.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("fault", "reason", "words"),
    [
        ("wrong_audience", "wrong_audience", "meant for another application"),
        ("wrong_issuer", "wrong_issuer", "did not come from Northwind ID"),
        ("expired", "expired", "had already expired"),
    ],
)
def test_sign_in_refuses_a_faulty_id_token(client, oidc, fault, reason, words):
    answer = sign_in(client, oidc, email="ada@northwind.example", fault=fault)
    refused(answer, reason)
    assert words in answer.content.decode()
    assert not Person.objects.exists()


def test_sign_in_refuses_a_tampered_state(client, oidc):
    callback = oidc.sign_in(start(client), email="ada@northwind.example")
    tampered = callback.replace("state=", "state=x")
    answer = finish(client, tampered)
    refused(answer, "state_mismatch")
    assert "did not start here" in answer.content.decode()
    assert not Person.objects.exists()


def test_sign_in_refuses_a_callback_from_another_browser(client, oidc):
    callback = oidc.sign_in(start(client), email="ada@northwind.example")
    answer = finish(Client(), callback)  # someone else's browser: no sign-in started there
    refused(answer, "state_mismatch")


def test_sign_in_refuses_a_replayed_callback(client, oidc):
    callback = oidc.sign_in(start(client), email="ada@northwind.example")
    assert finish(client, callback).status_code == 302
    client.logout()
    answer = finish(client, callback)
    refused(answer, "state_mismatch")


def test_password_sign_in_off_refuses_a_person_but_not_the_break_glass_admin(client, oidc):
    person = PersonFactory(email="bob@northwind.example", password="a-long-password-1")
    admin = AdminFactory(email="root@northwind.example", password="a-long-password-1")
    do_set_sign_in_policy(actor=admin, password_sign_in=False, break_glass=[admin])
    login = reverse("account_login")
    answer = client.post(login, {"login": person.email, "password": "a-long-password-1"})
    refused(answer, "password_off")
    assert "_auth_user_id" not in client.session
    answer = client.post(login, {"login": admin.email, "password": "a-long-password-1"})
    assert answer.status_code == 302
    assert int(client.session["_auth_user_id"]) == admin.pk
    # And the person still signs in through the provider.
    client.logout()
    assert sign_in(client, oidc, email=person.email).status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_password_sign_in_off_hides_the_form_and_closes_sign_up(client, oidc):
    admin = AdminFactory()
    do_set_sign_in_policy(actor=admin, password_sign_in=False, break_glass=[admin])
    page = client.get(reverse("account_login")).content.decode()
    assert "Administrators: sign in with a password" in page
    assert "create an account" not in page
    assert "Sign-up is closed" in client.get(reverse("account_signup")).content.decode()


def test_sign_out_offers_to_sign_out_of_the_provider(client, oidc):
    sign_in(client, oidc, email="ada@northwind.example")
    answer = client.post(reverse("account_logout"))
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "_auth_user_id" not in client.session
    text = page.content.decode()
    assert f"Sign out of {PROVIDER_NAME} too" in text
    assert f"http://127.0.0.1:{oidc.port}/o/logout/?client_id=" in text
    # The provider accepts it: our client and our sign-in page as where to come back to.
    logout = page.context["logout_url"]
    answer = requests.get(logout, timeout=10, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    assert answer.headers["Location"] == "http://testserver/accounts/login/"


def test_sign_out_after_a_password_goes_to_the_sign_in_page(client, oidc):
    person = PersonFactory(password="a-long-password-1")
    client.force_login(person)
    answer = client.post(reverse("account_logout"))
    assert answer["Location"] == reverse("account_login")


def test_sign_in_with_a_provider_that_does_not_answer_says_so(client, oidc, settings):
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"] = {**app["settings"], "server_url": f"http://127.0.0.1:{free_port()}/o"}
    answer = client.post(LOGIN)
    refused(answer, "unreachable")
    assert "could not reach Northwind ID" in answer.content.decode()


def test_password_sign_in_off_an_invitation_leads_to_the_provider(client, oidc):
    admin = AdminFactory()
    do_set_sign_in_policy(actor=admin, password_sign_in=False, break_glass=[admin])
    (sent,) = do_invite_people([InvitationRow(email="guest@partner.example")], actor=admin)
    page = client.get(reverse("accept-invitation", args=[sent.token]))
    assert page.templates[0].name == "sso/invitation.html"
    answer = client.post(
        reverse("accept-invitation", args=[sent.token]),
        {
            "display_name": "Guest",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert not Person.objects.filter(email="guest@partner.example").exists()
    assert answer.templates[0].name == "sso/invitation.html"
    # Invited, so let in through the provider though outside the allowed domains.
    assert sign_in(client, oidc, email="guest@partner.example").status_code == 302
    guest = Person.objects.get(email="guest@partner.example")
    assert Invitation.objects.get(email="guest@partner.example").accepted_by == guest


def with_nonce(authorize_url, nonce):
    """The authorization address with its nonce replaced (or taken out, with None)."""
    parts = urlsplit(authorize_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "nonce"]
    if nonce is not None:
        query.append(("nonce", nonce))
    return parts._replace(query=urlencode(query)).geturl()


def test_sign_in_sends_a_nonce_the_id_token_carries(client, oidc):
    authorize = start(client)
    nonce = dict(parse_qsl(urlsplit(authorize).query))["nonce"]
    assert len(nonce) >= 32
    assert finish(client, oidc.sign_in(authorize, email="ada@northwind.example")).status_code == 302
    account = SocialAccount.objects.get()
    assert account.extra_data["id_token"]["nonce"] == nonce


def test_sign_in_refuses_an_id_token_with_the_nonce_of_an_earlier_sign_in(client, oidc):
    first = start(client)
    used = dict(parse_qsl(urlsplit(first).query))["nonce"]
    assert finish(client, oidc.sign_in(first, email="ada@northwind.example")).status_code == 302
    client.logout()
    # A new sign-in whose ID token carries the first one's nonce: minted for another sign-in.
    answer = finish(
        client, oidc.sign_in(with_nonce(start(client), used), email="ada@northwind.example")
    )
    refused(answer, "replayed")
    assert "had already been used" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_refuses_an_id_token_without_a_nonce(client, oidc):
    answer = finish(
        client, oidc.sign_in(with_nonce(start(client), None), email="ada@northwind.example")
    )
    refused(answer, "invalid_token")
    assert not Person.objects.exists()
