from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "afterclass.worker"
    label = "worker"
    verbose_name = "Background work"
