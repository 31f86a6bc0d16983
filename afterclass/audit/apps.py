from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "afterclass.audit"
    label = "audit"
