from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "afterclass.outbox"
    label = "outbox"
    verbose_name = "Outgoing e-mail"
