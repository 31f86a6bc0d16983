"""The test provider's addresses: OIDC under /o/, its own sign-in form at /login/."""

import os

from django.contrib.auth import get_user_model, login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from afterclass.sso.tests.idp.validator import FAULTS

FIELDS = [
    ("email", "E-mail address", os.environ.get("IDP_DEFAULT_EMAIL", "ada@northwind.example")),
    ("name", "Name", "Ada Lovelace"),
    ("job_title", "Job title", "Analyst"),
    ("department", "Department", "Engineering"),
]


def form_page(next_url: str) -> str:
    fields = "".join(
        f'<p><label for="{name}">{label}</label> '
        f'<input id="{name}" name="{name}" value="{escape(default)}"></p>'
        for name, label, default in FIELDS
    )
    faults = "".join(
        f'<option value="{key}">{escape(text)}</option>' for key, text in FAULTS.items()
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">'
        "<title>Test identity provider</title></head><body><main>"
        "<h1>Test identity provider</h1>"
        f'<form method="post"><input type="hidden" name="next" value="{escape(next_url)}">'
        f'{fields}<p><label for="fault">ID token</label> <select id="fault" name="fault">'
        f"{faults}</select></p>"
        '<button type="submit">Sign in to the test provider</button></form></main></body></html>'
    )


@csrf_exempt  # a test provider: the tests post this form from outside a browser too
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method != "POST":
        return HttpResponse(form_page(next_url))
    email = request.POST["email"].strip()
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    claims = {
        "email": email,
        "email_verified": True,
        "name": request.POST.get("name", ""),
        "job_title": request.POST.get("job_title", ""),
        "department": request.POST.get("department", ""),
        "fault": request.POST.get("fault", ""),
    }
    cache.set(f"claims:{user.pk}", claims, None)
    login(request, user)
    return HttpResponseRedirect(next_url)


def ready(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", sign_in),
    path("ready", ready),
]
