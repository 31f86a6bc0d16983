"""Fixtures of the single sign-on tests: the test providers (OpenID Connect and SAML), configured as
by the environment."""

import pytest

from afterclass.people.models import Organisation
from afterclass.sso.environment import providers_from_environment, saml_providers_from_environment
from afterclass.sso.tests.provider import IdentityProvider
from afterclass.sso.tests.saml_provider import SamlIdentityProviderProcess


@pytest.fixture(scope="session")
def identity_provider():
    provider = IdentityProvider("http://testserver").start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(settings, identity_provider, db):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {"APPS": providers_from_environment(identity_provider.environment())},
    }
    Organisation.objects.update_or_create(
        pk=1, defaults={"name": "Northwind", "allowed_domains": ["northwind.example"]}
    )
    return identity_provider


@pytest.fixture(scope="session")
def saml_identity_provider():
    provider = SamlIdentityProviderProcess().start()
    yield provider
    provider.stop()


@pytest.fixture
def saml(settings, saml_identity_provider, db):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "saml": {"APPS": saml_providers_from_environment(saml_identity_provider.environment())},
    }
    Organisation.objects.update_or_create(
        pk=1, defaults={"name": "Northwind", "allowed_domains": ["northwind.example"]}
    )
    return saml_identity_provider
