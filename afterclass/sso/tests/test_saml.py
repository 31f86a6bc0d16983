"""Signing in through the test SAML identity provider, a real process on loopback that signs its
answers with a key it made: Django's test client is the browser on our side, `requests` on the
provider's; our server reads the provider's metadata over HTTP and checks every answer with
python3-saml (allauth's `saml` provider), as in production."""

import base64
import zlib
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import do_set_active
from afterclass.people.models import Department, ManagementLevel, Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.sso.environment import saml_settings
from afterclass.sso.tests.saml_idp import certificate_body
from afterclass.sso.tests.saml_provider import SAML_PROVIDER_ID, SAML_PROVIDER_NAME

LOGIN = reverse("saml_login", kwargs={"organization_slug": SAML_PROVIDER_ID})


@pytest.fixture
def client():
    # python3-saml reads the Host header (which Django's client leaves out) and wants a dotted
    # name or localhost in our addresses.
    return Client(HTTP_HOST="localhost")


def start(client):
    answer = client.post(LOGIN)
    assert answer.status_code == 302, answer.content[:300]
    return answer["Location"]


def deliver(client, acs, fields, slug=SAML_PROVIDER_ID):
    """What the provider's page posts to our assertion consumer, then where that sends us."""
    assert urlsplit(acs).path == f"/accounts/saml/{slug}/acs/"
    answer = client.post(urlsplit(acs).path, fields)
    assert answer.status_code == 302
    return client.get(answer["Location"])


def sign_in(client, provider, **attributes):
    return deliver(client, *provider.sign_in(start(client), **attributes))


def refused(answer, reason):
    assert answer.status_code == 403, answer.content[:300]
    assert answer.templates[0].name == "sso/refused.html"
    assert answer.context["reason"] == reason
    entry = AuditEntry.objects.filter(action="sso.sign_in.refused").latest("pk")
    assert entry.data["reason"] == reason
    assert entry.data["provider"] == SAML_PROVIDER_NAME
    assert "_auth_user_id" not in Client().session
    return entry


def test_saml_sign_in_page_offers_the_provider(client, saml):
    page = client.get(reverse("account_login")).content.decode()
    assert f"Sign in with {SAML_PROVIDER_NAME}" in page
    assert LOGIN in page


def test_saml_sign_in_first_time_creates_the_person_from_the_attributes(client, saml):
    ManagementLevel.objects.create(name="Manager", rank=2)
    answer = sign_in(
        client, saml, email="Ada@Northwind.example", name="Ada Lovelace", job_title="Analyst",
        department="Engineering", level="manager",
    )  # fmt: skip
    assert answer.status_code == 302, answer.content[:500]
    person = Person.objects.get(email="ada@northwind.example")
    assert (person.display_name, person.job_title, person.department.name, person.level.name) == (
        "Ada Lovelace", "Analyst", "Engineering", "Manager",
    )  # fmt: skip
    assert not person.has_usable_password()
    account = SocialAccount.objects.get(user=person)
    assert (account.provider, account.uid) == (SAML_PROVIDER_ID, "Ada@Northwind.example")
    assert int(client.session["_auth_user_id"]) == person.pk
    assert AuditEntry.objects.filter(action="sso.person.create", target_id=person.pk).exists()


def test_saml_sign_in_again_updates_the_attributes(client, saml):
    ManagementLevel.objects.create(name="Staff", rank=1)
    ManagementLevel.objects.create(name="Director", rank=3)
    engineering = Department.objects.create(name="Engineering")
    sign_in(client, saml, email="ada@northwind.example", department="engineering", level="Staff")
    person = Person.objects.get(email="ada@northwind.example")
    assert (person.department, person.level.name) == (engineering, "Staff")
    client.logout()
    sign_in(
        client, saml, email="ada@northwind.example", name="Ada King", job_title="Lead analyst",
        department="Research", level="Director",
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.display_name, person.job_title, person.department.name, person.level.name) == (
        "Ada King", "Lead analyst", "Research", "Director",
    )  # fmt: skip
    assert int(client.session["_auth_user_id"]) == person.pk
    assert Person.objects.count() == 1
    update = AuditEntry.objects.get(action="sso.person.update", target_id=person.pk)
    assert set(update.data["fields"]) == {"display_name", "job_title", "department", "level"}


def test_saml_sign_in_leaves_the_level_of_an_unknown_name(client, saml):
    sign_in(client, saml, email="ada@northwind.example", level="Grand vizier")
    assert Person.objects.get().level is None


def test_saml_sign_in_matches_a_person_by_address(client, saml):
    person = PersonFactory(email="grace@northwind.example", display_name="Grace")
    answer = sign_in(client, saml, email="grace@northwind.example", name="Grace Hopper")
    assert answer.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    assert SocialAccount.objects.get(user=person).provider == SAML_PROVIDER_ID
    person.refresh_from_db()
    assert person.display_name == "Grace Hopper"


def test_saml_sign_in_refuses_a_deactivated_person_with_a_valid_assertion(client, saml):
    sign_in(client, saml, email="ada@northwind.example")
    person = Person.objects.get()
    client.logout()
    do_set_active(person, False, actor=AdminFactory())
    answer = sign_in(client, saml, email="ada@northwind.example")
    entry = refused(answer, "deactivated")
    assert entry.target_id == person.pk
    assert "_auth_user_id" not in client.session


