"""How allauth signs people in through OpenID Connect and SAML 2.0 here, and the password-sign-in
policy.

`SocialSignInAdapter` (SOCIALACCOUNT_ADAPTER) matches a person by the provider's `sub` or SAML
NameID (allauth's SocialAccount) or else by e-mail address (people made by SCIM or invited),
refuses a deactivated person and an address outside the allowed domains, makes accounts just in
time and keeps name, job title, department and management level up to date from the claims (a
SAML provider's attributes are its claims). Every refusal, its own or a token or assertion allauth
would not accept, is a page saying why in plain words, and an audit entry.

`AccountAdapter` (ACCOUNT_ADAPTER) adds to people's adapter the organisation's choice to switch
password sign-in off for everyone but the break-glass admins.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthError
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from requests import RequestException

from afterclass.people.actions import usable_invitation_for
from afterclass.people.actions.validation import email_domain_allowed
from afterclass.people.adapter import AccountAdapter as PeopleAccountAdapter
from afterclass.people.models import Person
from afterclass.sso.access import may_sign_in_with_password
from afterclass.sso.actions import (
    do_create_person_from_claims,
    do_record_refused_sign_in,
    do_update_person_from_claims,
)
from afterclass.sso.models import SignInPolicy

PROVIDER_SESSION_KEY = "afterclass_sso_provider"
NONCE_SESSION_KEY = "afterclass_oidc_nonces"
SIGNED_OUT_SALT = "afterclass.sso.signed-out"
SIGNED_OUT_SECONDS = 3600
NONCES_KEPT = 10  # sign-ins started and not finished, per browser (as allauth keeps states)
SAML = "saml"
# A SAML assertion is accepted once: its id is kept for longer than any assertion is valid.
USED_ASSERTION_SECONDS = 24 * 3600

REFUSALS = {
    "deactivated": (
        "Your account here has been deactivated, so you cannot sign in, even through your "
        "organisation's sign-in. If you think this is a mistake, ask an administrator."
    ),
    "domain": (
        "Accounts here are only for addresses at your organisation's domains, and {email} is "
        "not one of them. Sign in with your work account, or ask an administrator."
    ),
    "no_email": (
        "Your identity provider did not tell us your e-mail address, so we cannot find or make "
        "your account. Ask an administrator to let the provider share it."
    ),
    "wrong_audience": (
        "The sign-in answer from {provider} was meant for another application, so we did not "
        "accept it. Please try again; if it keeps happening, tell an administrator."
    ),
    "wrong_issuer": (
        "The sign-in answer did not come from {provider} as configured, so we did not accept "
        "it. Please try again; if it keeps happening, tell an administrator."
    ),
    "expired": (
        "The sign-in answer from {provider} had already expired (or was not valid yet). Check "
        "that your device's clock is right and try again."
    ),
    "replayed": (
        "This sign-in answer from {provider} had already been used, so we did not accept it "
        "again. Please sign in afresh."
    ),
    "unsigned": (
        "The sign-in answer from {provider} was not signed, so we could not tell that it really "
        "came from {provider}, and did not accept it. Tell an administrator."
    ),
    "bad_signature": (
        "The signature on the sign-in answer from {provider} is not the one we expect, so we did "
        "not accept it. Please try again; if it keeps happening, tell an administrator."
    ),
    "invalid_token": (
        "We could not check the sign-in answer from {provider}, so we did not accept it. Please "
        "try again; if it keeps happening, tell an administrator."
    ),
    "state_mismatch": (
        "This sign-in did not start here, or it started too long ago or in another browser, so "
        "we stopped it to keep your account safe. Please start again from the sign-in page."
    ),
    "unreachable": (
        "We could not reach {provider} to finish signing you in. Please try again in a few minutes."
    ),
    "provider_error": (
        "{provider} did not sign you in. Please try again; if it keeps happening, tell an "
        "administrator."
    ),
    "cancelled": "You cancelled signing in with {provider}.",
    "password_off": (
        "Your organisation signs people in through its own sign-in, not with a password or a "
        "passkey here. "
        "Use the “Sign in with …” button on the sign-in page."
    ),
}

TOKEN_ERRORS: list[tuple[type[Exception], str]] = [
    (jwt.InvalidAudienceError, "wrong_audience"),
    (jwt.InvalidIssuerError, "wrong_issuer"),
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "expired"),
]


def refusal(
    request: HttpRequest,
    reason: str,
    *,
    provider: str,
    email: str = "",
    person: Person | None = None,
    detail: str = "",
) -> ImmediateHttpResponse:
    """Record the refusal and give the page that says why (403)."""
    do_record_refused_sign_in(reason, provider=provider, email=email, person=person, detail=detail)
    message = REFUSALS[reason].format(provider=provider or "your identity provider", email=email)
    response = render(
        request, "sso/refused.html", {"message": message, "reason": reason}, status=403
    )
    return ImmediateHttpResponse(response)


def claims_of(sociallogin: SocialLogin) -> dict[str, Any]:
    """The ID token's claims with the userinfo endpoint's over them (its answer is fresher); a
    SAML assertion's attributes (the first value of each), with the address allauth found."""
    extra = sociallogin.account.extra_data or {}
    if sociallogin.provider.id == SAML:
        claims = {
            name: values[0] if isinstance(values, list) and values else values
            for name, values in extra.items()
        }
        return {**claims, "email": sociallogin.user.email or claims.get("email", "")}
    if "userinfo" not in extra and "id_token" not in extra:
        return dict(extra)
    return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}


