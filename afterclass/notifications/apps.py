from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "afterclass.notifications"
    label = "notifications"
