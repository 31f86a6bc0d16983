"""Manage → Sign-in (providers and the password policy), the sign-in page's policy header, and
the page after signing out that offers to sign out of the provider too."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from allauth.account.views import LoginView
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.openid_connect import views as openid_connect_views
from allauth.socialaccount.providers.saml import views as saml_views
from allauth.socialaccount.sessions import LoginSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from onelogin.saml2.response import OneLogin_Saml2_Response
from requests import RequestException

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.people.views import invitations
from afterclass.sso.access import check_manage_sign_in
from afterclass.sso.actions import (
    OIDC,
    SAML,
    do_delete_provider,
    do_save_provider,
    do_save_saml_provider,
    do_set_sign_in_policy,
)
from afterclass.sso.adapter import (
    SIGNED_OUT_SALT,
    SIGNED_OUT_SECONDS,
    add_nonce,
    refusal,
    used_assertion_key,
)
from afterclass.sso.forms import PolicyForm, ProviderForm, SamlProviderForm
from afterclass.sso.models import SignInPolicy
from afterclass.sso.providers import end_session_url, sign_in_providers

SHOWN_PROVIDERS = 50


def secret_hint(secret: str) -> str:
    """Enough of a stored secret to tell which one it is, never the secret."""
    return f"••••{secret[-4:]}" if len(secret) >= 12 else "••••"


def allowing_providers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sign-in page's "Sign in with …" forms post to us, and we redirect them to the
    provider: browsers apply the page's form-action to that redirect, so it names the providers'
    origins (the same policy as every page otherwise)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origins = sorted({provider.origin for provider in sign_in_providers(request)})
        if origins:
            policy = dict(settings.SECURE_CSP)
            policy["form-action"] = [CSP.SELF, *origins]
            response._csp_config = policy  # type: ignore[attr-defined]  # what csp_override sets
        return response

    return wrapped


sign_in = allowing_providers(LoginView.as_view())


def provider_sign_in(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's start of a sign-in with a provider, which first reads the provider's discovery
    document: a provider that does not answer is a page saying so, not an error. The way to the
    provider gets a nonce (sso.adapter.add_nonce)."""
    try:
        response: HttpResponse = openid_connect_views.login(request, provider_id)
    except RequestException as error:
        names = [p.name for p in sign_in_providers(request) if p.provider_id == provider_id]
        refused: HttpResponse = refusal(
            request, "unreachable", provider=names[0] if names else "", detail=repr(error)
        ).response
        return refused
    if response.status_code == 302:
        response["Location"] = add_nonce(request, response["Location"])
    return response


def _provider_name(request: HttpRequest, provider_id: str) -> str:
    names = [p.name for p in sign_in_providers(request) if p.provider_id == provider_id]
    return names[0] if names else ""


