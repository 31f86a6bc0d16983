from importlib import import_module

from django.apps import AppConfig

from afterclass.notifications.push import register_push_delivery


class WebappConfig(AppConfig):
    name = "afterclass.webapp"
    verbose_name = "Installable web app"

    def ready(self) -> None:
        # Notifications says who chose push; we deliver (it imports nothing of ours). The tasks
        # read models, so they are imported once the models are ready.
        register_push_delivery(import_module("afterclass.webapp.tasks").queue_pushes.enqueue)
