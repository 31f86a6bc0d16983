"""A hashtag's page: the posts carrying it across the spaces the viewer may read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from afterclass.core.errors import NotFound
from afterclass.core.http import SignedInRequest, next_url, page_or_partial
from afterclass.posts.hashtags import hashtag_feed, normalise_tag

NOT_A_HASHTAG = "There is no such hashtag."


@login_required
@require_GET
def tag_page(request: SignedInRequest, tag: str) -> HttpResponse:
    """Newest first, 20 at a time. A tag nobody used, or used only where the viewer cannot
    look, shows the same empty page: the page never tells which."""
    name = normalise_tag(tag)
    if name is None:
        raise NotFound(NOT_A_HASHTAG)
    page = hashtag_feed(name, request.user, cursor=request.GET.get("cursor"))
    context = {
        "tag": name,
        "page": page,
        "next_url": next_url(request, page.next),
        "with_space": True,
    }
    return page_or_partial(request, "posts/hashtag.html", "post-page", context)
