from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "afterclass.demo"
    label = "demo"
    verbose_name = "Demo organisation"
