"""Manage → Sign-in → Add a SAML provider: by the metadata's address (read from the test SAML
provider, a real process) or pasted XML, refused when it is not metadata, changed without
giving the metadata again; and SAML providers configured by the environment."""

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import AdminFactory
from afterclass.sso.environment import ConfigurationError, saml_providers_from_environment
from afterclass.sso.tests.provider import free_port
from afterclass.sso.tests.test_saml import deliver

PAGE = reverse("manage-sign-in-saml")
NO_PROVIDER = '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>'


@pytest.fixture
def admin_client(db):
    client = Client(HTTP_HOST="localhost")
    client.force_login(AdminFactory())
    return client


def test_manage_saml_refuses_someone_not_an_admin(client, person):
    client.force_login(person)
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(PAGE, {"name": "Okta", "metadata_url": "https://x.example"}).status_code == 403
    )
    assert not SocialApp.objects.exists()


def test_manage_saml_adds_a_provider_by_its_metadata_url_and_people_sign_in(
    admin_client, saml_identity_provider, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    Organisation.objects.update_or_create(pk=1, defaults={"allowed_domains": ["northwind.example"]})
    answer = admin_client.post(
        PAGE,
        {
            "name": "Okta", "metadata_url": saml_identity_provider.entity_id,
            "department_attribute": "department", "level_attribute": "",
        },
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.client_id, app.name) == (
        "saml", "okta", "okta", "Okta",
    )  # fmt: skip
    assert app.settings["idp"] == {
        "entity_id": saml_identity_provider.entity_id,
        "metadata_url": saml_identity_provider.entity_id,
    }
    assert AuditEntry.objects.filter(action="sso.provider.save", data__kind="saml").exists()
    page = admin_client.get(answer["Location"]).content.decode()
    assert "http://localhost/accounts/saml/okta/acs/" in page
    assert "http://localhost/accounts/saml/okta/metadata/" in page
    # Our metadata, for the provider's administrator, names where answers go.
    metadata = admin_client.get(reverse("saml_metadata", args=["okta"])).content.decode()
    assert 'Location="http://localhost/accounts/saml/okta/acs/"' in metadata

    # Someone signs in with it.
    browser = Client(HTTP_HOST="localhost")
    start = browser.post(reverse("saml_login", args=["okta"]))["Location"]
    acs, fields = saml_identity_provider.sign_in(start, email="lin@northwind.example")
    answer = deliver(browser, acs, fields, slug="okta")
    assert answer.status_code == 302
    assert Person.objects.filter(email="lin@northwind.example").exists()


def test_manage_saml_adds_a_provider_from_pasted_metadata(admin_client, saml_identity_provider):
    xml = requests.get(saml_identity_provider.entity_id, timeout=10).text
    answer = admin_client.post(PAGE, {"name": "AD FS", "metadata_xml": xml})
    assert answer.status_code == 302
    idp = SocialApp.objects.get().settings["idp"]
    assert idp["entity_id"] == saml_identity_provider.entity_id
    assert idp["sso_url"] == f"{saml_identity_provider.base_url}/sso"
    assert idp["slo_url"] == f"{saml_identity_provider.base_url}/slo"
    assert idp["x509cert"].startswith("MII")


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": "Okta"}, "metadata_url", "Give the provider's metadata URL"),
        ({"name": "Okta", "metadata_xml": "<not metadata"}, "metadata_xml", "could not read"),
        (
            {
                "name": "Okta",
                "metadata_xml": NO_PROVIDER,
            },
            "metadata_xml",
            "names no identity provider",
        ),
        ({"name": "", "metadata_url": "https://x.example/m"}, "name", "Give the provider a name"),
    ],
)
def test_manage_saml_refuses_what_is_not_a_provider(admin_client, data, field, words):
    answer = admin_client.post(PAGE, data)
    assert answer.status_code == 400
    assert words in " ".join(answer.context["form"].errors[field])
    assert not SocialApp.objects.exists()


def test_manage_saml_refuses_an_address_that_does_not_answer(admin_client):
    url = f"http://127.0.0.1:{free_port()}/metadata"
    answer = admin_client.post(PAGE, {"name": "Okta", "metadata_url": url})
    assert answer.status_code == 400
    assert "could not read" in answer.context["form"].errors["metadata_url"][0]


