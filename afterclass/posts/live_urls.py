"""The fragments that open pages fetch on a live event (posts/views/live.py), under /live/."""

from django.urls import URLPattern, path

from afterclass.posts.views import live

urlpatterns: list[URLPattern] = [
    path("spaces/<slug:slug>/posts/", live.space_posts, name="live-space-posts"),
    path("posts/<int:post_id>/comments/", live.post_comments, name="live-post-comments"),
]
