from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AttachmentsConfig(AppConfig):
    name = "afterclass.attachments"
    label = "attachments"

    def ready(self) -> None:
        # Who may see a file's owner, said by the owner's app (posts/file_owners.py,
        # learning/file_owners.py); they import attachments, attachments never imports them.
        autodiscover_modules("file_owners")
