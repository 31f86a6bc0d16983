"""Manage → Sign-in: providers added by admins, their secret never shown back, the policy; and
providers configured by the environment."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.sso.environment import ConfigurationError, providers_from_environment
from afterclass.sso.models import SignInPolicy

PAGE = reverse("manage-sign-in")
SECRET = "s3cret-value-from-entra-9876"
GOOD = {
    "name": "Entra ID",
    "server_url": "https://login.example.com/tenant/v2.0",
    "client_id": "client-123",
    "secret": SECRET,
    "job_title_claim": "jobTitle",
    "department_claim": "",
}


@pytest.fixture
def signed_in_admin(client, db):
    admin = AdminFactory()
    client.force_login(admin)
    return admin


def test_manage_sign_in_refuses_someone_not_an_admin(client, person):
    client.force_login(person)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, GOOD).status_code == 403
    assert not SocialApp.objects.exists()


def test_manage_sign_in_sends_a_visitor_to_sign_in(client, db):
    assert client.get(PAGE).status_code == 302


def test_manage_sign_in_adds_a_provider_and_never_shows_its_secret(client, signed_in_admin):
    answer = client.post(PAGE, GOOD)
    assert answer.status_code == 302
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.name, app.client_id, app.secret) == (
        "openid_connect", "entra-id", "Entra ID", "client-123", SECRET,
    )  # fmt: skip
    assert app.settings["server_url"] == GOOD["server_url"]
    assert app.settings["job_title_claim"] == "jobTitle"
    assert app.settings["department_claim"] == "department"
    assert app.settings["oauth_pkce_enabled"] is True
    entry = AuditEntry.objects.get(action="sso.provider.save")
    assert SECRET not in str(entry.data)
    for page in (PAGE, reverse("manage-sign-in-provider", args=[app.pk])):
        text = client.get(page).content.decode()
        assert SECRET not in text
    text = client.get(reverse("manage-sign-in-provider", args=[app.pk])).content.decode()
    assert "••••9876" in text
    assert "/accounts/oidc/entra-id/login/callback/" in text


def test_manage_sign_in_change_keeps_the_secret_when_left_empty(client, signed_in_admin):
    client.post(PAGE, GOOD)
    app = SocialApp.objects.get()
    answer = client.post(
        reverse("manage-sign-in-provider", args=[app.pk]),
        {**GOOD, "name": "Staff sign-in", "secret": ""},
    )
    assert answer.status_code == 302
    app.refresh_from_db()
    assert (app.name, app.secret) == ("Staff sign-in", SECRET)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Give the provider a name."),
        ({"server_url": "not a url"}, "Enter the issuer as a full address"),
        ({"client_id": ""}, "Enter the client ID the provider gave you."),
        ({"secret": ""}, "Enter the client secret the provider gave you."),
    ],
)
def test_manage_sign_in_refuses_bad_input(client, signed_in_admin, change, message):
    answer = client.post(PAGE, {**GOOD, **change})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not SocialApp.objects.exists()


def test_manage_sign_in_refuses_a_second_provider_of_the_same_name(client, signed_in_admin):
    client.post(PAGE, GOOD)
    answer = client.post(PAGE, {**GOOD, "name": "entra id"})
    assert answer.status_code == 400
    assert "already a provider called" in answer.content.decode()


def test_manage_sign_in_holds_several_providers(client, signed_in_admin):
    client.post(PAGE, GOOD)
    client.post(PAGE, {**GOOD, "name": "Google", "server_url": "https://accounts.example.com"})
    assert SocialApp.objects.count() == 2
    login = client.get(reverse("account_login"))
    # The sign-in page is for people signed out; check its buttons as a visitor.
    client.logout()
    text = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Entra ID" in text
    assert "Sign in with Google" in text
    assert login.status_code == 302


def test_manage_sign_in_removes_a_provider(client, signed_in_admin):
    client.post(PAGE, GOOD)
    app = SocialApp.objects.get()
    answer = client.post(reverse("manage-sign-in-provider-delete", args=[app.pk]))
    assert answer.status_code == 302
    assert not SocialApp.objects.exists()


def test_manage_sign_in_provider_pages_are_admins_only(client, signed_in_admin, person):
    client.post(PAGE, GOOD)
    app = SocialApp.objects.get()
    client.force_login(person)
    assert client.get(reverse("manage-sign-in-provider", args=[app.pk])).status_code == 403
    assert client.post(reverse("manage-sign-in-provider-delete", args=[app.pk])).status_code == 403
    assert SocialApp.objects.exists()


def test_manage_sign_in_policy_needs_a_break_glass_admin(client, signed_in_admin):
    answer = client.post(PAGE, {"save_policy": "1"})
    assert answer.status_code == 400
    assert "Name at least one admin" in answer.content.decode()
    assert SignInPolicy.current().password_sign_in


def test_manage_sign_in_policy_switches_password_sign_in_off(client, signed_in_admin):
    PersonFactory()  # not an admin: not offered, and refused if sent
    answer = client.post(PAGE, {"save_policy": "1", "break_glass": [signed_in_admin.pk]})
    assert answer.status_code == 302
    policy = SignInPolicy.current()
    assert not policy.password_sign_in
    assert list(policy.break_glass.all()) == [signed_in_admin]
    assert AuditEntry.objects.filter(action="sso.policy").exists()


def test_providers_from_environment_reads_several():
    environ = {
        "AFTERCLASS_OIDC": "entra, partner-co",
        "AFTERCLASS_OIDC_ENTRA_NAME": "Entra ID",
        "AFTERCLASS_OIDC_ENTRA_SERVER_URL": "https://login.example.com/t/v2.0/",
        "AFTERCLASS_OIDC_ENTRA_CLIENT_ID": "one",
        "AFTERCLASS_OIDC_ENTRA_SECRET": "secret-one",
        "AFTERCLASS_OIDC_ENTRA_JOB_TITLE_CLAIM": "jobTitle",
        "AFTERCLASS_OIDC_PARTNER_CO_SERVER_URL": "https://id.partner.example",
        "AFTERCLASS_OIDC_PARTNER_CO_CLIENT_ID": "two",
        "AFTERCLASS_OIDC_PARTNER_CO_SECRET": "secret-two",
    }
    entra, partner = providers_from_environment(environ)
    assert entra["provider_id"] == "entra"
    assert entra["name"] == "Entra ID"
    assert entra["settings"]["server_url"] == "https://login.example.com/t/v2.0"
    assert entra["settings"]["job_title_claim"] == "jobTitle"
    assert partner["name"] == "partner-co"
    assert partner["secret"] == "secret-two"
    assert partner["settings"]["department_claim"] == "department"


def test_providers_from_environment_none_by_default():
    assert providers_from_environment({}) == []


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"AFTERCLASS_OIDC": "Bad Id!"}, "is not a provider id"),
        ({"AFTERCLASS_OIDC": "entra"}, "AFTERCLASS_OIDC_ENTRA_SERVER_URL"),
    ],
)
def test_providers_from_environment_says_what_is_missing(environ, message):
    with pytest.raises(ConfigurationError, match=message):
        providers_from_environment(environ)


def test_environment_provider_is_listed_but_not_editable(client, signed_in_admin, oidc):
    text = client.get(PAGE).content.decode()
    assert "Northwind ID" in text
    assert "By the server&#x27;s environment" in text or "By the server's environment" in text


def test_sign_in_page_query_count_is_flat(client, oidc, django_assert_num_queries):
    client.get(reverse("account_login"))
    # The organisation (as every page), the providers (rows) and the password policy.
    with django_assert_num_queries(3):
        client.get(reverse("account_login"))
