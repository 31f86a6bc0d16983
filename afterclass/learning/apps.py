from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "afterclass.learning"
    label = "learning"
