from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "afterclass.moderation"
    label = "moderation"
