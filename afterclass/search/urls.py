"""Search pages, under /search/."""

from django.urls import URLPattern, path

from afterclass.search import views

urlpatterns: list[URLPattern] = [
    path("", views.results, name="search"),
    path("similar-questions/", views.similar, name="similar-questions"),
]
