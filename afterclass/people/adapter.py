"""How django-allauth signs people up and in here.

Who may register (an invited address or an allowed domain) is checked by the sign-up form,
`forms.SignupExtraForm`, and not in `clean_email`: allauth also cleans the address on the
password-reset form, where that rule must not apply.
"""

from typing import Any, ClassVar

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal.ratelimit import get_ip
from django.http import HttpRequest
from django.urls import reverse

from afterclass.people.access import needs_onboarding
from afterclass.people.actions import do_accept_invitation, usable_invitation_for
from afterclass.people.models import Person
from afterclass.people.sessions import start_seen_clock
from afterclass.people.two_factor import (
    ENROL_SESSION_KEY,
    remember_enrolment_due,
    signed_in_recently,
)

INVITATION_SESSION_KEY = "afterclass_invitation_email"


class AccountAdapter(DefaultAccountAdapter):
    error_messages: ClassVar[dict[str, Any]] = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-ins for this address from this device. Wait five minutes "
            "and try again, or reset your password."
        ),
        "email_password_mismatch": "The e-mail address or the password is not right.",
    }

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth throttles failed sign-ins per "key" (ACCOUNT_RATE_LIMITS["login_failed"]);
        # its key is the address alone, so five wrong passwords typed by anyone, anywhere, lock
        # the address's owner out. Keyed by address and client together, a stranger only locks
        # themselves out; the per-client limit ("…/ip") still stops one client trying many
        # addresses. The client is allauth's own (trusted proxies honoured, IPv6 by prefix).
        address = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{address}:{get_ip(request)}"

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        # Decided once per sign-in and kept in the session: whether this person must first
        # enrol a second factor (people.middleware holds them there until they have).
        remember_enrolment_due(request.session, user, signing_in=True)
        start_seen_clock(request.session)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Someone sent to enrol a second factor right after typing their password is not asked
        # for it again (allauth asks before any change to how one signs in), up to their
        # recovery codes: only within allauth's own reauthentication window from that sign-in.
        request = context.request
        if (
            app == "allauth.mfa"
            and request is not None
            and signed_in_recently(request.session, account_settings.REAUTHENTICATION_TIMEOUT)
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Two-factor enrolment, when the organisation requires it, comes before anything.
        if request.session.get(ENROL_SESSION_KEY):
            return reverse("mfa_index")
        # Someone new is welcomed first (a `next` they came with is followed instead: allauth
        # asks here only when there is none).
        if needs_onboarding(request.user):
            return reverse("onboarding")
        return str(super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # Someone who just signed up is new: welcomed first.
        return reverse("onboarding")

    def format_email_subject(self, subject: str) -> str:
        # allauth prefixes "[site name]"; our subjects already say what they are about.
        return str(subject)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # The form is shown to everyone; the sign-up form checks the address itself.
        return True

    def clean_email(self, email: str) -> str:
        return str(super().clean_email(email)).lower()

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Person:
        person: Person = super().save_user(request, user, form, commit=False)
        person.email = person.email.lower()
        invitation = usable_invitation_for(person.email)
        if not person.display_name:
            person.display_name = (
                form.cleaned_data.get("display_name")
                or (invitation.display_name if invitation else "")
                or person.email.split("@")[0]
            )
        person.onboarded_at = None  # welcomed at their first sign-in
        if commit:
            person.save()
            do_accept_invitation(person)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return person
