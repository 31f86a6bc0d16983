"""Retention's pages: Manage → Retention (under /manage/retention/) and each space's."""

from django.urls import path

from afterclass.retention import views

manage_urlpatterns = [
    path("", views.organisation_retention, name="manage-retention"),
]

space_urlpatterns = [
    path("", views.space_retention_page, name="space-retention"),
    path("legal-hold/", views.space_legal_hold, name="space-legal-hold"),
]
