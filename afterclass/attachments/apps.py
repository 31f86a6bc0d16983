from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "afterclass.attachments"
    label = "attachments"
