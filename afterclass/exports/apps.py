from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "afterclass.exports"
    label = "exports"