def test_manage_saml_changes_a_provider_and_keeps_its_metadata(
    admin_client, saml_identity_provider
):
    xml = requests.get(saml_identity_provider.entity_id, timeout=10).text
    admin_client.post(PAGE, {"name": "AD FS", "metadata_xml": xml})
    app = SocialApp.objects.get()
    before = app.settings["idp"]
    page = reverse("manage-sign-in-provider", args=[app.pk])
    assert "Paste new metadata" in admin_client.get(page).content.decode()
    answer = admin_client.post(
        page, {"name": "Contoso AD FS", "job_title_attribute": "http://schemas.example/title"}
    )
    assert answer.status_code == 302
    app.refresh_from_db()
    assert app.name == "Contoso AD FS"
    assert app.settings["idp"] == before
    assert app.settings["job_title_claim"] == "http://schemas.example/title"
    assert app.settings["department_claim"] == "department"  # the default when left empty


def test_manage_sign_in_lists_both_kinds(admin_client, saml, oidc):
    page = admin_client.get(reverse("manage-sign-in")).content.decode()
    assert "SAML 2.0" in page
    assert "OpenID Connect" in page
    assert "By the server's environment (AFTERCLASS_SAML)" in page


def test_saml_environment_needs_the_entity_id_and_metadata_or_certificate():
    with pytest.raises(ConfigurationError, match="AFTERCLASS_SAML_OKTA_ENTITY_ID"):
        saml_providers_from_environment({"AFTERCLASS_SAML": "okta"})
    with pytest.raises(ConfigurationError, match="AFTERCLASS_SAML_OKTA_X509CERT"):
        saml_providers_from_environment(
            {
                "AFTERCLASS_SAML": "okta",
                "AFTERCLASS_SAML_OKTA_ENTITY_ID": "http://okta.example",
                "AFTERCLASS_SAML_OKTA_SSO_URL": "https://okta.example/sso",
            }
        )
    with pytest.raises(ConfigurationError, match="not a provider id"):
        saml_providers_from_environment({"AFTERCLASS_SAML": "Bad id!"})


def test_saml_environment_names_several_providers():
    apps = saml_providers_from_environment(
        {
            "AFTERCLASS_SAML": "okta, adfs",
            "AFTERCLASS_SAML_OKTA_ENTITY_ID": "http://okta.example",
            "AFTERCLASS_SAML_OKTA_METADATA_URL": "https://okta.example/metadata",
            "AFTERCLASS_SAML_OKTA_JOB_TITLE_ATTRIBUTE": "title",
            "AFTERCLASS_SAML_ADFS_NAME": "Contoso",
            "AFTERCLASS_SAML_ADFS_ENTITY_ID": "http://adfs.example/trust",
            "AFTERCLASS_SAML_ADFS_SSO_URL": "https://adfs.example/ls",
            "AFTERCLASS_SAML_ADFS_X509CERT": "MIIC...",
            "AFTERCLASS_SAML_ADFS_EMAIL_ATTRIBUTE": "mail",
        }
    )
    okta, adfs = apps
    assert (okta["client_id"], okta["name"], okta["settings"]["job_title_claim"]) == (
        "okta", "okta", "title",
    )  # fmt: skip
    assert okta["settings"]["idp"]["metadata_url"] == "https://okta.example/metadata"
    assert adfs["name"] == "Contoso"
    assert adfs["settings"]["idp"] == {
        "entity_id": "http://adfs.example/trust",
        "sso_url": "https://adfs.example/ls",
        "x509cert": "MIIC...",
    }
    assert adfs["settings"]["attribute_mapping"]["email"][0] == "mail"


def test_manage_saml_never_takes_the_id_of_a_provider_from_the_environment(
    admin_client, saml, saml_identity_provider
):
    # The environment's provider is "test-saml": a row named "Test SAML" must not share its
    # addresses (/accounts/saml/test-saml/…).
    answer = admin_client.post(
        PAGE, {"name": "Test SAML", "metadata_url": saml_identity_provider.entity_id}
    )
    assert answer.status_code == 302
    app = SocialApp.objects.get()
    assert (app.provider_id, app.client_id) == ("test-saml-2", "test-saml-2")
