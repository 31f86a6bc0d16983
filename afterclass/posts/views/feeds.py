"""Feeds across my spaces: what is new, and questions waiting for an answer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from afterclass.core.http import SignedInRequest, next_url, page_or_partial, wants_fragment
from afterclass.core.pagecache import remembered_page
from afterclass.people.access import needs_onboarding
from afterclass.posts.queries import home_feed, waiting_questions
from afterclass.posts.views.composer import feed_bar


@login_required
@require_GET
@remembered_page
def home(request: SignedInRequest) -> HttpResponse:
    if needs_onboarding(request.user):
        return redirect("onboarding")  # someone new is welcomed before the (empty) feed
    page = home_feed(request.user, cursor=request.GET.get("cursor"))
    context: dict[str, Any] = {
        "page": page,
        "next_url": next_url(request, page.next),
        "current": "feed",
        "with_space": True,
    }
    if not wants_fragment(request):
        context["composer_bar"] = feed_bar(request.user)
    return page_or_partial(request, "posts/feed.html", "post-page", context)


@login_required
@require_GET
def waiting(request: SignedInRequest) -> HttpResponse:
    page = waiting_questions(request.user, cursor=request.GET.get("cursor"))
    context = {
        "page": page,
        "next_url": next_url(request, page.next),
        "current": "waiting",
        "with_space": True,
    }
    return page_or_partial(request, "posts/feed.html", "post-page", context)
