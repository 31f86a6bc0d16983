from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "afterclass.surveys"
    label = "surveys"
