"""Poll pages, included at the site root: voting (or taking a vote back) and closing early."""

from django.urls import URLPattern, path

from afterclass.polls import views

urlpatterns: list[URLPattern] = [
    path("posts/<int:post_id>/poll/vote/", views.vote, name="poll-vote"),
    path("posts/<int:post_id>/poll/close/", views.close, name="poll-close"),
]
