from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "afterclass.live"
    label = "live"
