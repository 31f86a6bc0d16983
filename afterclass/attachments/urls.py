"""File addresses, included at the site root. There is no other way to a stored file."""

from django.urls import URLPattern, path

from afterclass.attachments import views

urlpatterns: list[URLPattern] = [
    path(
        "attachments/<int:attachment_id>/thumbnail/",
        views.thumbnail,
        name="attachment-thumbnail",
    ),
    path("attachments/<int:attachment_id>/<str:name>", views.download, name="attachment-file"),
]
