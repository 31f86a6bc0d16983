from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "afterclass.api"
    label = "api"
