"""Two-factor sign-in: who must enrol a second factor, remembering it per session, its audit.

allauth.mfa does the enrolling and the checking of codes and keys; this module adds the
organisation's rule (`Organisation.two_factor_required_for`) and the audit entries. Whether a
session must first enrol is decided at sign-in, and again when the setting changes, and kept in
the session itself, so an ordinary page pays no query for it (people.middleware reads the flag).
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any, ClassVar

from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from afterclass.audit.log import record_audit
from afterclass.people.models import Organisation, Person, TwoFactorRequirement

# Set in a session whose person must enrol a second factor before anything else.
ENROL_SESSION_KEY = "afterclass_two_factor_due"
# When the session's person signed in and was sent to enrol (seconds since the epoch).
SIGNED_IN_SESSION_KEY = "afterclass_signed_in_at"
# The kinds of authenticator that are a second factor on their own (recovery codes only back
# one of them up).
FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def two_factor_required(person: Person | AnonymousUser, organisation: Organisation) -> bool:
    """Whether the organisation's setting asks this person for a second factor.

    Only people with a password are asked: someone who signs in through the organisation's
    identity provider has their second factor there.
    """
    if not isinstance(person, Person) or not person.is_active:
        return False
    requirement = organisation.two_factor_required_for
    if requirement == TwoFactorRequirement.NOBODY or not person.has_usable_password():
        return False
    if requirement == TwoFactorRequirement.ADMINS:
        return person.is_org_admin
    return True


def has_second_factor(person: Person) -> bool:
    return bool(Authenticator.objects.filter(user=person, type__in=FACTOR_TYPES).exists())


def must_enrol(person: Person | AnonymousUser, organisation: Organisation | None = None) -> bool:
    """Required to use a second factor and has none yet."""
    organisation = organisation or Organisation.current()
    return (
        isinstance(person, Person)
        and two_factor_required(person, organisation)
        and not has_second_factor(person)
    )


def signed_in_recently(session: SessionBase, seconds: int) -> bool:
    signed_in_at = session.get(SIGNED_IN_SESSION_KEY)
    return signed_in_at is not None and time.time() - float(signed_in_at) < seconds


def remember_enrolment_due(
    session: SessionBase, person: Person | AnonymousUser, *, signing_in: bool = False
) -> bool:
    """Decide (at sign-in, and when a factor is added or removed) whether this session must
    enrol first, and keep the answer in it."""
    due = must_enrol(person)
    if signing_in and due:
        # allauth asks for the password again before a factor is added; right after typing it
        # to sign in, that is once too often (people.adapter reads this).
        session[SIGNED_IN_SESSION_KEY] = int(time.time())
    if due:
        session[ENROL_SESSION_KEY] = True
    else:
        session.pop(ENROL_SESSION_KEY, None)
    return due


def mark_sessions_due(organisation: Organisation, *, person: Person | None = None) -> int:
    """After the setting changed (or `person` became an admin): every signed-in session of
    someone who must now enrol is sent to enrolment at its next request. A stale mark heals
    itself (the middleware asks again before refusing anything), so marks are only added here.

    Reads the sessions allauth.usersessions recorded at sign-in, per person who has no factor.
    """
    if organisation.two_factor_required_for == TwoFactorRequirement.NOBODY:
        return 0
    enrolled = Authenticator.objects.filter(type__in=FACTOR_TYPES).values("user_id")
    sessions = (
        UserSession.objects.exclude(user_id__in=enrolled).select_related("user").order_by("pk")
    )
    if person is not None:
        sessions = sessions.filter(user=person)
    engine = import_module(settings.SESSION_ENGINE)
    marked = 0
    for user_session in sessions.iterator():
        if not two_factor_required(user_session.user, organisation):
            continue
        store = engine.SessionStore(user_session.session_key)
        if not store.exists(user_session.session_key):
            continue
        store[ENROL_SESSION_KEY] = True
        store.save()
        marked += 1
    return marked


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """allauth.mfa as Afterclass words it, and the last factor kept while one is required."""

    error_messages: ClassVar[dict[str, Any]] = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your organisation requires two-factor sign-in for you: add a security key or "
            "another authenticator app before you remove this one."
        ),
        "incorrect_code": (
            "That code is not right. Type the six digits your authenticator app shows now, "
            "or one of your recovery codes."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        person = authenticator.user
        if not two_factor_required(person, Organisation.current()):
            return True
        others = Authenticator.objects.filter(user=person, type__in=FACTOR_TYPES).exclude(
            pk=authenticator.pk
        )
        return bool(others.exists())

    def _get_site_name(self) -> str:
        # The name a security key prompt shows.
        return str(Organisation.current().name)

    def get_totp_issuer(self) -> str:
        # The name an authenticator app lists the account under.
        return f"{Organisation.current().name} (Afterclass)"


# --- Audit: allauth.mfa's signals are the only place its flows tell us what happened ---------


def _audit(action: str, request: HttpRequest | None, user: Any, authenticator: Any) -> None:
    if not isinstance(user, Person):
        return
    record_audit(action, user, actor=user, kind=authenticator.type, authenticator=authenticator.pk)


def on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _audit("two_factor.add", request, user, authenticator)
    if request is not None and isinstance(user, Person):
        remember_enrolment_due(request.session, user)


def on_authenticator_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _audit("two_factor.remove", request, user, authenticator)
    if request is not None and isinstance(user, Person):
        remember_enrolment_due(request.session, user)


def on_authenticator_reset(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _audit("two_factor.recovery_codes_renew", request, user, authenticator)


def on_authenticator_used(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    # Codes and keys are used at every sign-in; a recovery code is the one worth an entry.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _audit("two_factor.recovery_code_use", request, user, authenticator)


def connect_audit() -> None:
    """Called once by PeopleConfig.ready()."""
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="ac-2fa-add")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="ac-2fa-rm")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="ac-2fa-reset")
    mfa_signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="ac-2fa-used")
