from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "afterclass.scim"
    label = "scim"
