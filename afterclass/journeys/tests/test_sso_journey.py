"""Single sign-on in the browser, through the test OpenID Connect provider (a real process on
loopback, afterclass/sso/tests/idp): the first sign-in makes the account with the department and
job title from the claims, the next one updates them; an address outside the organisation's
domains and a deactivated person are refused with a sentence; with password sign-in off only the
break-glass admin gets in with a password. axe and the phone widths are checked on every page,
the provider's own form included (conftest)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from afterclass.audit.models import AuditEntry
from afterclass.journeys.tests.browser import PHONE, snap
from afterclass.people.actions import do_set_active
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.sso.actions import do_set_sign_in_policy
from afterclass.sso.environment import providers_from_environment
from afterclass.sso.tests.provider import PROVIDER_NAME, IdentityProvider

PASSWORD = "demo-password"
REFUSED = ("403",)  # the refusal page answers 403, which Chromium logs


@pytest.fixture(scope="module")
def provider(live_server):
    idp = IdentityProvider(live_server.url).start()
    yield idp
    idp.stop()


@pytest.fixture
def northwind(settings, provider, transactional_db):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": providers_from_environment(provider.environment())}
    }
    Organisation.objects.update_or_create(
        pk=1, defaults={"name": "Northwind", "allowed_domains": ["northwind.example"]}
    )
    return provider


def through_provider(
    page: Page, email: str, *, name: str = "Ada Lovelace", job_title: str = "Analyst",
    department: str = "Engineering",
) -> None:  # fmt: skip
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Job title").fill(job_title)
    page.get_by_label("Department").fill(department)
    page.get_by_role("button", name="Sign in to the test provider").click()


def test_sso_first_sign_in_makes_the_account_and_the_next_updates_it(open_page, northwind):
    page = open_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    snap(page, "sign-in-desktop")
    phone = open_page(viewport=PHONE)
    phone.goto("/accounts/login/")
    snap(phone, "sign-in-phone")

    through_provider(page, "ada@northwind.example", job_title="Analyst", department="Research")
    expect(page).to_have_url(re.compile(r"/welcome/"))  # someone new is welcomed first
    person = Person.objects.get(email="ada@northwind.example")
    assert (person.display_name, person.job_title, person.department.name) == (
        "Ada Lovelace", "Analyst", "Research",
    )  # fmt: skip
    snap(page, "first-sign-in")

    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", name="You are signed out of Afterclass")).to_be_visible()
    expect(page.get_by_role("link", name=f"Sign out of {PROVIDER_NAME} too")).to_be_visible()
    snap(page, "signed-out")

    # Signed in at the provider still, this browser would not see its form again: another
    # device, with the provider now sending other claims.
    page = open_page()
    through_provider(
        page, "ada@northwind.example", name="Ada King", job_title="Lead analyst",
        department="Engineering",
    )  # fmt: skip
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    person.refresh_from_db()
    assert (person.display_name, person.job_title, person.department.name) == (
        "Ada King", "Lead analyst", "Engineering",
    )  # fmt: skip
    assert Person.objects.count() == 1


def test_sso_refuses_an_address_outside_the_domains(open_page, northwind):
    page = open_page(expected=REFUSED)
    through_provider(page, "mallory@elsewhere.example")
    expect(page.get_by_role("heading", name="You could not be signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "mallory@elsewhere.example is not one of them"
    )
    snap(page, "refused-domain")
    assert not Person.objects.exists()
    assert AuditEntry.objects.filter(action="sso.sign_in.refused", data__reason="domain").exists()


def test_sso_refuses_a_deactivated_person(open_page, northwind):
    person = PersonFactory(email="bob@northwind.example")
    do_set_active(person, False, actor=AdminFactory())
    page = open_page(expected=REFUSED)
    through_provider(page, "bob@northwind.example")
    expect(page.get_by_role("alert")).to_contain_text("Your account here has been deactivated")
    snap(page, "refused-deactivated")
    assert AuditEntry.objects.filter(
        action="sso.sign_in.refused", target_id=person.pk, data__reason="deactivated"
    ).exists()


def test_sso_password_sign_in_off_lets_only_the_break_glass_admin_in(open_page, northwind):
    PersonFactory(email="bob@northwind.example", password=PASSWORD)
    admin = AdminFactory(email="root@northwind.example", password=PASSWORD)
    do_set_sign_in_policy(actor=admin, password_sign_in=False, break_glass=[admin])

    page = open_page(expected=REFUSED)
    page.goto("/accounts/login/")
    expect(page.locator("#id_password")).to_be_hidden()  # folded away for the admins
    page.get_by_text("Administrators: sign in with a password").click()
    snap(page, "password-off")
    page.locator("#id_login").fill("bob@northwind.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("not with a password or a passkey")

    page.get_by_role("link", name="Back to the sign-in page").click()
    page.get_by_text("Administrators: sign in with a password").click()
    page.locator("#id_login").fill("root@northwind.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def test_sso_manage_sign_in_adds_a_provider_without_showing_its_secret(open_page, northwind):
    admin = AdminFactory()
    page = open_page(as_person=admin, expected=("400",))
    page.goto("/manage/sign-in/")
    expect(page.get_by_role("cell", name=PROVIDER_NAME)).to_be_visible()  # from the environment
    page.get_by_label("Name on the button").fill("Entra ID")
    page.get_by_label("Issuer (server) URL").fill("https://login.example.com/tenant/v2.0")
    page.get_by_label("Client ID").fill("client-123")
    page.get_by_role("button", name="Add provider").click()
    expect(page.get_by_text("Enter the client secret the provider gave you.")).to_be_visible()
    page.get_by_label("Client secret").fill("entra-secret-value-9876")
    page.get_by_role("button", name="Add provider").click()
    expect(page.get_by_text("People can now sign in with Entra ID.")).to_be_visible()
    page.get_by_role("link", name="Change Entra ID").click()
    expect(page.get_by_text("Stored: ••••9876")).to_be_visible()
    assert "entra-secret-value-9876" not in page.content()
    snap(page, "manage-provider")
    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto("/manage/sign-in/")
    snap(phone, "manage-sign-in-phone")
