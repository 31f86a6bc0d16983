"""The installable web app: its manifest, its service worker (served from the site root so that
it controls every page), the page the worker shows when the network is gone, and turning push
notifications on and off for a device."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from afterclass.webapp.actions import do_delete_push_subscription, do_save_push_subscription
from afterclass.webapp.forms import PushSubscriptionForm

# The app's colours, as in afterclass.css: the header's ink and the page's background.
THEME_COLOUR = "#1d2433"
BACKGROUND_COLOUR = "#f6f7f9"

# The shell the worker keeps for offline use: static files only, the same for everyone. Pages,
# API answers and uploads are never put in a cache (they are private to the person who asked).
SHELL = (
    "afterclass/afterclass.css",
    "afterclass/favicon.svg",
    "webapp/icon-192.png",
)


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what a phone needs to install Afterclass as an app."""
    icons = [
        {"src": static(f"webapp/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"webapp/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "name": "Afterclass",
        "short_name": "Afterclass",
        "description": "Your organisation's place to ask, share and learn together.",
        "id": "/feed/",
        "start_url": reverse("home-feed"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "lang": "en-GB",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json")


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script. Served from /sw.js (its scope is the whole site) and always
    revalidated, so a new release reaches browsers at once; the cache's name changes with the
    shell's addresses (hashed file names in production), so an old shell is dropped."""
    shell = [static(name) for name in SHELL]
    offline = reverse("offline")
    version = hashlib.sha256("\n".join([*shell, offline]).encode()).hexdigest()[:12]
    script = render_to_string(
        "webapp/sw.js",
        {
            "shell": shell,
            "offline": offline,
            "version": version,
            "icon": static("webapp/icon-192.png"),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(no_cache=True, max_age=0)
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it cannot fetch. The same for everyone (the worker keeps
    it), so it names nobody and shows nothing of the organisation."""
    return render(request, "webapp/offline.html", {"theme_colour": THEME_COLOUR})


# --- Push subscriptions ---------------------------------------------------------------------

MAX_BODY = 4096


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _body(request: HttpRequest) -> dict[str, Any] | None:
    if request.content_type != "application/json" or len(request.body) > MAX_BODY:
        return None
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@require_POST
def save_push_subscription(request: HttpRequest) -> JsonResponse:
    """Turn push on for this device: the browser's subscription as JSON (CSRF-checked)."""
    if not request.user.is_authenticated:
        return _json_error("Sign in to turn on push notifications.", 403)
    body = _body(request)
    if body is None:
        return _json_error("Send the subscription as a JSON object.", 400)
    form = PushSubscriptionForm(body)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        field = next(iter(form.errors))
        return _json_error(f"{field}: {first}", 400)
    data = form.cleaned_data
    subscription = do_save_push_subscription(
        actor=request.user,
        endpoint=data["endpoint"],
        p256dh=data["p256dh"],
        auth=data["auth"],
        label=data["label"],
    )
    return JsonResponse({"id": subscription.pk}, status=201)


@require_POST
def delete_push_subscription(request: HttpRequest) -> HttpResponse:
    """Turn push off for this device (only the signed-in person's own subscription)."""
    if not request.user.is_authenticated:
        return _json_error("Sign in to turn off push notifications.", 403)
    body = _body(request)
    endpoint = body.get("endpoint") if body is not None else None
    if not isinstance(endpoint, str) or not endpoint:
        return _json_error("Send the subscription's endpoint as JSON.", 400)
    if not do_delete_push_subscription(actor=request.user, endpoint=endpoint):
        return _json_error("This device has no push subscription of yours.", 404)
    return HttpResponse(status=204)
