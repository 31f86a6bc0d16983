"""Personal access tokens: creating, revoking and the person a bearer token belongs to."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.people.actions.validation import clean_text
from afterclass.people.models import AccessToken, Person, TokenScope

TOKEN_PREFIX = "ac_"  # noqa: S105 - a public marker that tells tokens apart, not a secret
# The longest a token may be made to last when it has an expiry at all.
MAX_TOKEN_DAYS = 366


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def do_create_access_token(
    person: Person,
    name: str,
    *,
    actor: Person,
    scope: str = TokenScope.WRITE,
    expires_at: datetime | None = None,
) -> tuple[AccessToken, str]:
    """Create a personal access token; the raw token is returned once and never stored.

    A "read" token may only read (the API refuses it anything else); an expiry, when given,
    is in the future and at most a year away.
    """
    if actor.pk != person.pk:
        raise NotAllowed("You can only create tokens for yourself.")
    if not person.is_active:
        raise NotAllowed("A deactivated person cannot have tokens.")
    label = clean_text(name, "name", max_length=80, required=True)
    if scope not in TokenScope.values:
        raise InvalidInput(
            "Choose what the token may do: read only, or read and write.", field="scope"
        )
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("Choose an expiry date after today.", field="expires_at")
    if expires_at is not None and expires_at > now + timedelta(days=MAX_TOKEN_DAYS):
        raise InvalidInput("A token can last at most a year.", field="expires_at")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AccessToken.objects.create(
            person=person,
            name=label,
            token_hash=hash_secret(raw),
            prefix=raw[:10],
            scope=scope,
            expires_at=expires_at,
        )
        record_audit("token.create", token, actor=actor, scope=scope)
    return token, raw


def do_revoke_access_token(token: AccessToken, *, actor: Person) -> AccessToken:
    if actor.pk != token.person_id and not actor.is_org_admin:
        raise NotFound("There is no such token.")
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit("token.revoke", token, actor=actor)
    return token


def token_for(raw: str) -> AccessToken | None:
    """The unrevoked token of an active person a bearer token is, with its person; marked as
    used unless it has expired. The caller refuses an expired one, and a read-only one for a
    change (api.auth.TokenAuth), with the words for each."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("person")
        .filter(token_hash=hash_secret(raw), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None or token.is_expired:
        return token
    now = timezone.now()
    # Touch at most once a minute, so reads stay reads.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def person_for_token(raw: str) -> Person | None:
    """The active person a usable (unrevoked, unexpired) bearer token belongs to."""
    token = token_for(raw)
    return None if token is None or token.is_expired else token.person
