"""The ui app: template tags for the site's look (icons); no models, no views."""

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "afterclass.ui"
    label = "ui"