def test_saml_sign_in_refuses_an_address_outside_the_allowed_domains(client, saml):
    answer = sign_in(client, saml, email="mallory@elsewhere.example")
    entry = refused(answer, "domain")
    assert "mallory@elsewhere.example is not one of them" in answer.content.decode()
    assert entry.data["email"] == "mallory@elsewhere.example"
    assert not Person.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("fault", "reason", "words"),
    [
        ("wrong_audience", "wrong_audience", "meant for another application"),
        ("wrong_issuer", "wrong_issuer", f"did not come from {SAML_PROVIDER_NAME}"),
        ("expired", "expired", "had already expired"),
        ("not_yet_valid", "expired", "or was not valid yet"),
        ("unsigned", "unsigned", "was not signed"),
        ("wrong_key", "bad_signature", "signature on the sign-in answer"),
    ],
)
def test_saml_sign_in_refuses_a_faulty_answer(client, saml, fault, reason, words):
    answer = sign_in(client, saml, email="ada@northwind.example", fault=fault)
    entry = refused(answer, reason)
    assert words in answer.content.decode()
    assert entry.data["detail"]  # what python3-saml said, for the administrator
    assert not Person.objects.exists()
    assert "_auth_user_id" not in client.session


def test_saml_sign_in_refuses_a_replayed_assertion(client, saml):
    acs, fields = saml.sign_in(start(client), email="ada@northwind.example")
    assert deliver(client, acs, fields).status_code == 302
    client.logout()
    answer = deliver(client, acs, fields)
    refused(answer, "replayed")
    assert "had already been used" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_saml_sign_in_refuses_an_assertion_replayed_into_a_new_sign_in(client, saml):
    # Someone who captured a used answer starts their own sign-in and answers it with the
    # captured assertion (the Response around it is not signed: its InResponseTo is rewritten).
    acs, fields = saml.sign_in(start(client), email="ada@northwind.example")
    assert deliver(client, acs, fields).status_code == 302
    thief = Client(HTTP_HOST="localhost")
    _, fresh = saml.sign_in(start(thief), email="mallory@northwind.example")
    old_id = base64.b64decode(fields["SAMLResponse"]).split(b'InResponseTo="')[1].split(b'"')[0]
    new_id = base64.b64decode(fresh["SAMLResponse"]).split(b'InResponseTo="')[1].split(b'"')[0]
    replayed = base64.b64decode(fields["SAMLResponse"]).replace(old_id, new_id, 1)
    answer = deliver(thief, acs, {**fields, "SAMLResponse": base64.b64encode(replayed).decode()})
    refused(answer, "replayed")
    assert "_auth_user_id" not in thief.session


def test_saml_sign_in_refuses_an_answer_to_a_sign_in_this_browser_did_not_start(client, saml):
    acs, fields = saml.sign_in(start(client), email="ada@northwind.example")
    answer = deliver(Client(HTTP_HOST="localhost"), acs, fields)
    refused(answer, "state_mismatch")
    assert not Person.objects.exists()


def redirect_message(url):
    """The XML of a SAML message in an HTTP-Redirect binding's address."""
    value = dict(parse_qsl(urlsplit(url).query))
    message = value.get("SAMLRequest") or value["SAMLResponse"]
    return zlib.decompress(base64.b64decode(message), -15).decode()


def test_saml_sign_out_offers_the_providers_single_logout(client, saml):
    sign_in(client, saml, email="ada@northwind.example")
    answer = client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    page = client.get(answer["Location"])
    assert f"Sign out of {SAML_PROVIDER_NAME} too" in page.content.decode()
    logout = page.context["logout_url"]
    assert logout.startswith(f"{saml.base_url}/slo?SAMLRequest=")
    assert ">ada@northwind.example</saml:NameID>" in redirect_message(logout)
    # The provider ends its session and answers at our logout (SLS) address.
    back = requests.get(logout, timeout=10, allow_redirects=False)
    assert back.status_code == 302
    sls = urlsplit(back.headers["Location"])
    assert sls.path == f"/accounts/saml/{SAML_PROVIDER_ID}/sls/"
    assert "LogoutResponse" in redirect_message(back.headers["Location"])
    answer = client.get(f"{sls.path}?{sls.query}")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("account_login")


def test_saml_sign_out_page_forgets_a_forged_account(client, saml):
    sign_in(client, saml, email="ada@northwind.example")
    location = client.post(reverse("account_logout"))["Location"]
    forged = location.split("account=")[0] + "account=1:forged"
    page = client.get(forged)
    assert "ada@northwind.example" not in redirect_message(page.context["logout_url"])


def test_saml_single_logout_from_the_provider_ends_our_session(client, saml):
    sign_in(client, saml, email="ada@northwind.example")
    assert "_auth_user_id" in client.session
    sls = f"http://localhost/accounts/saml/{SAML_PROVIDER_ID}/sls/"
    started = requests.get(
        f"{saml.base_url}/initiate-logout",
        params={"sls": sls, "name_id": "ada@northwind.example"},
        timeout=10,
        allow_redirects=False,
    )
    request = urlsplit(started.headers["Location"])
    answer = client.get(f"{request.path}?{request.query}")
    assert "_auth_user_id" not in client.session
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"{saml.base_url}/slo?SAMLResponse=")
    assert "LogoutResponse" in redirect_message(answer["Location"])


def test_saml_sign_out_without_single_logout_ends_our_session(client, saml, settings):
    # The provider written out without a logout address: signing out ends ours only.
    cert = (saml.state / "idp-cert.pem").read_bytes()
    (app,) = settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"]
    app["settings"] = saml_settings(
        entity_id=saml.entity_id, sso_url=f"{saml.base_url}/sso", x509cert=certificate_body(cert)
    )
    sign_in(client, saml, email="ada@northwind.example")
    answer = client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    assert client.get(answer["Location"])["Location"] == reverse("account_login")
    assert client.get(reverse("my-sessions"))["Location"].startswith(reverse("account_login"))
