"""Insight pages, included at the site root."""

from django.urls import URLPattern, path

from afterclass.insights import views

urlpatterns: list[URLPattern] = [
    path("insights/", views.organisation_page, name="insights-organisation"),
    path("insights/<slug:chart>.csv", views.organisation_csv, name="insights-organisation-csv"),
    path("spaces/<slug:slug>/insights/", views.space_page, name="insights-space"),
    path("spaces/<slug:slug>/insights/report/", views.space_report, name="insights-report"),
    path(
        "spaces/<slug:slug>/insights/settings/",
        views.space_settings,
        name="insights-settings",
    ),
    path(
        "spaces/<slug:slug>/insights/<slug:chart>.csv",
        views.space_chart_csv,
        name="insights-space-csv",
    ),
    path("spaces/<slug:slug>/seen/", views.seen, name="insights-seen"),
    path("spaces/<slug:slug>/pulse/", views.pulse, name="insights-pulse"),
]
