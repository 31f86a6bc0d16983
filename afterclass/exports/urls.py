"""Data exports: My account → Download my data, and the admin's subject-access export."""

from django.urls import path

from afterclass.exports import views

urlpatterns = [
    path("me/data/", views.my_data, name="my-data"),
    path("me/data/<int:export_id>/download/", views.download, name="data-export-download"),
    path(
        "manage/people/<int:person_id>/export/",
        views.manage_person_export,
        name="manage-person-export",
    ),
]