def saml_sign_in(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's start of a SAML sign-in, which may first read the provider's metadata from its
    address: a provider that does not answer is a page saying so, not an error."""
    try:
        response: HttpResponse = saml_views.login(request, organization_slug=organization_slug)
    except OSError as error:  # urllib's URLError and socket errors (python3-saml reads metadata)
        refused: HttpResponse = refusal(
            request, "unreachable", provider=_provider_name(request, organization_slug),
            detail=repr(error),
        ).response  # fmt: skip
        return refused
    return response


def _assertion_id(request: HttpRequest) -> str | None:
    """The id of the assertion allauth's assertion consumer stored for this browser, read as
    python3-saml reads it (checked, with the signature, by allauth afterwards)."""
    stored = LoginSession(request, "saml_acs_session", "saml-acs-session").store.get("request")
    try:
        answer = QueryDict(json.loads(stored)["POST"]).get("SAMLResponse") if stored else None
        if not answer:
            return None
        return str(OneLogin_Saml2_Response(None, answer).get_assertion_id() or "") or None
    except Exception:  # not a response python3-saml can read: allauth refuses it next
        return None


def saml_finish(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's end of a SAML sign-in, with two refusals it lacks: an assertion already used
    (a replay, refused here before anything else and once accepted in the adapter), and an
    answer to a sign-in this browser did not start or has finished (allauth's bare 403)."""
    name = _provider_name(request, organization_slug)
    request.saml_assertion_id = _assertion_id(request)  # type: ignore[attr-defined]
    key = used_assertion_key(request)
    if key is not None and cache.get(key):
        return refusal(request, "replayed", provider=name, detail=key).response  # type: ignore[no-any-return]
    try:
        response: HttpResponse = saml_views.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        return refusal(request, "state_mismatch", provider=name).response  # type: ignore[no-any-return]
    return response


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's page chooses a password, which the organisation may have switched off:
    then it says to sign in through the provider (the invitation is used at that first sign-in)."""
    if request.user.is_authenticated or SignInPolicy.password_sign_in_on():
        return invitations.accept_invitation(request, token)
    context = {"providers": sign_in_providers(request)}
    return render(request, "sso/invitation.html", context)


def _provider_row(request: HttpRequest, provider_pk: int) -> SocialApp:
    check_manage_sign_in(request.user)  # type: ignore[arg-type]
    app = SocialApp.objects.filter(provider__in=[OIDC, SAML], pk=provider_pk).first()
    if app is None:
        raise Http404
    return app


def _save(
    form: ProviderForm | SamlProviderForm, app: SocialApp | None, actor: Any
) -> SocialApp | None:
    if not form.is_valid():
        return None
    save = do_save_saml_provider if isinstance(form, SamlProviderForm) else do_save_provider
    try:
        return save(app, actor=actor, **form.cleaned_data)
    except (InvalidInput, Conflict) as error:
        show_action_error(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def manage_sign_in(request: SignedInRequest) -> HttpResponse:
    me = request.user
    check_manage_sign_in(me)
    policy = SignInPolicy.current()
    status = 200
    provider_form = ProviderForm()
    policy_form = PolicyForm(
        initial={
            "password_sign_in": policy.password_sign_in,
            "break_glass": policy.break_glass.all(),
        }
    )
    if request.method == "POST" and "save_policy" in request.POST:
        policy_form = PolicyForm(request.POST)
        if policy_form.is_valid():
            try:
                do_set_sign_in_policy(actor=me, **policy_form.cleaned_data)
            except InvalidInput as error:
                show_action_error(policy_form, error)
            else:
                messages.success(request, "The sign-in policy is saved.")
                return redirect("manage-sign-in")
        status = 400
    elif request.method == "POST":
        provider_form = ProviderForm(request.POST)
        app = _save(provider_form, None, me)
        if app is not None:
            messages.success(request, f"People can now sign in with {app.name}.")
            return redirect("manage-sign-in")
        status = 400
    context = {
        "providers": sign_in_providers(request)[:SHOWN_PROVIDERS],
        "provider_form": provider_form,
        "policy_form": policy_form,
        "callback_example": request.build_absolute_uri("/accounts/oidc/") + "<id>/login/callback/",
    }
    response = render(request, "sso/manage_sign_in.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _saml_addresses(request: HttpRequest, slug: str) -> dict[str, str]:
    """What the identity provider is told of us: our entity ID (our metadata's address), where
    it posts its answers, and where it sends logouts."""
    kwargs = {"organization_slug": slug}
    return {
        "sp_entity_id": request.build_absolute_uri(reverse("saml_metadata", kwargs=kwargs)),
        "acs_url": request.build_absolute_uri(reverse("saml_acs", kwargs=kwargs)),
        "sls_url": request.build_absolute_uri(reverse("saml_sls", kwargs=kwargs)),
    }


def _saml_initial(app: SocialApp) -> dict[str, str]:
    stored = app.settings
    idp = stored.get("idp") or {}
    return {
        "name": app.name,
        "entity_id": idp.get("entity_id", ""),
        "metadata_url": idp.get("metadata_url", ""),
        "email_attribute": stored.get("email_attribute", ""),
        "name_attribute": stored.get("name_claim", ""),
        "job_title_attribute": stored.get("job_title_claim", ""),
        "department_attribute": stored.get("department_claim", ""),
        "level_attribute": stored.get("level_claim", ""),
    }


def _render_saml(
    request: HttpRequest, form: SamlProviderForm, app: SocialApp | None, status: int
) -> HttpResponse:
    context = {
        "app": app,
        "form": form,
        **_saml_addresses(request, app.client_id if app else "<id>"),
    }
    response = render(request, "sso/manage_saml_provider.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def manage_sign_in_saml(request: SignedInRequest) -> HttpResponse:
    """Manage → Sign-in → Add a SAML provider."""
    check_manage_sign_in(request.user)
    if request.method == "POST":
        form = SamlProviderForm(request.POST)
        app = _save(form, None, request.user)
        if app is not None:
            messages.success(request, f"People can now sign in with {app.name}.")
            return redirect("manage-sign-in-provider", app.pk)
        return _render_saml(request, form, None, 400)
    return _render_saml(request, SamlProviderForm(), None, 200)


@login_required
@require_http_methods(["GET", "POST"])
def manage_sign_in_provider(request: SignedInRequest, provider_pk: int) -> HttpResponse:
    app = _provider_row(request, provider_pk)
    if app.provider == SAML:
        if request.method == "POST":
            saml_form = SamlProviderForm(request.POST, editing=True)
            if _save(saml_form, app, request.user) is not None:
                messages.success(request, f"{app.name} is saved.")
                return redirect("manage-sign-in")
            return _render_saml(request, saml_form, app, 400)
        saml_form = SamlProviderForm(initial=_saml_initial(app), editing=True)
        return _render_saml(request, saml_form, app, 200)
    hint = secret_hint(app.secret)
    status = 200
    if request.method == "POST":
        form = ProviderForm(request.POST, secret_hint=hint)
        if _save(form, app, request.user) is not None:
            messages.success(request, f"{app.name} is saved.")
            return redirect("manage-sign-in")
        status = 400
    else:
        form = ProviderForm(
            initial={
                "name": app.name,
                "server_url": app.settings.get("server_url", ""),
                "client_id": app.client_id,
                "job_title_claim": app.settings.get("job_title_claim", ""),
                "department_claim": app.settings.get("department_claim", ""),
            },
            secret_hint=hint,
        )
    callback = request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": app.provider_id})
    )
    response = render(
        request, "sso/manage_provider.html", {"app": app, "form": form, "callback": callback},
        status=status,
    )  # fmt: skip
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def manage_sign_in_provider_delete(request: SignedInRequest, provider_pk: int) -> HttpResponse:
    app = _provider_row(request, provider_pk)
    do_delete_provider(app, actor=request.user)
    messages.success(request, f"{app.name} is removed: nobody can sign in with it any more.")
    return redirect("manage-sign-in")


def _signed_out_account_uid(signed: str) -> str:
    """The provider's name for whoever just signed out (SAML's NameID), from the signed account
    id the sign-out put in the address; empty when missing, forged or old."""
    if not signed:
        return ""
    try:
        pk = signing.loads(signed, salt=SIGNED_OUT_SALT, max_age=SIGNED_OUT_SECONDS)
    except signing.BadSignature:
        return ""
    uid = SocialAccount.objects.filter(pk=pk).values_list("uid", flat=True).first()
    return uid or ""


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """After signing out of Afterclass: offer to sign out of the provider too (RP-initiated
    logout), when it supports it."""
    if request.user.is_authenticated:
        return redirect("home")
    provider_id = request.GET.get("provider", "")
    after = request.build_absolute_uri(reverse("account_login"))
    name_id = _signed_out_account_uid(request.GET.get("account", ""))
    logout = end_session_url(request, provider_id, after, name_id) if provider_id else None
    if logout is None:
        return redirect("account_login")
    name, url = logout
    return render(request, "sso/signed_out.html", {"provider_name": name, "logout_url": url})
