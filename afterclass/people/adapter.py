"""How django-allauth signs people up and in here.

Who may register (an invited address or an allowed domain) is checked by the sign-up form,
`forms.SignupExtraForm`, and not in `clean_email`: allauth also cleans the address on the
password-reset form, where that rule must not apply.
"""

from typing import Any, ClassVar

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.http import HttpRequest
from django.urls import reverse

from afterclass.people.access import needs_onboarding
from afterclass.people.actions import do_accept_invitation, usable_invitation_for
from afterclass.people.models import Person

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

    def get_login_redirect_url(self, request: HttpRequest) -> str:
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
