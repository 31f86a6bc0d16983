"""The welcome's steps that are about spaces, included at /welcome/ beside people's own."""

from django.urls import URLPattern, path

from afterclass.spaces.views import onboarding

urlpatterns: list[URLPattern] = [
    path("spaces/", onboarding.welcome_spaces, name="onboarding-spaces"),
    path("spaces/<slug:slug>/join/", onboarding.welcome_join, name="onboarding-join"),
    path("first-post/", onboarding.welcome_first_post, name="onboarding-first-post"),
]
