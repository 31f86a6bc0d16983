"""The providers people can sign in with, as the sign-in page and Manage → Sign-in list them,
and what the sign-in page's Content-Security-Policy must allow for them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.utils import build_auth
from django.core.cache import cache
from django.http import HttpRequest

OIDC = "openid_connect"
SAML = "saml"
DISCOVERY_SECONDS = 300
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


@dataclass(frozen=True)
class SignInProvider:
    provider_id: str
    name: str
    login_url: str
    server_url: str  # OpenID Connect: the issuer; SAML: where its sign-in page is (or metadata)
    pk: int | None  # None: configured by the environment
    kind: str = OIDC

    @property
    def origin(self) -> str:
        parts = urlsplit(self.server_url)
        return f"{parts.scheme}://{parts.netloc}"


def saml_address(app: SocialApp) -> str:
    """Where a SAML provider's sign-in page is (the browser is sent there), else its metadata."""
    idp = app.settings.get("idp") or {}
    return str(idp.get("sso_url") or idp.get("metadata_url") or "")


def sign_in_providers(request: HttpRequest) -> list[SignInProvider]:
    """Every OpenID Connect and SAML provider, from Manage → Sign-in (rows) and the environment
    (one query)."""
    remembered: list[SignInProvider] | None = getattr(request, "_sign_in_providers", None)
    if remembered is not None:  # the page and its Content-Security-Policy both ask
        return remembered
    apps: list[SocialApp] = [
        app for app in get_adapter().list_apps(request) if app.provider in (OIDC, SAML)
    ]
    providers = sorted(
        (
            SignInProvider(
                provider_id=app.provider_id or app.client_id,
                name=app.name,
                login_url=app.get_provider(request).get_login_url(request),
                server_url=(
                    saml_address(app)
                    if app.provider == SAML
                    else app.settings.get("server_url", "")
                ),
                pk=app.pk,
                kind=app.provider,
            )
            for app in apps
        ),
        key=lambda provider: provider.name.lower(),
    )
    request._sign_in_providers = providers  # type: ignore[attr-defined]
    return providers


def saml_logout_url(
    request: HttpRequest, app: SocialApp, after: str, name_id: str
) -> tuple[str, str] | None:
    """The provider's name and the address of a SAML LogoutRequest (HTTP-Redirect) for the person
    it knows by `name_id`, when its metadata names a single logout service; else None. It answers
    at our logout (SLS) URL, which goes on to the sign-in page."""
    try:
        auth = build_auth(request, app.get_provider(request))
        if not auth.get_slo_url():
            return None
        url = auth.logout(return_to=after, name_id=name_id or None, name_id_format=EMAIL_FORMAT)
    except Exception:  # metadata that cannot be read now: the page offers no provider logout
        return None
    return app.name, str(url)


def end_session_url(
    request: HttpRequest, provider_id: str, after: str, name_id: str = ""
) -> tuple[str, str] | None:
    """The provider's name and its logout address: OpenID Connect's RP-initiated logout when
    its discovery document advertises an `end_session_endpoint` (read once every few minutes),
    SAML's single logout when its metadata names one; else None."""
    saml_apps = [
        app
        for app in get_adapter().list_apps(request, provider=SAML)
        if provider_id in (app.provider_id, app.client_id)
    ]
    if saml_apps:
        return saml_logout_url(request, saml_apps[0], after, name_id)
    apps = [
        app
        for app in get_adapter().list_apps(request, provider=OIDC)
        if app.provider_id == provider_id
    ]
    if not apps:
        return None
    app = apps[0]
    key = f"sso:end_session:{provider_id}"
    endpoint = cache.get(key)
    if endpoint is None:
        try:
            config = app.get_provider(request).get_oauth2_adapter(request).openid_config
        except Exception:
            return None
        endpoint = str(config.get("end_session_endpoint") or "")
        cache.set(key, endpoint, DISCOVERY_SECONDS)
    if not endpoint:
        return None
    query = urlencode({"client_id": app.client_id, "post_logout_redirect_uri": after})
    return app.name, f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
