from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "afterclass.spaces"
    label = "spaces"
