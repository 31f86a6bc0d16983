"""Every change single sign-on makes: providers and the sign-in policy (by admins), people made
and kept up to date from a provider's claims, and the audit entry of each refused sign-in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.indexing import reindex_person_on_commit
from afterclass.people.actions import do_accept_invitation, do_create_person
from afterclass.people.actions.validation import clean_text
from afterclass.people.models import Department, ManagementLevel, Organisation, Person
from afterclass.sso.access import check_manage_sign_in
from afterclass.sso.environment import DEFAULT_CLAIMS, provider_settings, saml_settings
from afterclass.sso.models import SignInPolicy

OIDC = "openid_connect"
SAML = "saml"
METADATA_SECONDS = 10

# --- Providers and policy, by admins ------------------------------------------------------------


def _environment_ids() -> set[str]:
    """The ids of the providers configured by the environment (a row must not take one: allauth
    would find two providers at the same addresses)."""
    return {
        str(app.get(key) or "")
        for configured in settings.SOCIALACCOUNT_PROVIDERS.values()
        for app in configured.get("APPS", [])
        for key in ("provider_id", "client_id")
    }


def _unique_provider_id(name: str) -> str:
    base = slugify(name)[:30] or "provider"
    provider_id, number = base, 1
    taken = _environment_ids()
    while (
        provider_id in taken
        or SocialApp.objects.filter(Q(provider_id=provider_id) | Q(client_id=provider_id)).exists()
    ):
        number += 1
        provider_id = f"{base}-{number}"
    return provider_id


def do_save_provider(
    app: SocialApp | None,
    *,
    actor: Person,
    name: str,
    server_url: str,
    client_id: str,
    secret: str,
    job_title_claim: str = "",
    department_claim: str = "",
) -> SocialApp:
    """Add an OpenID Connect provider, or change one; an empty secret keeps the stored one."""
    check_manage_sign_in(actor)
    name = clean_text(name, "name", max_length=40, required=True)
    client_id = clean_text(client_id, "client_id", max_length=191, required=True)
    server_url = server_url.strip().rstrip("/")
    if app is None and not secret:
        raise InvalidInput("Enter the client secret the provider gave you.", field="secret")
    clash = SocialApp.objects.filter(provider=OIDC, name__iexact=name)
    if app is not None:
        clash = clash.exclude(pk=app.pk)
    if clash.exists():
        raise Conflict(f"There is already a provider called “{name}”.", field="name")
    with transaction.atomic():
        if app is None:
            app = SocialApp(provider=OIDC, provider_id=_unique_provider_id(name))
        app.name = name
        app.client_id = client_id
        if secret:
            app.secret = secret
        app.settings = provider_settings(server_url, job_title_claim, department_claim)
        app.save()
        record_audit(
            "sso.provider.save", app, actor=actor, name=name, server_url=server_url,
            secret_changed=bool(secret),
        )  # fmt: skip
    return app


def _identity_provider(entity_id: str, metadata_url: str, metadata_xml: str) -> dict[str, str]:
    """What the metadata says of the identity provider (entity id, sign-in and logout addresses,
    signing certificate), read from its address or from the pasted XML."""
    try:
        if metadata_url:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse_remote(
                metadata_url, entity_id=entity_id or None, timeout=METADATA_SECONDS
            )
        else:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(
                metadata_xml, entity_id=entity_id or None
            )
    except Exception as error:
        field = "metadata_url" if metadata_url else "metadata_xml"
        where = "at that address" if metadata_url else "in what was pasted"
        raise InvalidInput(
            f"We could not read the provider's SAML metadata {where} ({type(error).__name__}).",
            field=field,
        ) from error
    idp = parsed.get("idp") or {}
    sso_url = str((idp.get("singleSignOnService") or {}).get("url") or "")
    certificate = str(idp.get("x509cert") or "") or next(
        iter((idp.get("x509certMulti") or {}).get("signing") or []), ""
    )
    if not idp.get("entityId") or not sso_url or not certificate:
        raise InvalidInput(
            "That metadata names no identity provider with a sign-in address (HTTP-Redirect) "
            "and a signing certificate"
            + (f" for the entity ID {entity_id}." if entity_id else "."),
            field="metadata_url" if metadata_url else "metadata_xml",
        )
    return {
        "entity_id": str(idp["entityId"]),
        "sso_url": sso_url,
        "x509cert": certificate,
        "slo_url": str((idp.get("singleLogoutService") or {}).get("url") or ""),
    }


def do_save_saml_provider(
    app: SocialApp | None,
    *,
    actor: Person,
    name: str,
    entity_id: str = "",
    metadata_url: str = "",
    metadata_xml: str = "",
    email_attribute: str = "",
    name_attribute: str = "",
    job_title_attribute: str = "",
    department_attribute: str = "",
    level_attribute: str = "",
) -> SocialApp:
    """Add a SAML 2.0 provider, or change one. Its metadata is read now (so a wrong address or
    file is refused here, not at someone's sign-in); by address it is read again at sign-in
    (cached for hours), so a new signing certificate is picked up. Changing a provider without
    giving metadata keeps what it had."""
    check_manage_sign_in(actor)
    name = clean_text(name, "name", max_length=40, required=True)
    entity_id, metadata_url = entity_id.strip(), metadata_url.strip()
    clash = SocialApp.objects.filter(provider=SAML, name__iexact=name)
    if app is not None:
        clash = clash.exclude(pk=app.pk)
    if clash.exists():
        raise Conflict(f"There is already a provider called “{name}”.", field="name")
    if metadata_url or metadata_xml.strip():
        found = _identity_provider(entity_id, metadata_url, metadata_xml.strip())
        idp = {"entity_id": found["entity_id"], "metadata_url": metadata_url} if metadata_url else (
            found
        )  # fmt: skip
    elif app is not None:
        idp = dict(app.settings.get("idp") or {})
    else:
        raise InvalidInput(
            "Give the provider's metadata URL, or paste its metadata.", field="metadata_url"
        )
    attributes = {
        "name_claim": name_attribute.strip(),
        "job_title_claim": job_title_attribute.strip(),
        "department_claim": department_attribute.strip(),
        "level_claim": level_attribute.strip(),
    }
    with transaction.atomic():
        if app is None:
            provider_id = _unique_provider_id(name)
            app = SocialApp(provider=SAML, provider_id=provider_id, client_id=provider_id)
        app.name = name
        app.settings = saml_settings(
            entity_id=idp["entity_id"],
            metadata_url=idp.get("metadata_url", ""),
            sso_url=idp.get("sso_url", ""),
            x509cert=idp.get("x509cert", ""),
            slo_url=idp.get("slo_url", ""),
            email_attribute=email_attribute.strip(),
            attributes=attributes,
        )
        app.save()
        record_audit(
            "sso.provider.save", app, actor=actor, name=name, kind=SAML,
            entity_id=idp["entity_id"], metadata_url=metadata_url,
        )  # fmt: skip
    return app


def do_delete_provider(app: SocialApp, *, actor: Person) -> None:
    """Remove a provider; people who signed in with it keep their accounts."""
    check_manage_sign_in(actor)
    with transaction.atomic():
        record_audit("sso.provider.delete", app, actor=actor, name=app.name)
        app.delete()


def do_set_sign_in_policy(
    *, actor: Person, password_sign_in: bool, break_glass: Iterable[Person]
) -> SignInPolicy:
    """Switch password sign-in on or off. Off needs at least one break-glass admin, so that a
    broken provider never locks everyone out."""
    check_manage_sign_in(actor)
    admins = [person for person in break_glass if person.is_org_admin and person.is_active]
    if not password_sign_in and not admins:
        raise InvalidInput(
            "Name at least one admin who may still sign in with a password, in case the "
            "identity provider is unavailable.",
            field="break_glass",
        )
    with transaction.atomic():
        policy = SignInPolicy.current()
        policy.password_sign_in = password_sign_in
        policy.save(update_fields=["password_sign_in", "updated_at"])
        policy.break_glass.set(admins)
        record_audit(
            "sso.policy", Organisation.current(), actor=actor, password_sign_in=password_sign_in,
            break_glass=[person.pk for person in admins],
        )  # fmt: skip
    return policy


# --- People from a provider's claims ------------------------------------------------------------


def _claim(claims: Mapping[str, Any], name: str, field: str) -> str:
    value = claims.get(name)
    return clean_text(value if isinstance(value, str) else "", field, max_length=120)


def _department_named(name: str) -> Department | None:
    if not name:
        return None
    existing = Department.objects.filter(name__iexact=name).order_by("parent_id", "pk").first()
    return existing or Department.objects.create(name=name)


def _level_named(name: str) -> ManagementLevel | None:
    return ManagementLevel.objects.filter(name__iexact=name).first() if name else None


def _mapped(mapping: Mapping[str, Any], key: str) -> str:
    return str(mapping.get(key) or DEFAULT_CLAIMS[key])


def _fields_from_claims(claims: Mapping[str, Any], mapping: Mapping[str, Any]) -> dict[str, Any]:
    """What the claims (or a SAML assertion's attributes) say of name, job title, department and
    management level; a claim the provider does not send leaves that field as it is. A level is
    one of the organisation's (by name): an unknown one leaves the level as it is."""
    fields: dict[str, Any] = {}
    if name := _claim(claims, _mapped(mapping, "name_claim"), "display_name"):
        fields["display_name"] = name
    job_claim = mapping.get("job_title_claim") or DEFAULT_CLAIMS["job_title_claim"]
    if job_claim in claims:
        fields["job_title"] = _claim(claims, job_claim, "job_title")
    department_claim = mapping.get("department_claim") or DEFAULT_CLAIMS["department_claim"]
    if department_claim in claims:
        fields["department"] = _department_named(_claim(claims, department_claim, "department"))
    level_claim = _mapped(mapping, "level_claim")
    if level_claim in claims and (level := _level_named(_claim(claims, level_claim, "level"))):
        fields["level"] = level
    return fields


def do_create_person_from_claims(
    email: str, claims: Mapping[str, Any], mapping: Mapping[str, Any], *, provider: str
) -> Person:
    """A person's first sign-in through a provider makes their account (just in time); the
    caller has checked that the address is in an allowed domain or invited."""
    with transaction.atomic():
        fields = _fields_from_claims(claims, mapping)
        display_name = fields.pop("display_name", "") or email.split("@")[0]
        person = do_create_person(email, actor=None, display_name=display_name, **fields)
        do_accept_invitation(person)  # someone invited: their invitation is used up
        record_audit("sso.person.create", person, actor=None, provider=provider)
    return person


def do_update_person_from_claims(
    person: Person, claims: Mapping[str, Any], mapping: Mapping[str, Any], *, provider: str
) -> Person:
    """Each sign-in through a provider brings name, job title and department up to date."""
    with transaction.atomic():
        changed = []
        for name, value in _fields_from_claims(claims, mapping).items():
            if getattr(person, name) != value:
                setattr(person, name, value)
                changed.append(name)
        if changed:
            person.save(update_fields=changed)
            record_audit("sso.person.update", person, actor=None, provider=provider, fields=changed)
    if changed:
        reindex_person_on_commit(person.pk)
    return person


def do_record_refused_sign_in(
    reason: str, *, provider: str, email: str = "", person: Person | None = None, detail: str = ""
) -> None:
    """The audit entry of a sign-in refused (on the person when known, else the organisation)."""
    target: Person | Organisation = person or Organisation.current()
    with transaction.atomic():
        record_audit(
            "sso.sign_in.refused", target, actor=None, reason=reason, provider=provider,
            email=email, detail=detail[:200],
        )  # fmt: skip