# What python3-saml says of an assertion it refused (allauth passes on only its words).
SAML_ERRORS: list[tuple[str, str]] = [
    ("not a valid audience", "wrong_audience"),
    ("invalid issuer", "wrong_issuer"),
    ("could not validate timestamp", "expired"),
    ("no signature found", "unsigned"),
    ("is not signed and the sp require", "unsigned"),
    ("signature validation failed", "bad_signature"),
]


def reason_for(error: Any, exception: BaseException | None, extra: dict[str, Any]) -> str:
    if error == AuthError.CANCELLED:
        return "cancelled"
    if "saml_errors" in extra:
        words = str(extra.get("saml_last_error_reason") or "").lower()
        return next((reason for text, reason in SAML_ERRORS if text in words), "invalid_token")
    if exception is None:
        # allauth found no sign-in it started for this `state`.
        return "state_mismatch" if "state_id" in extra else "provider_error"
    if isinstance(exception, RequestException):
        return "unreachable"
    cause = exception.__cause__
    for kind, reason in TOKEN_ERRORS:
        if isinstance(cause, kind):
            return reason
    if "already used" in str(exception):
        return "replayed"
    if cause is not None and isinstance(cause, jwt.PyJWTError):
        return "invalid_token"
    return "provider_error"


def used_assertion_key(request: HttpRequest) -> str | None:
    """The cache key of the SAML assertion being signed in with (sso.views.saml_finish reads its
    id from the stored answer), or None."""
    assertion_id = getattr(request, "saml_assertion_id", None)
    return f"sso:saml:assertion:{assertion_id}" if assertion_id else None


def use_assertion_once(request: HttpRequest, provider: str) -> None:
    """Called once allauth accepted the assertion (signature, audience, times): its id is marked
    used, and an id already used is a replay."""
    key = used_assertion_key(request)
    if key is not None and not cache.add(key, True, USED_ASSERTION_SECONDS):
        raise refusal(request, "replayed", provider=provider, detail=key)


def add_nonce(request: HttpRequest, authorize_url: str) -> str:
    """allauth's OpenID Connect sends no nonce: one is added to the provider's authorization
    address and kept for this browser under the sign-in's `state`, to be found in the ID token."""
    state = (parse_qs(urlsplit(authorize_url).query).get("state") or [""])[0]
    if not state:
        return authorize_url
    nonce = secrets.token_urlsafe(24)
    nonces = dict(request.session.get(NONCE_SESSION_KEY) or {})
    nonces[state] = nonce
    request.session[NONCE_SESSION_KEY] = dict(list(nonces.items())[-NONCES_KEPT:])
    return f"{authorize_url}{'&' if '?' in authorize_url else '?'}nonce={nonce}"


