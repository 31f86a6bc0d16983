from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "afterclass.polls"
    label = "polls"
