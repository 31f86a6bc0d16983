from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "afterclass.core"
    label = "core"