def check_nonce(request: HttpRequest, sociallogin: SocialLogin, provider: str) -> None:
    """The ID token must carry the nonce this browser's sign-in sent, once: another one is an ID
    token minted for another sign-in (a replay), none at all a token we cannot tie to it."""
    nonces = dict(request.session.get(NONCE_SESSION_KEY) or {})
    expected = nonces.pop(request.GET.get("state", ""), None)
    request.session[NONCE_SESSION_KEY] = nonces
    received = ((sociallogin.account.extra_data or {}).get("id_token") or {}).get("nonce")
    if expected is None:
        raise refusal(request, "state_mismatch", provider=provider, detail="no nonce kept")
    if not received:
        raise refusal(request, "invalid_token", provider=provider, detail="no nonce in ID token")
    if not hmac.compare_digest(str(received), expected):
        raise refusal(request, "replayed", provider=provider, detail="another nonce")


class SocialSignInAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        if sociallogin.provider.id == SAML:
            use_assertion_once(request, app.name)
        else:
            check_nonce(request, sociallogin, app.name)
        claims = claims_of(sociallogin)
        email = str(claims.get("email") or sociallogin.user.email or "").strip().lower()
        person: Person | None = sociallogin.user if sociallogin.is_existing else None
        if person is None and email:
            person = Person.objects.filter(email=email).first()
        if person is not None and not person.is_active:
            raise refusal(request, "deactivated", provider=app.name, email=email, person=person)
        if person is None:
            if not email:
                raise refusal(request, "no_email", provider=app.name)
            if not email_domain_allowed(email) and usable_invitation_for(email) is None:
                raise refusal(request, "domain", provider=app.name, email=email)
        elif not sociallogin.is_existing:
            # Known by address (invited, made by an admin or by SCIM): linked to this provider's
            # `sub` from now on, so a changed address later still finds them.
            sociallogin.connect(request, person)
        if person is not None:
            do_update_person_from_claims(person, claims, app.settings, provider=app.name)
        request.session[PROVIDER_SESSION_KEY] = app.provider_id

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: BaseException | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        reason = reason_for(error, exception, extra_context or {})
        raise refusal(request, reason, provider=provider.name, detail=repr(exception or ""))

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # pre_social_login has refused an address outside the allowed domains.
        return True

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Person:
        app = sociallogin.provider.app
        claims = claims_of(sociallogin)
        email = str(claims.get("email") or sociallogin.user.email).strip().lower()
        person = do_create_person_from_claims(email, claims, app.settings, provider=app.name)
        sociallogin.user = person
        sociallogin.save(request)
        return person


class AccountAdapter(PeopleAccountAdapter):
    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> Any:
        # Every way in but a provider (a password, a passkey, signing in right after signing up)
        # goes through here: with password sign-in off, only the break-glass admins pass.
        signal_kwargs = kwargs.get("signal_kwargs") or {}
        if "sociallogin" not in signal_kwargs and not may_sign_in_with_password(
            user, SignInPolicy.current()
        ):
            raise refusal(request, "password_off", provider="", email=user.email, person=user)
        return super().pre_login(request, user, **kwargs)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # With password sign-in off, accounts are made by the provider (or SCIM) only.
        return SignInPolicy.password_sign_in_on()

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # Asked before the session ends: someone who came through a provider is offered to sign
        # out of it too (sso.views.signed_out).
        provider_id = request.session.get(PROVIDER_SESSION_KEY)
        if provider_id:
            query = {"provider": provider_id}
            account = SocialAccount.objects.filter(user=request.user, provider=provider_id).first()
            if account is not None:
                # SAML's LogoutRequest names the person: the account, signed, for a little while.
                query["account"] = signing.dumps(account.pk, salt=SIGNED_OUT_SALT)
            return f"{reverse('sso-signed-out')}?{urlencode(query)}"
        return str(super().get_logout_redirect_url(request))
