from django.apps import AppConfig


class WebappConfig(AppConfig):
    name = "afterclass.webapp"
    verbose_name = "Installable web app"
