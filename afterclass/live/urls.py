"""The fragments that open pages fetch on a live event (afterclass.live.views)."""

from django.urls import URLPattern, path

from afterclass.live import views

urlpatterns: list[URLPattern] = [
    path("spaces/<slug:slug>/posts/", views.space_posts, name="live-space-posts"),
    path("posts/<int:post_id>/comments/", views.post_comments, name="live-post-comments"),
]
