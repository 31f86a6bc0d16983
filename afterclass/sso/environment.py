"""Single sign-on providers configured by environment variables, for unattended installs.

OpenID Connect:

    AFTERCLASS_OIDC=entra,partner                  the providers' ids (letters, digits, - and _)
    AFTERCLASS_OIDC_ENTRA_NAME=Entra ID            the name on the button: "Sign in with Entra ID"
    AFTERCLASS_OIDC_ENTRA_SERVER_URL=https://login.microsoftonline.com/<tenant>/v2.0
    AFTERCLASS_OIDC_ENTRA_CLIENT_ID=…
    AFTERCLASS_OIDC_ENTRA_SECRET=…
    AFTERCLASS_OIDC_ENTRA_JOB_TITLE_CLAIM=jobTitle  (optional; default job_title)
    AFTERCLASS_OIDC_ENTRA_DEPARTMENT_CLAIM=…         (optional; default department)

SAML 2.0 (the identity provider's metadata by address, or its entity id, sign-in address and
certificate written out):

    AFTERCLASS_SAML=entra-saml                     the providers' ids
    AFTERCLASS_SAML_ENTRA_SAML_NAME=Entra ID       the name on the button
    AFTERCLASS_SAML_ENTRA_SAML_ENTITY_ID=https://sts.windows.net/<tenant>/   the IdP's entity id
    AFTERCLASS_SAML_ENTRA_SAML_METADATA_URL=https://login.microsoftonline.com/<tenant>/federationmetadata/…
      or, instead of the metadata's address:
    AFTERCLASS_SAML_ENTRA_SAML_SSO_URL=…  AFTERCLASS_SAML_ENTRA_SAML_X509CERT=…  (_SLO_URL optional)
    AFTERCLASS_SAML_ENTRA_SAML_EMAIL_ATTRIBUTE=…   (optional; else the usual names and the NameID)
    AFTERCLASS_SAML_ENTRA_SAML_NAME_ATTRIBUTE=…, _JOB_TITLE_ATTRIBUTE, _DEPARTMENT_ATTRIBUTE,
    _LEVEL_ATTRIBUTE                               (optional; default name, job_title, department,
                                                   level)

This module imports nothing of Django: settings.py reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_CLAIMS = {
    "name_claim": "name",
    "job_title_claim": "job_title",
    "department_claim": "department",
    "level_claim": "level",
}
# Where SAML identity providers usually put the address (allauth's defaults and the plain name);
# a person's NameID in the e-mail format is used when none is sent.
EMAIL_ATTRIBUTES = [
    "email",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
]


class ConfigurationError(ValueError):
    pass


def provider_settings(
    server_url: str, job_title_claim: str, department_claim: str
) -> dict[str, Any]:
    """What a provider keeps in allauth's `settings`: the same for rows and environment."""
    return {
        "server_url": server_url,
        # PKCE on top of state: an intercepted code is useless without our verifier.
        "oauth_pkce_enabled": True,
        "job_title_claim": job_title_claim or DEFAULT_CLAIMS["job_title_claim"],
        "department_claim": department_claim or DEFAULT_CLAIMS["department_claim"],
    }


def providers_from_environment(environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """allauth `APPS` entries for the providers named in AFTERCLASS_OIDC."""
    apps = []
    for raw in environ.get("AFTERCLASS_OIDC", "").split(","):
        provider_id = raw.strip().lower()
        if not provider_id:
            continue
        if not PROVIDER_ID.match(provider_id):
            raise ConfigurationError(f"AFTERCLASS_OIDC: {raw!r} is not a provider id.")
        prefix = f"AFTERCLASS_OIDC_{provider_id.upper().replace('-', '_')}_"
        missing = [
            f"{prefix}{key}"
            for key in ("SERVER_URL", "CLIENT_ID", "SECRET")
            if not environ.get(f"{prefix}{key}")
        ]
        if missing:
            raise ConfigurationError(f"Provider {provider_id!r} needs {', '.join(missing)}.")
        apps.append(
            {
                "provider_id": provider_id,
                "name": environ.get(f"{prefix}NAME") or provider_id,
                "client_id": environ[f"{prefix}CLIENT_ID"],
                "secret": environ[f"{prefix}SECRET"],
                "settings": provider_settings(
                    environ[f"{prefix}SERVER_URL"].rstrip("/"),
                    environ.get(f"{prefix}JOB_TITLE_CLAIM", ""),
                    environ.get(f"{prefix}DEPARTMENT_CLAIM", ""),
                ),
            }
        )
    return apps


def saml_settings(
    *,
    entity_id: str,
    metadata_url: str = "",
    sso_url: str = "",
    x509cert: str = "",
    slo_url: str = "",
    email_attribute: str = "",
    attributes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a SAML provider keeps in allauth's `settings`: the same for rows and environment.
    The identity provider by its metadata's address, or by its sign-in address and certificate."""
    idp: dict[str, str] = {"entity_id": entity_id}
    if metadata_url:
        idp["metadata_url"] = metadata_url
    else:
        idp.update(sso_url=sso_url, x509cert=x509cert)
        if slo_url:
            idp["slo_url"] = slo_url
    emails = [email_attribute] if email_attribute else []
    mapping = {key: (attributes or {}).get(key) or value for key, value in DEFAULT_CLAIMS.items()}
    return {
        "idp": idp,
        "attribute_mapping": {
            "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
            "email": [*emails, *[name for name in EMAIL_ATTRIBUTES if name != email_attribute]],
        },
        "email_attribute": email_attribute,
        # Only sign-ins we started: an answer must be InResponseTo a request of this browser.
        "advanced": {"reject_idp_initiated_sso": True, "strict": True},
        **mapping,
    }


def saml_providers_from_environment(environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """allauth `APPS` entries for the SAML providers named in AFTERCLASS_SAML (allauth's SAML
    provider finds an app by its client id, which is in its addresses: /accounts/saml/<id>/)."""
    apps = []
    for raw in environ.get("AFTERCLASS_SAML", "").split(","):
        provider_id = raw.strip().lower()
        if not provider_id:
            continue
        if not PROVIDER_ID.match(provider_id):
            raise ConfigurationError(f"AFTERCLASS_SAML: {raw!r} is not a provider id.")
        prefix = f"AFTERCLASS_SAML_{provider_id.upper().replace('-', '_')}_"

        def value(key: str, prefix: str = prefix) -> str:
            return environ.get(f"{prefix}{key}", "").strip()

        needed = ["ENTITY_ID"] + ([] if value("METADATA_URL") else ["SSO_URL", "X509CERT"])
        missing = [f"{prefix}{key}" for key in needed if not value(key)]
        if missing:
            raise ConfigurationError(f"SAML provider {provider_id!r} needs {', '.join(missing)}.")
        attributes = {
            key: value(key.removesuffix("_claim").upper() + "_ATTRIBUTE") for key in DEFAULT_CLAIMS
        }
        apps.append(
            {
                "provider_id": provider_id,
                "name": value("NAME") or provider_id,
                "client_id": provider_id,
                "settings": saml_settings(
                    entity_id=value("ENTITY_ID"),
                    metadata_url=value("METADATA_URL"),
                    sso_url=value("SSO_URL"),
                    x509cert=value("X509CERT"),
                    slo_url=value("SLO_URL"),
                    email_attribute=value("EMAIL_ATTRIBUTE"),
                    attributes=attributes,
                ),
            }
        )
    return apps
