"""Single sign-on with SAML 2.0 in the browser, through the test SAML identity provider (a real
process on loopback that signs its answers, afterclass/sso/tests/saml_idp.py), with the test
OpenID Connect provider beside it on the sign-in page: the first sign-in makes the account with
the department, job title and management level from the attributes, the next one updates them;
an answer for another application is refused with a sentence; signing out offers the provider's
single logout, which comes back to our sign-in page. axe and the phone widths are checked on
every page, the provider's own pages included (conftest)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from afterclass.audit.models import AuditEntry
from afterclass.journeys.tests.browser import PHONE, snap
from afterclass.people.models import ManagementLevel, Organisation, Person
from afterclass.people.tests.factories import AdminFactory
from afterclass.sso.environment import providers_from_environment, saml_providers_from_environment
from afterclass.sso.tests.provider import PROVIDER_NAME, IdentityProvider
from afterclass.sso.tests.saml_provider import SAML_PROVIDER_NAME, SamlIdentityProviderProcess

REFUSED = ("403",)  # the refusal page answers 403, which Chromium logs


@pytest.fixture(scope="module")
def providers(live_server):
    oidc = IdentityProvider(live_server.url).start()
    saml = SamlIdentityProviderProcess().start()
    yield oidc, saml
    saml.stop()
    oidc.stop()


@pytest.fixture
def northwind(settings, providers, transactional_db):
    oidc, saml = providers
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": providers_from_environment(oidc.environment())},
        "saml": {"APPS": saml_providers_from_environment(saml.environment())},
    }
    Organisation.objects.update_or_create(
        pk=1, defaults={"name": "Northwind", "allowed_domains": ["northwind.example"]}
    )
    ManagementLevel.objects.create(name="Staff", rank=1)
    ManagementLevel.objects.create(name="Manager", rank=2)
    return saml


def through_saml(
    page: Page, email: str, *, name: str = "Ada Lovelace", job_title: str = "Analyst",
    department: str = "Engineering", level: str = "Staff", answer: str = "",
) -> None:  # fmt: skip
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {SAML_PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Test SAML provider")).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Job title").fill(job_title)
    page.get_by_label("Department").fill(department)
    page.get_by_label("Management level").fill(level)
    if answer:
        page.get_by_label("Answer").select_option(answer)
    page.get_by_role("button", name="Sign in to the test SAML provider").click()
    page.get_by_role("button", name="Continue").click()  # the provider posts its answer to us


def test_saml_first_sign_in_makes_the_account_and_the_next_updates_it(open_page, northwind):
    page = open_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name=f"Sign in with {SAML_PROVIDER_NAME}")).to_be_visible()
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    snap(page, "sign-in-both-providers-desktop")
    phone = open_page(viewport=PHONE)
    phone.goto("/accounts/login/")
    expect(phone.get_by_role("button", name=f"Sign in with {SAML_PROVIDER_NAME}")).to_be_visible()
    snap(phone, "sign-in-both-providers-phone")

    through_saml(page, "ada@northwind.example", department="Research", level="Staff")
    expect(page).to_have_url(re.compile(r"/welcome/"))  # someone new is welcomed first
    person = Person.objects.get(email="ada@northwind.example")
    assert (person.display_name, person.job_title, person.department.name, person.level.name) == (
        "Ada Lovelace", "Analyst", "Research", "Staff",
    )  # fmt: skip
    snap(page, "first-sign-in")

    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", name="You are signed out of Afterclass")).to_be_visible()
    snap(page, "signed-out")
    page.get_by_role("link", name=f"Sign out of {SAML_PROVIDER_NAME} too").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # back from the provider

    phone = open_page(viewport=PHONE)
    through_saml(
        phone, "ada@northwind.example", name="Ada King", job_title="Lead analyst",
        department="Engineering", level="Manager",
    )  # fmt: skip
    expect(phone).not_to_have_url(re.compile(r"/accounts/"))
    person.refresh_from_db()
    assert (person.display_name, person.job_title, person.department.name, person.level.name) == (
        "Ada King", "Lead analyst", "Engineering", "Manager",
    )  # fmt: skip
    assert Person.objects.count() == 1


def test_saml_refuses_an_answer_for_another_application(open_page, northwind):
    page = open_page(expected=REFUSED)
    through_saml(page, "ada@northwind.example", answer="wrong_audience")
    expect(page.get_by_role("heading", name="You could not be signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("meant for another application")
    snap(page, "refused-audience")
    assert not Person.objects.exists()
    assert AuditEntry.objects.filter(
        action="sso.sign_in.refused", data__reason="wrong_audience"
    ).exists()


def test_saml_manage_sign_in_adds_a_provider_from_its_metadata(open_page, northwind):
    admin = AdminFactory()
    page = open_page(as_person=admin, expected=("400",))
    page.goto("/manage/sign-in/")
    expect(page.get_by_role("cell", name=SAML_PROVIDER_NAME)).to_be_visible()  # environment
    page.get_by_role("link", name="add a SAML provider").click()
    expect(page.get_by_role("heading", name="Add a SAML 2.0 provider")).to_be_visible()
    page.get_by_label("Name on the button").fill("Okta")
    page.get_by_role("button", name="Add SAML provider").click()
    expect(page.get_by_text("Give the provider's metadata URL")).to_be_visible()
    page.get_by_label("Metadata URL").fill(northwind.entity_id)
    page.get_by_label("Job title attribute").fill("title")
    page.get_by_role("button", name="Add SAML provider").click()
    expect(page.get_by_text("People can now sign in with Okta.")).to_be_visible()
    expect(page.get_by_label("Reply (assertion consumer service) URL")).to_have_value(
        re.compile(r"/accounts/saml/okta/acs/$")
    )
    snap(page, "manage-saml-provider")
    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto("/manage/sign-in/saml/")
    snap(phone, "manage-saml-phone")
