from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "afterclass.insights"
    label = "insights"
