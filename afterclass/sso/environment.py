"""OpenID Connect providers configured by environment variables, for unattended installs.

    AFTERCLASS_OIDC=entra,partner                  the providers' ids (letters, digits, - and _)
    AFTERCLASS_OIDC_ENTRA_NAME=Entra ID            the name on the button: "Sign in with Entra ID"
    AFTERCLASS_OIDC_ENTRA_SERVER_URL=https://login.microsoftonline.com/<tenant>/v2.0
    AFTERCLASS_OIDC_ENTRA_CLIENT_ID=…
    AFTERCLASS_OIDC_ENTRA_SECRET=…
    AFTERCLASS_OIDC_ENTRA_JOB_TITLE_CLAIM=jobTitle  (optional; default job_title)
    AFTERCLASS_OIDC_ENTRA_DEPARTMENT_CLAIM=…         (optional; default department)

This module imports nothing of Django: settings.py reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_CLAIMS = {"job_title_claim": "job_title", "department_claim": "department"}


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
