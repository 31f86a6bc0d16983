"""The post pages: feeds (`feeds`), writing a post (`compose`), a post's page and what people do
on it (`thread`), and moderators' controls (`moderation`).

Each view loads the post with `load_post` (404 when unknown or invisible), acts through an action
(403 when not allowed), and renders or redirects. Templates show only what `posts.queries`
presents (`shown_author`, never `author`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from afterclass.core.http import SignedInRequest
from afterclass.posts.access import access_post
from afterclass.posts.models import Post
from afterclass.spaces.models import Space


def load_post(request: SignedInRequest, post_id: int) -> Post:
    """The post the viewer may see, its space annotated with the viewer's membership so that
    every later permission check reads it without another query."""
    post = access_post(request.user, post_id)
    post.space = Space.objects.with_membership_of(request.user).get(pk=post.space_id)
    return post


def back_to_post(post: Post, anchor: str = "") -> HttpResponse:
    url = reverse("post-detail", args=[post.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)
